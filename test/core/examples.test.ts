// The bundled examples and every example command of ms-swift's documentation (written as YAML under
// test/fixtures/doc-configs) raise no error on their version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkText } from '../../core/src/check';
import { REPO_ROOT } from '../helpers';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

const examples = yamlFiles(path.join(REPO_ROOT, 'examples'));
const docConfigs = yamlFiles(path.join(REPO_ROOT, 'test', 'fixtures', 'doc-configs'));

test('there are examples and doc configs for both versions', () => {
  assert.ok(examples.length >= 4);
  assert.ok(docConfigs.filter((f) => f.includes('v3.4.1')).length >= 4);
  assert.ok(docConfigs.filter((f) => f.includes('v4.5.2')).length >= 4);
});

for (const file of [...examples, ...docConfigs]) {
  const rel = path.relative(REPO_ROOT, file);
  test(`${rel} passes with no error and no warning`, () => {
    const r = checkText(fs.readFileSync(file, 'utf8'));
    const expectedVersion = /ms-swift=(\S+)/.exec(fs.readFileSync(file, 'utf8').split('\n')[0]!)?.[1];
    if (expectedVersion) assert.equal(r.context.version, expectedVersion);
    const bad = r.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(bad.map((d) => `${d.range.start.line + 1}: ${d.code}: ${d.message}`), []);
  });
}
