// The bundled language server over stdio: diagnostics on open and after edits, quick fixes as code actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lsp-client';

test('publishes diagnostics on open and after an edit, and offers quick fixes', async () => {
  const server = await startServer();
  try {
    const uri = 'file:///tmp/train.megatron.yaml';
    server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'ms-swift-yaml', version: 1, text: '# megatron sft ms-swift=4.5.2\nlearning_rate: 1.0e-5\n' },
    });
    const first = await server.waitForDiagnostics(uri, (d) => d.version === 1);
    assert.deepEqual(first.diagnostics.map((d) => d.code), ['unknown-argument']);
    assert.equal(first.diagnostics[0]!.severity, 1);

    const actions = await server.connection.sendRequest<Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: first.diagnostics },
    });
    assert.deepEqual(actions.map((a) => a.title), ['Replace with `lr`']);
    assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'lr');

    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 13 } }, text: 'lr' }],
    });
    const second = await server.waitForDiagnostics(uri, (d) => d.version === 2);
    assert.deepEqual(second.diagnostics, []);
  } finally {
    await server.stop();
  }
});
