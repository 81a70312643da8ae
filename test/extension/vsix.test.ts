// The packaged extension: built with @vscode/vsce from the bundles, with nothing else in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers';

/** File names from a zip's central directory. */
function zipEntries(buf: Buffer): string[] {
  const names: string[] = [];
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('the VSIX builds and holds only the bundles and assets', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mss-vsix-')), 'ms-swift-studio.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: REPO_ROOT, stdio: 'pipe' });
  const buf = fs.readFileSync(out);
  const entries = zipEntries(buf);
  for (const required of ['extension/dist/client.js', 'extension/dist/launcher.js', 'extension/dist/lsp-client.js', 'extension/dist/webview/metrics.js', 'extension/dist/server.js', 'extension/snippets/ms-swift-configs.json', 'extension/package.json', 'extension/syntaxes/ms-swift-yaml.tmLanguage.json', 'extension/language-configuration.json']) {
    assert.ok(entries.includes(required), `${required} missing from ${entries.join(', ')}`);
  }
  assert.deepEqual(entries.filter((e) => /node_modules|\.ts$|\.map$|^extension\/(core|server|client|cli|test|scripts)\//.test(e)), []);
  assert.ok(buf.length < 1.5 * 1024 * 1024, `VSIX is ${buf.length} bytes`);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  assert.equal(manifest.contributes.languages[0].id, 'ms-swift-yaml');
  assert.ok(manifest.capabilities.untrustedWorkspaces);
});
