// Nearest-point lookup (binary search) of the hover read-out: exact against a linear scan on 200,000 points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound, nearestIndex, upperBound } from '../../client/webview/metrics/math/search';

/** Reference: the first index with the smallest |xs[i] - x|. */
function nearestLinear(xs: ArrayLike<number>, x: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(xs[i]! - x);
    if (d < bestD) (bestD = d), (best = i);
  }
  return best;
}

test('nearestIndex is exact on 200,000 uneven steps (with duplicates) against a linear scan', () => {
  const n = 200_000;
  const xs = new Float64Array(n);
  let s = 1;
  let seed = 5;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const r = rand();
    s += r < 0.02 ? 0 : r < 0.05 ? Math.floor(rand() * 100) : 1; // some repeated steps, some jumps
    xs[i] = s;
  }
  const queries: number[] = [-1e9, 0, xs[0]!, xs[n - 1]!, xs[n - 1]! + 0.5, 1e12];
  for (let k = 0; k < 3000; k++) {
    const i = Math.floor(rand() * (n - 1));
    queries.push(xs[i]!, (xs[i]! + xs[i + 1]!) / 2, xs[i]! + rand() * (xs[i + 1]! - xs[i]!), xs[i]! - 0.25);
  }
  // A full linear scan for some queries…
  for (const q of queries.slice(0, 300)) assert.equal(nearestIndex(xs, q), nearestLinear(xs, q), `query ${q}`);
  // …and a merge sweep (an independent O(n + q) algorithm) for all of them.
  const sorted = [...queries].sort((a, b) => a - b);
  let j = -1; // the last index with xs[j] <= q
  for (const q of sorted) {
    while (j + 1 < n && xs[j + 1]! <= q) j++;
    let want: number;
    if (j < 0) want = 0;
    else {
      let a = j;
      while (a > 0 && xs[a - 1] === xs[a]) a--;
      want = j + 1 < n && xs[j + 1]! - q < q - xs[a]! ? j + 1 : a;
    }
    assert.equal(nearestIndex(xs, q), want, `query ${q}`);
  }
  // Every step finds itself (its first occurrence).
  for (let i = 0; i < n; i += 97) assert.equal(xs[nearestIndex(xs, xs[i]!)], xs[i]);
});

test('nearestIndex: ties go to the earlier point; empty, single point, NaN, subranges', () => {
  assert.equal(nearestIndex([0, 10], 5), 0);
  assert.equal(nearestIndex([0, 10], 5.0000001), 1);
  assert.equal(nearestIndex([], 5), -1);
  assert.equal(nearestIndex([7], -100), 0);
  assert.equal(nearestIndex([7], 100), 0);
  assert.equal(nearestIndex([1, 2, 3], NaN), -1);
  assert.equal(nearestIndex([1, 2, 2, 2, 9], 2.4), 1);
  assert.equal(nearestIndex([1, 2, 3, 4, 5, 6], 100, 1, 4), 3);
  assert.equal(nearestIndex([1, 2, 3, 4, 5, 6], -100, 1, 4), 1);
  assert.equal(nearestIndex([1, 2, 3], 2, 2, 2), -1);
});

test('lowerBound / upperBound', () => {
  const xs = [1, 2, 2, 2, 5];
  assert.equal(lowerBound(xs, 2), 1);
  assert.equal(upperBound(xs, 2), 4);
  assert.equal(lowerBound(xs, 0), 0);
  assert.equal(lowerBound(xs, 6), 5);
  assert.equal(upperBound(xs, 5), 5);
  assert.equal(lowerBound(xs, 3), 4);
});
