// TensorBoard servers: started on loopback, waited for, shared per log folder, stopped with the last user.
// A stand-in `tensorboard` (a small HTTP server) keeps the test offline and fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { TensorBoardManager } from '../../client/src/host/tensorboard';

function standIn(delayMs = 300, failWith?: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-tb-'));
  const f = path.join(dir, 'tb.js');
  fs.writeFileSync(
    f,
    `const a = process.argv; const arg = (k) => a[a.indexOf(k) + 1];
     ${failWith ? `console.error(${JSON.stringify(failWith)}); process.exit(1);` : ''}
     setTimeout(() => require('http').createServer((q, r) => r.end('logdir=' + arg('--logdir') + ' host=' + arg('--host'))).listen(+arg('--port'), arg('--host')), ${delayMs});`,
  );
  return [process.execPath, f];
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => http.get(url, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => resolve(b)); }).on('error', reject));
}

test('starts on 127.0.0.1, waits until it answers, shares one server per log folder, stops with the last release', async () => {
  const m = new TensorBoardManager();
  try {
    const [a, b] = await Promise.all([m.acquire('/runs/a', { command: standIn() }), m.acquire('/runs/a', { command: standIn() })]);
    assert.equal(a, b);
    assert.equal(a.refs, 2);
    assert.equal(await get(a.url), 'logdir=/runs/a host=127.0.0.1');
    const other = await m.acquire('/runs/b', { command: standIn(0) });
    assert.notEqual(other.port, a.port);
    m.release('/runs/a');
    assert.equal(a.process.exitCode, null, 'still used once');
    m.release('/runs/a');
    await new Promise((r) => a.process.once('exit', r));
    await assert.rejects(get(a.url));
    assert.deepEqual(m.running().map((s) => s.logdir), ['/runs/b']);
  } finally {
    m.dispose();
  }
});

test('a TensorBoard that fails or is missing gives a clear error', async () => {
  const m = new TensorBoardManager();
  await assert.rejects(m.acquire('/x', { command: standIn(0, "ModuleNotFoundError: No module named 'tensorboard'") }), /exited \(status 1\).*No module named 'tensorboard'/s);
  await assert.rejects(m.acquire('/x', { command: ['/nonexistent/tensorboard'] }), /could not start TensorBoard/);
  await assert.rejects(m.acquire('/y', { command: standIn(5000), timeoutMs: 800 }), /did not answer/);
  m.dispose();
});
