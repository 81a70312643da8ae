// Axis scales and ticks of the metrics webview: nice 1-2-5 steps, ticks and domains covering the data, log ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearScale, linearTicks, logDomain, logScale, logTicks, niceDomain, niceStep, plotDomain, widen } from '../../client/webview/metrics/math/scale';

/** m × 10^e with m in {1, 2, 5}, compared with a relative tolerance. */
function isNice(step: number): boolean {
  const e = Math.floor(Math.log10(step) + 1e-12);
  const m = step / Math.pow(10, e);
  return [1, 2, 5, 10].some((c) => Math.abs(m - c) < 1e-9);
}

/** No 0.30000000000000004 artefacts: the value is its own 12-digit rounding. */
function clean(v: number): boolean {
  return Number(v.toPrecision(12)) === v;
}

const ranges: Array<[number, number]> = [
  [0, 1],
  [0.1, 0.7],
  [1.83, 2.31],
  [0, 200_000],
  [1, 200_000],
  [-3.7, 12.2],
  [-1e-5, -2e-6],
  [1e-7, 3e-5],
  [12_345, 12_350],
  [0.999_9, 1.000_1],
  [3e9, 7.5e10],
  [-0.2, 0.2],
];

test('niceStep gives 1-2-5 × 10^k splitting the span into about `count` intervals (0.63× to 1.58×)', () => {
  for (const [lo, hi] of ranges) {
    for (const count of [2, 4, 5, 8, 10]) {
      const step = niceStep(hi - lo, count);
      assert.ok(isNice(step), `${step}`);
      const intervals = (hi - lo) / step;
      assert.ok(intervals <= count * 1.59 && intervals >= count * 0.63, `${lo}..${hi} / ${step} = ${intervals} for ${count}`);
    }
  }
  assert.equal(niceStep(1, 5), 0.2);
  assert.equal(niceStep(1.03, 5), 0.2); // 5.15 intervals rather than 2 of 0.5
  assert.equal(niceStep(200_000, 4), 50_000);
  assert.equal(niceStep(10, 1), 10);
  assert.equal(niceStep(0, 5), 1);
});

test('linearTicks: evenly spaced nice multiples inside the range, clean decimals', () => {
  for (const [lo, hi] of ranges) {
    const ticks = linearTicks(lo, hi, 5);
    assert.ok(ticks.length >= 2 && ticks.length <= 9, `${lo}..${hi}: ${ticks}`);
    const step = niceStep(hi - lo, 5);
    for (let i = 0; i < ticks.length; i++) {
      const t = ticks[i]!;
      assert.ok(t >= lo - step * 1e-9 && t <= hi + step * 1e-9, `${t} in ${lo}..${hi}`);
      assert.ok(clean(t), `clean ${t}`);
      assert.ok(Math.abs(t / step - Math.round(t / step)) < 1e-6, `${t} multiple of ${step}`);
      if (i > 0) assert.ok(Math.abs(t - ticks[i - 1]! - step) < step * 1e-9);
    }
  }
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(0.1, 0.7, 6), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  assert.deepEqual(linearTicks(0, 200_000, 4), [0, 50_000, 100_000, 150_000, 200_000]);
  assert.deepEqual(linearTicks(5, 5), [5]);
  assert.deepEqual(linearTicks(NaN, 1), []);
});

test('niceDomain covers the range, ends on ticks, and widens degenerate ranges', () => {
  for (const [lo, hi] of ranges) {
    const [d0, d1] = niceDomain(lo, hi, 5);
    assert.ok(d0 <= lo && d1 >= hi, `${d0}..${d1} covers ${lo}..${hi}`);
    const ticks = linearTicks(d0, d1, 5);
    assert.equal(ticks[0], d0);
    assert.equal(ticks[ticks.length - 1], d1);
    assert.ok(d1 - d0 <= (hi - lo) * 3 + niceStep(hi - lo, 5) * 2, 'not much wider than needed');
  }
  assert.deepEqual(niceDomain(1.83, 2.31, 5), [1.8, 2.4]);
  assert.deepEqual(niceDomain(0, 0), [-1, 1]);
  const [a, b] = niceDomain(5, 5);
  assert.ok(a < 5 && b > 5);
  assert.deepEqual(niceDomain(NaN, NaN), [0, 1]);
  assert.deepEqual(widen(Infinity, 3), [2.7, 3.3]);
});

