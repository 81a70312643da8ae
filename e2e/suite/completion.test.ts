// Completion through VS Code's provider API (vscode.executeCompletionItemProvider): argument names, values,
// ENV variables, paths and starter configs.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, completionsAt, fixture, labelOf, LANGUAGE_ID, open, positionOf } from './util';

const K = vscode.CompletionItemKind;
const REL = 'completion.megatron.yaml';

function labels(items: vscode.CompletionItem[]): string[] {
  return items.map(labelOf);
}
function find(items: vscode.CompletionItem[], label: string): vscode.CompletionItem {
  const item = items.find((i) => labelOf(i) === label);
  assert.ok(item, `no completion "${label}" among ${items.length}: ${labels(items).slice(0, 30).join(', ')}`);
  return item;
}

describe('completion', () => {
  after(closeAll);

  it('offers the arguments not set yet on an empty line, most used first, with type and summary', async () => {
    const editor = await open(REL);
    const doc = editor.document;
    const last = doc.lineAt(doc.lineCount - 1);
    assert.strictEqual(last.text, '', 'the fixture ends with a newline');
    const items = await completionsAt(doc.uri, last.range.start);
    const tp = find(items, 'tensor_model_parallel_size');
    assert.strictEqual(tp.kind, K.Property);
    assert.match(String(tp.detail ?? ''), /int/);
    const docs = tp.documentation instanceof vscode.MarkdownString ? tp.documentation.value : String(tp.documentation ?? '');
    assert.ok(docs.length > 20, `documentation of tensor_model_parallel_size: ${docs}`);
    // already set in the file: not offered again
    for (const set of ['micro_batch_size', 'lr', 'model']) assert.ok(!labels(items).includes(set), `${set} is set already but offered`);
    // a `swift sft` name is not a `megatron sft` argument
    assert.ok(!labels(items).includes('learning_rate'), 'learning_rate offered for megatron sft');
  });

  it('offers the choices of an enum argument', async () => {
    const doc = (await open(REL)).document;
    const items = await completionsAt(doc.uri, positionOf(doc, 'recompute_granularity: ', 'recompute_granularity: '.length));
    for (const c of ['selective', 'full', 'none']) find(items, c);
  });

  it('offers true and false for a boolean argument', async () => {
    const doc = (await open(REL)).document;
    const items = await completionsAt(doc.uri, positionOf(doc, 'use_distributed_optimizer: ', 'use_distributed_optimizer: '.length));
    find(items, 'true');
    find(items, 'false');
  });

  it('offers Megatron-capable model ids for `model`', async () => {
    const doc = (await open(REL)).document;
    const items = await completionsAt(doc.uri, positionOf(doc, 'model: ', 'model: '.length));
    find(items, 'Qwen/Qwen2.5-7B-Instruct');
    assert.ok(items.length > 20, `only ${items.length} model ids`);
  });

  it('offers folders of the workspace for a path argument (`output_dir`)', async () => {
    const doc = (await open(REL)).document;
    const items = await completionsAt(doc.uri, positionOf(doc, 'output_dir: ', 'output_dir: '.length));
    const folders = items.filter((i) => i.kind === K.Folder).map(labelOf);
    assert.ok(folders.some((f) => /^broken\/?$/.test(f)), `folders: ${folders.join(', ')}`);
  });

  it('offers environment variables inside ENV', async () => {
    const editor = await open(REL);
    const at = positionOf(editor.document, '  NPROC_PER_NODE: "2"\n', '  NPROC_PER_NODE: "2"\n'.length);
    assert.ok(await editor.edit((b) => b.insert(at, '  \n')));
    const items = await completionsAt(editor.document.uri, at.translate(0, 2));
    const v = find(items, 'CUDA_VISIBLE_DEVICES');
    assert.strictEqual(v.kind, K.Variable);
    await vscode.commands.executeCommand('undo');
  });

  it('offers starter configs in an empty file', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: '' });
    await vscode.window.showTextDocument(doc);
    const items = await completionsAt(doc.uri, new vscode.Position(0, 0));
    const starters = items.filter((i) => i.kind === K.Snippet).map(labelOf);
    assert.ok(starters.length >= 3, `starter snippets: ${starters.join(', ')}`);
    assert.ok(starters.some((s) => /megatron.*sft|sft/i.test(s)), `starter snippets: ${starters.join(', ')}`);
  });

  it('works on the saved fixture (not only on untitled documents)', () => {
    assert.strictEqual(fixture(REL).scheme, 'file');
  });
});
