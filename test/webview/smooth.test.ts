// TensorBoard-style debiased EMA: bit-for-bit equal to a straightforward reference written like TensorBoard's
// classic smoothing (last = w·last + (1−w)·v; smoothed = last / (1 − w^k), k = finite values so far; non-finite
// values passed through without advancing; constant series unchanged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothEma } from '../../client/webview/metrics/math/smooth';

function reference(values: number[], w: number): number[] {
  if (values.every((v) => v == values[0])) return [...values];
  let last = 0;
  let numAccum = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    numAccum++;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, numAccum);
    return last / debias;
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('equals the reference exactly on noisy series with NaN and Infinity, for many weights', () => {
  const rand = rng(9);
  const values = Array.from({ length: 5000 }, (_, i) => {
    const r = rand();
    return r < 0.01 ? NaN : r < 0.012 ? -Infinity : r < 0.014 ? Infinity : Math.exp(-i / 1000) * 3 + rand() - 0.5;
  });
  for (const w of [0, 0.01, 0.3, 0.6, 0.9, 0.95, 0.99]) {
    const got = Array.from(smoothEma(values, w));
    const want = reference(values, w);
    assert.deepEqual(got, want, `w = ${w}`);
  }
});

test('equals the reference on 200,000 points (long enough for w^k to vanish)', () => {
  const rand = rng(1);
  const values = Array.from({ length: 200_000 }, (_, i) => 2 / Math.sqrt(1 + i / 100) + 0.2 * rand());
  assert.deepEqual(Array.from(smoothEma(values, 0.99)), reference(values, 0.99));
});

test('worked example: debiasing makes the first value itself and pulls early values up', () => {
  const s = smoothEma([1, 2, 3], 0.5);
  assert.equal(s[0], 1); // 0.5 / (1 − 0.5)
  assert.equal(s[1], 1.25 / 0.75);
  assert.equal(s[2], 2.125 / 0.875);
});

test('gaps: non-finite values stay, the average resumes after them as if they were not there', () => {
  const s = Array.from(smoothEma([4, NaN, 8], 0.5));
  assert.equal(s[0], 4);
  assert.ok(Number.isNaN(s[1]));
  assert.equal(s[2], (0.5 * 2 + 4) / 0.75); // second finite value, k = 2
  assert.deepEqual(Array.from(smoothEma([NaN, NaN], 0.6)).map(Number.isNaN), [true, true]);
});

test('weight 0 is the identity; constant series are unchanged; empty; weights are clamped', () => {
  const v = [3, 1, 4, 1, 5];
  assert.deepEqual(Array.from(smoothEma(v, 0)), v);
  assert.deepEqual(Array.from(smoothEma([0.1, 0.1, 0.1], 0.9)), [0.1, 0.1, 0.1]);
  assert.equal(smoothEma([], 0.5).length, 0);
  assert.deepEqual(Array.from(smoothEma(v, -3)), v);
  assert.deepEqual(Array.from(smoothEma(v, NaN)), v);
  const high = Array.from(smoothEma(v, 5));
  assert.ok(high.every(Number.isFinite));
  assert.equal(high[0], 3);
});
