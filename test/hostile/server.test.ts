// Hostile input through the bundled language server over stdio: every document gets diagnostics (or none, but
// the server answers), completion and hover still answer within a bound, and the process stays alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TestServer } from '../server/lsp-client';

const HEAD = '# megatron sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B-Instruct\ndataset: [a/b#10]\ntrain_iters: 100\nENV:\n  NPROC_PER_NODE: "2"\n';

function billionLaughs(): string {
  const names = 'abcdefghi';
  let text = `${HEAD}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 9; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
  return text;
}

function garbage(n: number): string {
  let x = 12345;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += String.fromCharCode(x >>> 24);
  }
  return Buffer.from(s, 'latin1').toString('utf8');
}

const CASES: Array<[string, string, string[]]> = [
  ['too-large', HEAD + '# a comment line that pads the document to several megabytes of text ........\n'.repeat(60_000), ['document-too-large']],
  ['alias-bomb', billionLaughs(), ['yaml-value-unreadable']],
  ['deep-flow', `${HEAD}model_kwargs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, ['yaml-syntax']],
  ['deep-block', `${HEAD}dataset:\n${'- '.repeat(10_000)}x\n`, ['yaml-syntax']],
  ['garbage', garbage(50_000), []],
  ['bom-crlf', `\ufeff${HEAD}learning_rate: 1\n`.replace(/\n/g, '\r\n'), ['unknown-argument']],
  ['multi-doc', `${HEAD}---\nlr: 1\n`, ['yaml-multiple-documents']],
  ['non-string-keys', `${HEAD}1: a\n[x]: b\n`, ['yaml-key-not-string']],
];

async function timedRequest<T>(server: TestServer, method: string, params: unknown, boundMs: number): Promise<T> {
  const t0 = Date.now();
  const result = await Promise.race([
    server.connection.sendRequest<T>(method, params),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} did not answer within ${boundMs} ms`)), boundMs)),
  ]);
  assert.ok(Date.now() - t0 < boundMs);
  return result;
}

test('the server survives hostile documents and keeps answering', async () => {
  const server = await startServer();
  try {
    for (const [name, text, expected] of CASES) {
      const uri = `file:///tmp/hostile-${name}.megatron.yaml`;
      const t0 = Date.now();
      server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text } });
      const d = await server.waitForDiagnostics(uri, (p) => p.version === 1, 15_000);
      const ms = Date.now() - t0;
      const got = new Set(d.diagnostics.map((x) => x.code));
      for (const code of expected) assert.ok(got.has(code), `${name}: expected ${code}, got ${[...got].join(',')}`);
      assert.ok(ms < 10_000, `${name}: diagnostics after ${ms} ms`);
      for (const position of [{ line: 0, character: 0 }, { line: 1, character: 3 }, { line: 3, character: 100 }, { line: 6, character: 0 }]) {
        await timedRequest(server, 'textDocument/completion', { textDocument: { uri }, position }, 5000);
        await timedRequest(server, 'textDocument/hover', { textDocument: { uri }, position }, 5000);
      }
      await timedRequest(server, 'textDocument/documentSymbol', { textDocument: { uri } }, 5000);
      await timedRequest(server, 'textDocument/foldingRange', { textDocument: { uri } }, 5000);
      server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      assert.equal(server.process.exitCode, null, `${name}: the server is still running`);
    }
    // and an ordinary document still works afterwards
    const uri = 'file:///tmp/after.megatron.yaml';
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: `${HEAD}learning_rate: 1\n` } });
    const d = await server.waitForDiagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(d.diagnostics.filter((x) => x.severity === 1).map((x) => x.code), ['unknown-argument']);
  } finally {
    await server.stop();
  }
  assert.equal(server.process.exitCode, 0);
});
