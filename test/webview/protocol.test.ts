// The webview's message parsing (lenient: bad entries dropped one by one) and which charts a set of series makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { belongsTo, chartSpecs, tagStyles } from '../../client/webview/metrics/math/charts';
import { parseToPage } from '../../client/webview/metrics/math/protocol';

test('parseToPage: init, append, reset; malformed input ignored or dropped entry by entry', () => {
  const init = parseToPage({
    type: 'init',
    title: 'run',
    runs: [{ id: 'a', label: 'A' }, { id: 'b' }, { label: 'no id' }, null],
    series: [
      { runId: 'a', tag: 'train/loss', kind: 'train-loss', steps: [1, 2], values: [0.5, NaN] },
      { runId: 'a', tag: 'x', kind: 'nonsense', steps: new Float64Array([1]), values: new Float32Array([2]) },
      { runId: 'a', tag: 'bad', kind: 'lr', steps: 'nope', values: [] },
      { tag: 'no run', kind: 'lr', steps: [], values: [] },
    ],
    memory: { estimateGiB: 38.5, gpuGiB: -1 },
  });
  assert.ok(init && init.type === 'init');
  assert.equal(init.title, 'run');
  assert.deepEqual(init.runs, [{ id: 'a', label: 'A' }, { id: 'b', label: 'b' }]);
  assert.deepEqual(init.series.map((s) => [s.tag, s.kind]), [['train/loss', 'train-loss'], ['x', 'other']]);
  assert.deepEqual(init.memory, { estimateGiB: 38.5, gpuGiB: undefined });
  const bare = parseToPage({ type: 'init' });
  assert.ok(bare && bare.type === 'init' && bare.title === 'Metrics' && bare.runs.length === 0 && bare.memory === undefined);
  assert.deepEqual(parseToPage({ type: 'append', series: 'x' }), { type: 'append', series: [] });
  assert.deepEqual(parseToPage({ type: 'reset' }), { type: 'reset' });
  assert.equal(parseToPage({ type: 'other' }), undefined);
  assert.equal(parseToPage(null), undefined);
  assert.equal(parseToPage('init'), undefined);
});

test('chartSpecs: one chart per group present in a fixed order, then one per other tag; loss overlays train and eval', () => {
  const specs = chartSpecs([
    { kind: 'other', tag: 'train/epoch' },
    { kind: 'memory', tag: 'train/memory(GiB)' },
    { kind: 'eval-loss', tag: 'eval/loss' },
    { kind: 'lr', tag: 'train/learning_rate' },
    { kind: 'train-loss', tag: 'train/loss' },
    { kind: 'other', tag: 'a/first' },
  ]);
  assert.deepEqual(specs.map((s) => s.id), ['loss', 'lr', 'memory', 'other:a/first', 'other:train/epoch']);
  assert.deepEqual(specs.map((s) => s.other), [false, false, false, true, true]);
  const loss = specs[0]!;
  assert.ok(belongsTo(loss, { kind: 'train-loss', tag: 'train/loss' }) && belongsTo(loss, { kind: 'eval-loss', tag: 'eval/loss' }));
  assert.ok(!belongsTo(loss, { kind: 'lr', tag: 'train/loss' }));
  assert.ok(belongsTo(specs[4]!, { kind: 'other', tag: 'train/epoch' }));
  assert.ok(!belongsTo(specs[4]!, { kind: 'other', tag: 'a/first' }));
  assert.equal(specs[2]!.unit, 'GiB');
  assert.deepEqual(chartSpecs([]), []);
  // Only eval loss: the loss chart still appears.
  assert.deepEqual(chartSpecs([{ kind: 'eval-loss', tag: 'eval/loss' }]).map((s) => s.id), ['loss']);
});

test('tagStyles: train before eval, then by name; solid first', () => {
  const m = tagStyles([
    { kind: 'eval-loss', tag: 'eval/loss' },
    { kind: 'train-loss', tag: 'train/loss' },
    { kind: 'eval-loss', tag: 'eval/loss' },
    { kind: 'train-loss', tag: 'train/aux_loss' },
  ]);
  assert.deepEqual([...m], [['train/aux_loss', 0], ['train/loss', 1], ['eval/loss', 2]]);
});
