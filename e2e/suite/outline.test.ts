// Outline (document symbols grouped by area) and folding.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, open, waitFor } from './util';

describe('outline and folding', () => {
  after(closeAll);

  it('groups the outline by area, with ENV as a group', async () => {
    const doc = (await open('qwen2.5-7b-sft.megatron.yaml')).document;
    const symbols = await waitFor('document symbols', async () => {
      const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
      return s?.length ? s : undefined;
    });
    const names = symbols.map((s) => s.name);
    assert.ok(names.some((n) => /ENV/.test(n)), `groups: ${names.join(', ')}`);
    assert.ok(symbols.length >= 3, `groups: ${names.join(', ')}`);
    const all = symbols.flatMap((s) => [s.name, ...(s.children ?? []).map((c) => c.name)]);
    for (const key of ['model', 'micro_batch_size', 'NPROC_PER_NODE']) assert.ok(all.includes(key), `${key} not in the outline: ${all.join(', ')}`);
  });

  it('folds the ENV mapping and the dataset list', async () => {
    const doc = (await open('qwen2.5-7b-sft.megatron.yaml')).document;
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
    const envLine = doc.getText().split('\n').indexOf('ENV:');
    const datasetLine = doc.getText().split('\n').indexOf('dataset:');
    assert.ok(folds.some((f) => f.start === envLine), `no fold at ENV (line ${envLine}): ${JSON.stringify(folds)}`);
    assert.ok(folds.some((f) => f.start === datasetLine), `no fold at dataset (line ${datasetLine})`);
  });
});
