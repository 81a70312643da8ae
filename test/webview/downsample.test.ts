// Min/max downsampling of the metrics webview: every bucket's extremes and the first/last point survive, the output
// stays within 2 × columns, gaps survive, zoomed ranges and log-scale (positive-only) filtering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bucketOf, downsampleMinMax } from '../../client/webview/metrics/math/downsample';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const usable = (v: number, positiveOnly: boolean): boolean => Number.isFinite(v) && (!positiveOnly || v > 0);

/** The reference: checks the output of downsampleMinMax against a plain re-bucketing of the input. */
function checkAgainstReference(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  columns: number,
  opts: { start?: number; end?: number; x0?: number; x1?: number; positiveOnly?: boolean } = {},
): number[] {
  const start = opts.start ?? 0;
  const end = opts.end ?? xs.length;
  const positiveOnly = opts.positiveOnly ?? false;
  const r = downsampleMinMax(xs, ys, { columns, ...opts });
  const out = Array.from(r.indices.subarray(0, r.length));
  const n = end - start;
  assert.ok(r.length <= 2 * Math.max(2, columns), `length ${r.length} > 2 × ${columns}`);
  for (let k = 1; k < out.length; k++) assert.ok(out[k]! > out[k - 1]!, 'indices strictly increasing');
  if (n <= 0) {
    assert.equal(r.length, 0);
    return out;
  }
  assert.equal(out[0], start, 'first point kept');
  assert.equal(out[out.length - 1], end - 1, 'last point kept');
  if (!r.reduced) {
    assert.deepEqual(out, Array.from({ length: n }, (_, i) => start + i));
    return out;
  }
  const x0 = opts.x0 ?? xs[start]!;
  const x1 = opts.x1 ?? xs[end - 1]!;
  const buckets = Math.max(2, columns) - 1;
  const set = new Set(out);
  // Per bucket of the interior points: min, max (first occurrences), whether all are missing.
  const ref = new Map<number, { min: number; max: number; minI: number; maxI: number; missing: number[] }>();
  for (let i = start + 1; i < end - 1; i++) {
    const b = bucketOf(xs[i]!, x0, x1, buckets);
    let e = ref.get(b);
    if (!e) ref.set(b, (e = { min: Infinity, max: -Infinity, minI: -1, maxI: -1, missing: [] }));
    const v = ys[i]!;
    if (!usable(v, positiveOnly)) e.missing.push(i);
    else {
      if (v < e.min) (e.min = v), (e.minI = i);
      if (v > e.max) (e.max = v), (e.maxI = i);
    }
  }
  let expected = 2;
  for (const [b, e] of ref) {
    if (e.minI >= 0) {
      assert.ok(set.has(e.minI), `bucket ${b}: min ${e.min} at ${e.minI} kept`);
      assert.ok(set.has(e.maxI), `bucket ${b}: max ${e.max} at ${e.maxI} kept`);
      expected += e.minI === e.maxI ? 1 : 2;
    } else {
      assert.ok(set.has(e.missing[0]!), `bucket ${b}: all values missing, gap marker kept`);
      expected += 1;
    }
  }
  assert.equal(out.length, expected, 'nothing but first, last, and per-bucket min/max or gap marker');
  return out;
}

test('downsampling 200,000 points to 1,000 columns keeps every bucket min/max and the ends, ≤ 2000 points', () => {
  const n = 200_000;
  const rand = rng(7);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) {
    x += rand() < 0.01 ? 1 + Math.floor(rand() * 50) : 1; // uneven spacing
    xs[i] = x;
    ys[i] = 2 * Math.exp(-i / 50_000) + (rand() - 0.5) * 0.3 + (rand() < 0.0005 ? 40 : 0);
    if (i >= 120_000 && i < 123_000) ys[i] = NaN; // a gap several pixels wide
    if (rand() < 0.001) ys[i] = rand() < 0.5 ? Infinity : NaN;
  }
  const out = checkAgainstReference(xs, ys, 1000);
  assert.ok(out.length <= 2000 && out.length > 1000, `${out.length}`);
  // The global extremes are kept.
  let gmin = 0;
  let gmax = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ys[i]!)) continue;
    if (ys[i]! < ys[gmin]!) gmin = i;
    if (ys[i]! > ys[gmax]!) gmax = i;
  }
  assert.ok(out.includes(gmin) && out.includes(gmax));
  // The multi-pixel gap survives: a marker inside it, and no usable point drawn inside it.
  const inGap = out.filter((i) => i >= 120_000 && i < 123_000);
  assert.ok(inGap.length >= 1 && inGap.every((i) => Number.isNaN(ys[i]!)));
});

test('small inputs are returned whole; empty and single-point inputs', () => {
  assert.equal(downsampleMinMax([], [], { columns: 100 }).length, 0);
  const one = downsampleMinMax([5], [1], { columns: 100 });
  assert.deepEqual(Array.from(one.indices.subarray(0, one.length)), [0]);
  const xs = Array.from({ length: 200 }, (_, i) => i);
  const r = downsampleMinMax(xs, xs, { columns: 100 });
  assert.equal(r.reduced, false);
  assert.equal(r.length, 200);
  checkAgainstReference(xs, xs, 100);
  // 201 points on 100 columns is reduced to at most 200.
  const xs2 = Array.from({ length: 201 }, (_, i) => i);
  checkAgainstReference(xs2, xs2.map((i) => Math.sin(i)), 100);
});

test('an all-NaN series keeps only gap markers and the ends', () => {
  const n = 10_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = new Array<number>(n).fill(NaN);
  const out = checkAgainstReference(xs, ys, 50);
  assert.ok(out.length <= 51);
  assert.ok(out.every((i) => Number.isNaN(ys[i]!)));
});

test('a zoomed index/x range keeps the points just outside it as first/last and buckets the rest', () => {
  const n = 50_000;
  const rand = rng(3);
  const xs = Array.from({ length: n }, (_, i) => i * 2);
  const ys = xs.map(() => rand());
  checkAgainstReference(xs, ys, 300, { start: 9_999, end: 30_001, x0: 20_000, x1: 60_000 });
});

test('positiveOnly treats values <= 0 as missing (log scale)', () => {
  const n = 20_000;
  const rand = rng(11);
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -rand() : rand() * 1e-3));
  const out = checkAgainstReference(xs, ys, 500, { positiveOnly: true });
  // Interior points kept are positive except gap markers in buckets with no positive value (none here).
  assert.ok(out.slice(1, -1).every((i) => ys[i]! > 0));
});

test('equal steps (x0 = x1) put everything in one bucket', () => {
  const xs = new Array<number>(1000).fill(3);
  const ys = Array.from({ length: 1000 }, (_, i) => Math.cos(i));
  checkAgainstReference(xs, ys, 10);
});

test('property: the reference holds for random series, spacings, widths and gaps', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN), fc.constant(Infinity))), {
        maxLength: 600,
      }),
      fc.integer({ min: 2, max: 120 }),
      fc.boolean(),
      (pts, columns, positiveOnly) => {
        let x = 0;
        const xs = pts.map(([dx]) => (x += dx));
        const ys = pts.map(([, v]) => v);
        checkAgainstReference(xs, ys, columns, { positiveOnly });
      },
    ),
    { numRuns: 300 },
  );
});
