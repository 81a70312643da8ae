// The bundled language server over stdio: diagnostics on open and after edits, quick fixes as code actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lsp-client';

test('publishes diagnostics on open and after an edit, and offers quick fixes', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/train.megatron.yaml';
    server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: '# megatron sft ms-swift=4.5.2\nlearning_rate: 1.0e-5\nENV:\n  NPROC_PER_NODE: "1"\nmodel: Qwen/Qwen2.5-7B-Instruct\ndataset: ["a/b#10"]\ntrain_iters: 10\n' },
    });
    const first = await server.waitForDiagnostics(uri, (d) => d.version === 1);
    assert.deepEqual(first.diagnostics.filter((d) => d.severity <= 2).map((d) => d.code), ['unknown-argument']);
    assert.equal(first.diagnostics[0]!.severity, 1);

    const actions = await server.connection.sendRequest<Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: first.diagnostics },
    });
    assert.deepEqual(actions.map((a) => a.title), ['Replace with lr']);
    assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'lr');

    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 13 } }, text: 'lr' }],
    });
    const second = await server.waitForDiagnostics(uri, (d) => d.version === 2);
    assert.deepEqual(second.diagnostics.filter((d) => d.severity <= 2), []);
  } finally {
    await server.stop();
  }
});

test('completion, hover (locale from initialize), document symbols and folding over stdio; clean shutdown', async () => {
  const server = await startServer({ locale: 'zh-cn' });
  try {
    const uri = 'file:///tmp/other.megatron.yaml';
    const text = '# megatron sft ms-swift=4.5.2\nENV:\n  NPROC_PER_NODE: "2"\nrecompute_granularity: \nmodel: Qwen/Qwen2.5-7B-Instruct\n';
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text } });
    const keys = await server.connection.sendRequest<{ items: Array<{ label: string; textEdit: { newText: string }; insertTextFormat: number }> }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 5, character: 0 },
    });
    const tp = keys.items.find((i) => i.label === 'tensor_model_parallel_size');
    assert.ok(tp, 'key completion');
    assert.equal(tp.insertTextFormat, 2);
    const values = await server.connection.sendRequest<{ items: Array<{ label: string }> }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 3, character: 23 },
    });
    assert.deepEqual(values.items.map((i) => i.label).sort(), ['full', 'none', 'selective']);
    const h = await server.connection.sendRequest<{ contents: { kind: string; value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 3, character: 3 },
    });
    assert.equal(h.contents.kind, 'markdown');
    assert.match(h.contents.value, /默认值/);
    const symbols = await server.connection.sendRequest<Array<{ name: string; children: Array<{ name: string }> }>>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['模型', '训练', 'ENV']);
    const folds = await server.connection.sendRequest<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[1, 2]]);
  } finally {
    await server.stop();
  }
  assert.equal(server.process.exitCode, 0, 'exits 0 after shutdown + exit');
});

test('the client can tell the server the installed ms-swift version and packages', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/env.megatron.yaml';
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: 'model: Qwen/Qwen2.5-7B-Instruct\noutput_dir: out\nattention_backend: flash\n' } });
    const before = await server.waitForDiagnostics(uri, (d) => d.version === 1);
    assert.ok(!before.diagnostics.some((d) => d.code === 'unknown-argument'), 'output_dir is a 4.x name');
    const count = (server.diagnostics.get(uri) ?? []).length;
    server.connection.sendNotification('msSwiftStudio/environment', { msSwiftVersion: '3.4.1', packages: { 'ms-swift': '3.4.1' } });
    const after = await server.waitForDiagnostics(uri, () => (server.diagnostics.get(uri) ?? []).length > count);
    const latest = (server.diagnostics.get(uri) ?? [])[(server.diagnostics.get(uri) ?? []).length - 1]!;
    void after;
    assert.ok(latest.diagnostics.some((d) => d.code === 'unknown-argument' && /3\.4\.1 calls it `save`/.test(d.message)), JSON.stringify(latest.diagnostics.map((d) => d.code)));
  } finally {
    await server.stop();
  }
});

test('memory estimate: CodeLens against the GPU the client reported, and the breakdown request', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/mem.megatron.yaml';
    const text = require('fs').readFileSync(require('path').join(__dirname, '..', '..', '..', 'examples', 'qwen3-30b-a3b-moe-lora.megatron.yaml'), 'utf8');
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text } });
    await server.waitForDiagnostics(uri, (d) => d.version === 1);
    const noGpu = await server.connection.sendRequest<Array<{ command: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
    assert.match(noGpu[0]!.command.title, /^≈ [\d.]+ GiB \/ GPU$/);
    server.connection.sendNotification('msSwiftStudio/environment', { gpuMemoryGiB: 80, gpuName: 'NVIDIA H100 80GB HBM3' });
    await new Promise((r) => setTimeout(r, 300));
    const lens = await server.connection.sendRequest<Array<{ command: { title: string; command: string } }>>('textDocument/codeLens', { textDocument: { uri } });
    assert.match(lens[0]!.command.title, /^≈ [\d.]+ GiB \/ GPU · fits 80 GiB H100$/);
    assert.equal(lens[0]!.command.command, 'msSwiftStudio.showEstimate');
    const md = await server.connection.sendRequest<{ markdown: string }>('msSwiftStudio/estimate', { uri });
    assert.match(md.markdown, /\| stage \| rank \| weights \| grads \| optimizer \| activations \| logits \| overhead \| allocated \| reserved \| device \|/);
    assert.match(md.markdown, /\*\*Fits\*\* on 80\.0 GiB \(NVIDIA H100 80GB HBM3\)/);
    assert.match(md.markdown, /## Assumptions/);
  } finally {
    await server.stop();
  }
});

test('argument documentation comes with completionItem/resolve', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/resolve.megatron.yaml';
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: '# megatron sft\n\n' } });
    const list = await server.connection.sendRequest<{ items: Array<{ label: string; documentation?: unknown; data?: unknown }> }>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } });
    const item = list.items.find((i) => i.label === 'recompute_granularity')!;
    assert.equal(item.documentation, undefined);
    const resolved = await server.connection.sendRequest<{ documentation: { kind: string; value: string } }>('completionItem/resolve', item);
    assert.equal(resolved.documentation.kind, 'markdown');
    assert.ok(resolved.documentation.value.length > 20);
  } finally {
    await server.stop();
  }
});

test('hovering the modeline shows the memory estimate with its breakdown', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/hovermem.megatron.yaml';
    const text = require('fs').readFileSync(require('path').join(__dirname, '..', '..', '..', 'examples', 'qwen2.5-7b-sft.megatron.yaml'), 'utf8');
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text } });
    await server.waitForDiagnostics(uri, (d) => d.version === 1);
    const h = await server.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.match(h.contents.value, /GPU memory per rank \(estimate\)/);
    assert.match(h.contents.value, /\| weights \| grads \| optimizer \| activations \| logits \|/);
    assert.match(h.contents.value, /Assumptions/);
  } finally {
    await server.stop();
  }
});
