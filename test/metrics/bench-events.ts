// Benchmark (not a test): how fast the TensorBoard event reader parses the 11 MB fixture, in MB/s.
// Run after compiling: node out/test/metrics/bench-events.js [FILE] [--runs N]
// Prints wall-clock MB/s (median of N runs, the first (cold) run, and MB per CPU-second, which a busy machine
// disturbs less) for: scalars collected in columns
// (ScalarTable, what charts use), scalars as ScalarPoint objects, and following the file from disk.
import * as fs from 'fs';
import * as path from 'path';
import { EventStreamParser } from '../../core/src/metrics/events';
import { EventFileFollower } from '../../core/src/metrics/follow';
import { nodeByteSource } from '../../core/src/metrics/node-source';
import { ScalarTable } from '../../core/src/metrics/series';
import { SHARED } from '../helpers';

const LONG = path.join(SHARED, 'fixtures', 'device-run', 'long', 'runs', 'events.out.tfevents.1795833298.vm.416.2');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  /** wall-clock seconds per run */
  times: number[];
  /** CPU seconds (user + system, all threads) per run: steadier than wall time on a busy machine */
  cpu: number[];
  points: number;
}

function time(runs: number, f: () => number): Timing {
  const times: number[] = [];
  const cpu: number[] = [];
  let points = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    points = f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { times, cpu, points };
}

function bench(): void {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 1) : 15;
  const file = args.find((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1)) ?? LONG;
  const bytes = new Uint8Array(fs.readFileSync(file));
  const mb = bytes.length / 1e6;
  const line = (name: string, r: Timing) =>
    `${name.padEnd(34)} ${(mb / median(r.times)).toFixed(0).padStart(5)} MB/s median of ${r.times.length}` +
    ` (first run ${(mb / r.times[0]!).toFixed(0)} MB/s; per CPU-second ${(mb / median(r.cpu)).toFixed(0)} MB/s), ${r.points} scalars\n`;

  const columns = time(runs, () => {
    const table = new ScalarTable();
    const p = new EventStreamParser({ sink: table });
    p.push(bytes);
    p.end();
    let n = 0;
    for (const s of table.series.values()) n += s.length;
    return n;
  });
  const objects = time(runs, () => {
    const p = new EventStreamParser();
    const b = p.push(bytes);
    p.end();
    return b.scalars.length;
  });
  const follow = time(Math.max(3, Math.ceil(runs / 3)), () => {
    const table = new ScalarTable();
    const src = nodeByteSource(file);
    const f = new EventFileFollower(src, { chunkBytes: 1024 * 1024, sink: table });
    f.poll();
    f.finish();
    src.close();
    let n = 0;
    for (const s of table.series.values()) n += s.length;
    return n;
  });
  process.stdout.write(
    `${path.basename(file)}: ${mb.toFixed(2)} MB\n` +
      line('parse, columns (ScalarTable)', columns) +
      line('parse, ScalarPoint objects', objects) +
      line('follow from disk, 1 MiB reads', follow),
  );
}

// node --test runs every .js under a test/ folder; this is a benchmark, so it does nothing there.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) bench();
