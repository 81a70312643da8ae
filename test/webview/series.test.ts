// The webview's series buffers: appending, restarts (re-logged steps replace the tail), unordered chunks,
// bad values, growth; and the helpers that pick the visible range and its extent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesBuffer, extentOf, isMetricKind, seriesKey, visibleRange } from '../../client/webview/metrics/math/series';

test('append grows the buffer and keeps steps and values', () => {
  const s = new SeriesBuffer('r', 'train/loss', 'train-loss', 2);
  s.append([1, 2, 3], [0.5, 0.4, 0.3]);
  s.append([4, 5], [0.2, 0.1]);
  assert.deepEqual(Array.from(s.xs), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(s.ys), [0.5, 0.4, 0.3, 0.2, 0.1]);
  assert.equal(s.version, 2);
  const big = new SeriesBuffer('r', 't', 'other');
  const steps = Array.from({ length: 200_000 }, (_, i) => i);
  big.append(steps, steps);
  assert.equal(big.length, 200_000);
  assert.equal(big.ys[199_999], 199_999);
});

test('a chunk starting at or before the last step replaces the tail (restart / resend)', () => {
  const s = new SeriesBuffer('r', 't', 'train-loss');
  s.append([1, 2, 3, 4], [1, 2, 3, 4]);
  s.append([3, 4, 5], [30, 40, 50]);
  assert.deepEqual(Array.from(s.xs), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(s.ys), [1, 2, 30, 40, 50]);
  s.append([5], [50]); // the same point again: unchanged
  assert.deepEqual(Array.from(s.ys), [1, 2, 30, 40, 50]);
  s.append([0], [9]);
  assert.deepEqual(Array.from(s.xs), [0]);
});

test('unordered chunks are sorted; bad steps dropped; non-number values become NaN (gaps)', () => {
  const s = new SeriesBuffer('r', 't', 'lr');
  s.append([3, 1, 2, NaN, 2] as unknown[], [30, 10, 20, 99, 21] as unknown[]);
  assert.deepEqual(Array.from(s.xs), [1, 2, 2, 3]);
  assert.deepEqual(Array.from(s.ys), [10, 20, 21, 30]);
  const g = new SeriesBuffer('r', 't', 'lr');
  g.append([1, 2, 3], [null, 'x', Infinity] as unknown[]);
  assert.ok(Number.isNaN(g.ys[0]) && Number.isNaN(g.ys[1]));
  assert.equal(g.ys[2], Infinity);
  assert.equal(g.append([], []), 0);
  assert.equal(g.append(undefined as unknown as number[], [1]), 0);
  assert.equal(g.length, 3);
});

test('visibleRange widens by one point each side; extentOf ignores missing values and points outside', () => {
  const xs = [0, 10, 20, 30, 40, 50];
  assert.deepEqual(visibleRange(xs, xs.length, 15, 35), [1, 5]);
  assert.deepEqual(visibleRange(xs, xs.length, 20, 30), [1, 5]);
  assert.deepEqual(visibleRange(xs, xs.length, -5, 100), [0, 6]);
  assert.deepEqual(visibleRange(xs, xs.length, 60, 70), [5, 6]);
  assert.deepEqual(visibleRange([], 0, 0, 1), [0, 0]);
  const ys = [5, NaN, -1, 3, Infinity, 100];
  const idx = [0, 1, 2, 3, 4, 5];
  assert.deepEqual(extentOf(xs, ys, idx, 6, 0, 40), [-1, 5]);
  assert.deepEqual(extentOf(xs, ys, idx, 6, 0, 40, true), [3, 5]);
  assert.deepEqual(extentOf(xs, ys, idx, 6, 41, 45), [Infinity, -Infinity]);
});

test('kinds and keys', () => {
  assert.ok(isMetricKind('grad-norm'));
  assert.ok(!isMetricKind('loss'));
  assert.notEqual(seriesKey('a', 'b/c'), seriesKey('a/b', 'c'));
});
