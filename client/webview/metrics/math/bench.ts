// Benchmark (not a test): how long min/max downsampling of a 200,000-point series to 1,000 pixel columns takes,
// plus the smoothing and the nearest-point lookup a redraw or a hover needs.
// Run: npx esbuild client/webview/metrics/math/bench.ts --bundle --platform=node --outfile=/tmp/bench.js && node /tmp/bench.js
// (or, once the root tsconfig includes this folder, `node out/client/webview/metrics/math/bench.js`).
import { downsampleMinMax } from './downsample';
import { nearestIndex } from './search';
import { smoothEma } from './smooth';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, f: () => void): { median: number; first: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return { median: median(times), first: times[0]! };
}

function main(): void {
  const n = 200_000;
  const columns = 1_000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    xs[i] = i + 1;
    ys[i] = 2 * Math.exp(-i / 40_000) + 0.3 + 0.2 * (rand() - 0.5) + (i % 9973 === 0 ? NaN : 0);
  }
  let kept = 0;
  const cold = time(1, () => downsampleMinMax(xs, ys, { columns }));
  for (let i = 0; i < 20; i++) downsampleMinMax(xs, ys, { columns: columns + (i % 3) }); // warm up the JIT
  const down = time(50, () => {
    kept = downsampleMinMax(xs, ys, { columns }).length;
  });
  const downLog = time(50, () => {
    downsampleMinMax(xs, ys, { columns, positiveOnly: true });
  });
  const out = new Float64Array(n);
  const smooth = time(50, () => {
    smoothEma(ys, 0.6, out);
  });
  const lookups = 100_000;
  let sink = 0;
  const near = time(5, () => {
    for (let k = 0; k < lookups; k++) sink += nearestIndex(xs, (k * 7919) % n + 0.5);
  });
  const ms = (v: number): string => `${v.toFixed(3)} ms`;
  console.log(`downsample ${n} points → ${columns} columns: ${ms(down.median)} median of 50 (first, cold run ${ms(cold.first)}), ${kept} points kept`);
  console.log(`  same with positiveOnly (log scale): ${ms(downLog.median)} median of 50`);
  console.log(`smoothEma ${n} points (w = 0.6): ${ms(smooth.median)} median of 50`);
  console.log(`nearestIndex on ${n} points: ${((near.median / lookups) * 1e6).toFixed(0)} ns per lookup (random steps, cache-cold) (${sink > 0 ? 'ok' : '?'})`);
}

main();