test('logTicks: powers of ten over wide ranges, 1-2-5 or 1…9 mantissas over narrow ones, all inside', () => {
  assert.deepEqual(logTicks(1e-6, 1e-3), [1e-6, 1e-5, 1e-4, 1e-3]);
  assert.deepEqual(logTicks(0.5, 2000), [1, 10, 100, 1000]);
  const many = logTicks(1e-12, 1e12, 5);
  assert.ok(many.length >= 2 && many.length <= 7, `${many}`);
  assert.ok(many.every((t) => Number.isInteger(Math.log10(t))));
  assert.deepEqual(logTicks(1, 6), [1, 2, 5]);
  assert.deepEqual(logTicks(1, 3), [1, 2, 3]);
  assert.deepEqual(logTicks(2e-6, 9e-6), [2e-6, 5e-6]);
  const narrow = logTicks(1.83, 2.31);
  assert.ok(narrow.length >= 2 && narrow.every((t) => t >= 1.83 && t <= 2.31), `${narrow}`);
  assert.deepEqual(logTicks(0, 10), []);
  assert.deepEqual(logTicks(-1, 10), []);
  for (const [lo, hi] of [[1e-9, 1], [3e-5, 4e-5], [0.9, 1.1], [7, 7000], [2, 2.0001]] as const) {
    const t = logTicks(lo, hi);
    assert.ok(t.length >= 1 && t.every((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)), `${lo}..${hi}: ${t}`);
  }
});

test('logDomain covers the range with positive ends', () => {
  assert.deepEqual(logDomain(2e-6, 3e-3), [1e-6, 1e-2]);
  assert.deepEqual(logDomain(1.83, 2.31), [1, 3]);
  assert.deepEqual(logDomain(0, 0), [1, 10]);
  assert.deepEqual(logDomain(-1, 4), [2, 8]);
  for (const [lo, hi] of [[1e-9, 1], [3.3e-5, 4.1e-5], [0.9, 1.1], [7, 7000]] as const) {
    const [a, b] = logDomain(lo, hi);
    assert.ok(a > 0 && a <= lo && b >= hi, `${a}..${b} ⊇ ${lo}..${hi}`);
  }
});

test('scales map and invert; log maps non-positive to NaN', () => {
  const s = linearScale(0, 10, 100, 200);
  assert.equal(s.map(5), 150);
  assert.equal(s.invert(150), 5);
  const l = logScale(1, 1000, 300, 0);
  assert.ok(Math.abs(l.map(10) - 200) < 1e-9);
  assert.ok(Math.abs(l.invert(100) - 100) < 1e-9);
  assert.ok(Number.isNaN(l.map(0)));
  assert.ok(Number.isNaN(l.map(-2)));
  const flat = linearScale(3, 3, 0, 100);
  assert.equal(flat.map(3), 0);
  assert.equal(flat.invert(50), 3);
});

test('plotDomain: nice ends when cheap, padded data range otherwise; always covers the data', () => {
  assert.deepEqual(plotDomain(0, 1e-5, 5), [0, 1e-5]);
  assert.deepEqual(plotDomain(0.02, 0.97, 5), [0, 1]);
  // [-0.1, 5.1] would become [-2, 6] with a step of 2: 54% wider, so the padded range is used.
  const [a, b] = plotDomain(-0.1, 5.1, 5);
  assert.ok(Math.abs(a - -0.36) < 1e-12 && Math.abs(b - 5.36) < 1e-12, `${a}..${b}`);
  for (const [lo, hi] of ranges) {
    const [d0, d1] = plotDomain(lo, hi, 5);
    assert.ok(d0 <= lo && d1 >= hi && d1 - d0 <= (hi - lo) * 1.2 + 1e-12 * Math.abs(hi), `${lo}..${hi} → ${d0}..${d1}`);
  }
  const [c, d] = plotDomain(3, 3);
  assert.ok(c < 3 && d > 3);
});
