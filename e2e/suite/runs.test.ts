// Monitoring: the Runs view and the metrics view on a fixture run folder, in ms-swift 4's layout:
//   megatron_output/Qwen2.5-7B-Instruct/            the output_dir of qwen2.5-7b-sft.megatron.yaml (and other configs)
//     v0-20260101-120000/                           a finished run: logging.jsonl and runs/events.out.tfevents.* are
//       logging.jsonl  args.json  checkpoint-600/   real files of a small run (600 iterations, a line every 5) made on
//       runs/events.out.tfevents.*                  a GPU machine the way ms-swift 4 writes them
// This file runs before train.test.ts (name order), so no run started by the tests is associated with the fixture run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { iconId, metricsRendered, runsTree, treeChildren } from './runs-util';
import { closeAll, fixture, hasCommand, waitFor, workspaceRoot } from './util';

const itIf = (command: string) => (hasCommand(command) ? it : it.skip);

const OUTPUT = 'megatron_output/Qwen2.5-7B-Instruct';
const RUN = `${OUTPUT}/v0-20260101-120000`;

describe('runs view and metrics', () => {
  after(closeAll);

  itIf('msSwiftStudio.refreshRuns')('the Runs view lists the fixture run under its config\'s output folder, with its state, progress, checkpoint and logs', async () => {
    await vscode.commands.executeCommand('msSwiftStudio.refreshRuns');
    const tree = await runsTree();
    const ws = workspaceRoot().fsPath;
    const roots = await treeChildren(tree);
    const show = (xs: Array<{ node: { label: string; fsPath?: string } }>) => xs.map((x) => `${x.node.label} (${x.node.fsPath})`).join(', ');
    // no run is going: the roots are output folders only — the workspace's megatron_output/ and the configs' output_dir
    assert.deepStrictEqual(roots.map((r) => r.node.kind), roots.map(() => 'output'), `roots: ${show(roots)}`);
    assert.deepStrictEqual(roots.map((r) => r.node.fsPath), [path.join(ws, 'megatron_output'), path.join(ws, OUTPUT)], `roots: ${show(roots)}`);
    const out = roots[1]!;
    assert.strictEqual(out.item.label, 'Qwen2.5-7B-Instruct');
    assert.strictEqual(out.item.description, OUTPUT);
    assert.strictEqual(out.item.contextValue, 'msSwiftOutput');
    assert.strictEqual(out.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    const runs = await treeChildren(tree, out.node);
    assert.deepStrictEqual(runs.map((r) => r.node.label), ['v0-20260101-120000'], `runs: ${show(runs)}`);
    const run = runs[0]!;
    assert.strictEqual(run.node.fsPath, path.join(ws, RUN));
    // logging.jsonl ends with iteration "600/600", loss 7e-08
    assert.strictEqual(run.item.description, 'finished · step 600/600 · loss 7.000e-8');
    assert.strictEqual(run.item.contextValue, 'msSwiftRun.finished');
    assert.strictEqual(iconId(run.item), 'pass');
    assert.strictEqual(run.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.strictEqual((run.item.resourceUri as vscode.Uri | undefined)?.fsPath, path.join(ws, RUN));

    const inside = await treeChildren(tree, run.node);
    assert.deepStrictEqual(
      inside.map((c) => [c.node.kind, c.node.label, c.item.description ?? '', c.item.contextValue]),
      [
        ['checkpoint', 'checkpoint-600', 'Hugging Face', 'msSwiftCheckpoint'],
        ['file', 'logging.jsonl', '', 'msSwiftFile'],
        ['file', 'args.json', '', 'msSwiftFile'],
        ['file', 'runs (TensorBoard)', '1 event file', 'msSwiftFile'],
      ],
      `inside the run: ${show(inside)}`,
    );
    assert.deepStrictEqual(inside.map((c) => c.node.fsPath), ['checkpoint-600', 'logging.jsonl', 'args.json', 'runs'].map((n) => path.join(ws, RUN, n)));
    for (const c of inside) assert.strictEqual(c.item.collapsibleState, vscode.TreeItemCollapsibleState.None, c.node.label);
    assert.deepStrictEqual(await tree.getChildren(inside[0]!.node), [], 'a checkpoint has no children');
  });

  // ms-swift's default output folder is megatron_output/<model>/vN-… (`save`/`output_dir` default to
  // f'megatron_output/{model_suffix}'): the workspace's megatron_output/ root lists the folders that hold runs.
  it('the workspace\'s megatron_output/ root shows the runs of ms-swift\'s default layout (megatron_output/<model>/vN-…)', async () => {
    const tree = await runsTree();
    const root = (await treeChildren(tree)).find((r) => r.node.fsPath === path.join(workspaceRoot().fsPath, 'megatron_output'));
    assert.ok(root);
    const below = await treeChildren(tree, root.node);
    assert.ok(below.some((b) => b.node.fsPath === path.join(workspaceRoot().fsPath, RUN) || b.node.fsPath === path.join(workspaceRoot().fsPath, OUTPUT)),
      `megatron_output/ expands to: ${below.map((b) => b.node.label).join(', ') || 'nothing'}`);
  });

  itIf('msSwiftStudio.openMetrics')('Open metrics on the fixture run opens the metrics view, which draws its curves', async () => {
    const folder = fixture(RUN);
    assert.ok(fs.existsSync(path.join(folder.fsPath, 'runs')), 'the fixture run has event files');
    const before = await metricsRendered();
    await vscode.commands.executeCommand('msSwiftStudio.openMetrics', folder);
    const tab = await waitFor('a "Metrics: v0-20260101-120000" tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Metrics: v0-20260101-120000'));
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the metrics view is a webview');
    assert.match((tab.input as vscode.TabInputWebview).viewType, /msSwiftStudio\.metrics$/);
    // the page posts { type: 'rendered' } after each draw; the first one with the fixture's series
    const r = await waitFor('the metrics view to report a render with points', async () => {
      const now = await metricsRendered();
      return now && now !== before && now.points > 0 ? now : undefined;
    }, 20000);
    // the event file has train/loss, grad_norm, learning_rate, memory(GiB), train_speed(s_it) (120 points each) and
    // eval/loss
    assert.ok(r.charts >= 4, `charts drawn: ${JSON.stringify(r)}`);
    assert.ok(r.points >= 5 * 120, `points: ${JSON.stringify(r)}`);
    assert.ok(r.drawnPoints > 0 && r.drawnPoints <= r.points, `drawn points: ${JSON.stringify(r)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
