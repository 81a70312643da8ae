// Server-level fuzz: a few hundred random incremental edits (typing, deleting, pasting YAML syntax and unicode)
// interleaved with completion, hover, symbol and folding requests at random (sometimes stale) positions, against
// the bundled server over stdio. Every request answers within a bound, the server stays alive, and once the
// edits stop its diagnostics are exactly what the core computes for the text the client holds (so incremental
// sync and the per-version cache agree with a fresh check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkText } from '../../core/src/check';
import { startServer } from '../server/lsp-client';
import { seedTexts } from './pipeline';

const SEED = Number(process.env.FUZZ_SEED ?? 777);
const EDITS = Number(process.env.FUZZ_SERVER_EDITS ?? 300);
const REQUEST_BOUND_MS = 3000;

const pieces = fc.oneof(
  fc.constantFrom('', ' ', ':', ': ', '-', '- ', '\n', '\r\n', '\t', '#', '[', ']', '{', '}', ',', '"', "'", '&a', '*a', '<<: ', '---\n', 'é', '😀', '\ufffd', '\u0000'),
  fc.constantFrom('lr: 1.0e-5\n', 'recompute_granularity: ', 'tensor_model_parallel_size: 2\n', 'learning_rate: 1\n', 'ENV:\n  NCCL_DEBUG: INFO\n', 'dataset:\n  - a/b#1\n'),
  fc.string({ maxLength: 5 }),
);

type Step =
  | { kind: 'edit'; at: number; del: number; text: string }
  | { kind: 'request'; method: 'completion' | 'hover' | 'documentSymbol' | 'foldingRange'; at: number; stale: boolean }
  | { kind: 'sync' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x), del: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 })), text: pieces }) as fc.Arbitrary<Step> },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('request' as const), method: fc.constantFrom('completion' as const, 'hover' as const, 'documentSymbol' as const, 'foldingRange' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), stale: fc.boolean() }) as fc.Arbitrary<Step> },
  { weight: 1, arbitrary: fc.constant({ kind: 'sync' as const }) },
);

test(`server fuzz: ${EDITS} random edits and requests over stdio (seed ${SEED})`, async () => {
  const seeds = seedTexts();
  const [seedIndex, steps] = fc.sample(fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(stepArb, { minLength: EDITS, maxLength: EDITS })), { seed: SEED, numRuns: 1 })[0]!;
  const server = await startServer();
  const uri = `untitled:fuzz-${SEED}.megatron.yaml`;
  let doc = TextDocument.create(uri, 'ms-swift-yaml', 1, seeds[seedIndex]!);
  const request = async (method: string, params: unknown) => {
    const t0 = Date.now();
    await Promise.race([
      server.connection.sendRequest(method, params),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${method} did not answer within ${REQUEST_BOUND_MS} ms`)), REQUEST_BOUND_MS)),
    ]);
    return Date.now() - t0;
  };
  let slowest = 0;
  let requests = 0;
  try {
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: doc.getText() } });
    let previous = doc;
    for (const step of steps) {
      if (step.kind === 'edit') {
        const text = doc.getText();
        const start = Math.floor(step.at * text.length);
        const end = Math.min(text.length, start + step.del);
        const range = { start: doc.positionAt(start), end: doc.positionAt(end) };
        previous = doc;
        doc = TextDocument.update(doc, [{ range, text: step.text }], doc.version + 1);
        server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ range, text: step.text }] });
      } else if (step.kind === 'request') {
        const view = step.stale ? previous : doc;
        const position = view.positionAt(Math.floor(step.at * view.getText().length));
        const params = step.method === 'completion' || step.method === 'hover' ? { textDocument: { uri }, position } : { textDocument: { uri } };
        slowest = Math.max(slowest, await request(`textDocument/${step.method}`, params));
        requests++;
      } else {
        await server.waitForDiagnostics(uri, (p) => p.version === doc.version, 10_000);
      }
      assert.equal(server.process.exitCode, null, 'the server is alive');
    }
    // the final diagnostics are those of a fresh check of the client's text
    const final = await server.waitForDiagnostics(uri, (p) => p.version === doc.version, 10_000);
    const expected = checkText(doc.getText()).diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
    const got = final.diagnostics.map((d) => {
      const r = d.range as { start: { line: number; character: number }; end: { line: number; character: number } };
      return `${d.code}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
    });
    assert.deepEqual(got, expected, `final text:\n${JSON.stringify(doc.getText())}`);
  } finally {
    await server.stop();
  }
  assert.equal(server.process.exitCode, 0, 'clean exit');
  process.stdout.write(`# server fuzz: ${EDITS} steps, ${requests} requests, slowest ${slowest} ms\n`);
});
