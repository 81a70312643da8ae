// The page's copy of the metric series: growable typed arrays, appended to as a run writes. Pure: no DOM.
import { lowerBound, upperBound } from './search';

export type MetricKind = 'train-loss' | 'eval-loss' | 'lr' | 'grad-norm' | 'throughput' | 'memory' | 'other';

export const METRIC_KINDS: readonly MetricKind[] = ['train-loss', 'eval-loss', 'lr', 'grad-norm', 'throughput', 'memory', 'other'];

export function isMetricKind(k: unknown): k is MetricKind {
  return typeof k === 'string' && (METRIC_KINDS as readonly string[]).includes(k);
}

/** Identity of a series in messages: run id + tag. */
export function seriesKey(runId: string, tag: string): string {
  return `${runId}\u0000${tag}`;
}

export class SeriesBuffer {
  steps: Float64Array;
  values: Float64Array;
  length = 0;
  /** Bumped on every change, for caches. */
  version = 0;

  constructor(
    readonly runId: string,
    readonly tag: string,
    public kind: MetricKind,
    capacity = 16,
  ) {
    this.steps = new Float64Array(Math.max(1, capacity));
    this.values = new Float64Array(Math.max(1, capacity));
  }

  /** The points held, as views (not copies). */
  get xs(): Float64Array {
    return this.steps.subarray(0, this.length);
  }
  get ys(): Float64Array {
    return this.values.subarray(0, this.length);
  }

  /**
   * Appends points. Points whose step is not a finite number are dropped; a value that is not a number becomes NaN
   * (a gap). A chunk that is out of order is sorted by step (stably). When the chunk starts at or before the last step
   * held — a resumed run re-logging steps, or the same points sent twice — the points held from that step on are
   * replaced by the chunk (TensorBoard's purge on restart), so steps stay non-decreasing and resending is harmless.
   */
  append(steps: ArrayLike<unknown>, values: ArrayLike<unknown>): number {
    const n = Math.min(steps?.length ?? 0, values?.length ?? 0);
    let cs: number[] = [];
    let cv: number[] = [];
    let sorted = true;
    for (let i = 0; i < n; i++) {
      const s = steps[i];
      if (typeof s !== 'number' || !Number.isFinite(s)) continue;
      const v = values[i];
      if (cs.length > 0 && s < cs[cs.length - 1]!) sorted = false;
      cs.push(s);
      cv.push(typeof v === 'number' ? v : NaN);
    }
    if (cs.length === 0) return 0;
    if (!sorted) {
      const order = cs.map((_, i) => i).sort((a, b) => cs[a]! - cs[b]! || a - b);
      cs = order.map((i) => cs[i]!);
      cv = order.map((i) => cv[i]!);
    }
    if (this.length > 0 && cs[0]! <= this.steps[this.length - 1]!) {
      this.length = lowerBound(this.steps, cs[0]!, 0, this.length);
    }
    this.reserve(this.length + cs.length);
    for (let i = 0; i < cs.length; i++) {
      this.steps[this.length + i] = cs[i]!;
      this.values[this.length + i] = cv[i]!;
    }
    this.length += cs.length;
    this.version++;
    return cs.length;
  }

  private reserve(size: number): void {
    if (size <= this.steps.length) return;
    let cap = this.steps.length;
    while (cap < size) cap *= 2;
    const s = new Float64Array(cap);
    const v = new Float64Array(cap);
    s.set(this.steps.subarray(0, this.length));
    v.set(this.values.subarray(0, this.length));
    this.steps = s;
    this.values = v;
  }
}

/** min and max of the usable values (finite; > 0 when positiveOnly) among ys[indices[0…length)] whose x is in
 * [x0, x1]; [Infinity, -Infinity] when there are none. */
export function extentOf(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  indices: ArrayLike<number>,
  length: number,
  x0: number,
  x1: number,
  positiveOnly = false,
): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < length; k++) {
    const i = indices[k]!;
    const x = xs[i]!;
    if (x < x0 || x > x1) continue;
    const v = ys[i]!;
    if (!Number.isFinite(v) || (positiveOnly && !(v > 0))) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** The index range [start, end) of the points with x in [x0, x1], widened by one point on each side (so a line can
 * be drawn to the plot's edges). */
export function visibleRange(xs: ArrayLike<number>, length: number, x0: number, x1: number): [number, number] {
  const start = Math.max(0, lowerBound(xs, x0, 0, length) - 1);
  const end = upperBound(xs, x1, start, length);
  return [start, Math.min(length, end + 1)];
}
