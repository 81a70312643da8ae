// Scalars kept in columns per tag: what charts draw from, and no object per point (the 11 MB file has 220,000).
import type { ScalarPoint } from './events';

/** Receives scalars as the parser decodes them (instead of ScalarPoint objects). */
export interface ScalarSink {
  add(tag: string, step: number, wallTime: number, value: number): void;
}

/** One tag's points, in the order they were written. */
export class ScalarSeries {
  length = 0;
  steps: Float64Array;
  wallTimes: Float64Array;
  values: Float64Array;

  constructor(
    readonly tag: string,
    capacity = 64,
  ) {
    this.steps = new Float64Array(capacity);
    this.wallTimes = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) this.grow();
    const i = this.length++;
    this.steps[i] = step;
    this.wallTimes[i] = wallTime;
    this.values[i] = value;
  }

  at(i: number): ScalarPoint | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return { tag: this.tag, step: this.steps[i]!, wallTime: this.wallTimes[i]!, value: this.values[i]! };
  }

  last(): ScalarPoint | undefined {
    return this.at(this.length - 1);
  }

  /** The columns trimmed to length (views, not copies). */
  columns(): { steps: Float64Array; wallTimes: Float64Array; values: Float64Array } {
    return {
      steps: this.steps.subarray(0, this.length),
      wallTimes: this.wallTimes.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
    };
  }

  points(): ScalarPoint[] {
    const out: ScalarPoint[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = { tag: this.tag, step: this.steps[i]!, wallTime: this.wallTimes[i]!, value: this.values[i]! };
    return out;
  }

  private grow(): void {
    const cap = Math.max(64, this.steps.length * 2);
    const s = new Float64Array(cap);
    s.set(this.steps);
    const w = new Float64Array(cap);
    w.set(this.wallTimes);
    const v = new Float64Array(cap);
    v.set(this.values);
    this.steps = s;
    this.wallTimes = w;
    this.values = v;
  }
}

/** Scalars of one or more event files, a series per tag (tags in first-seen order). */
export class ScalarTable implements ScalarSink {
  readonly series = new Map<string, ScalarSeries>();
  private lastTag: string | undefined;
  private lastSeries: ScalarSeries | undefined;

  add(tag: string, step: number, wallTime: number, value: number): void {
    let s: ScalarSeries | undefined;
    if (tag === this.lastTag) s = this.lastSeries!;
    else {
      s = this.series.get(tag);
      if (!s) {
        s = new ScalarSeries(tag);
        this.series.set(tag, s);
      }
      this.lastTag = tag;
      this.lastSeries = s;
    }
    s.push(step, wallTime, value);
  }

  get(tag: string): ScalarSeries | undefined {
    return this.series.get(tag);
  }

  tags(): string[] {
    return [...this.series.keys()];
  }

  /** Number of points per tag. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [tag, s] of this.series) out[tag] = s.length;
    return out;
  }

  clear(): void {
    this.series.clear();
    this.lastTag = undefined;
    this.lastSeries = undefined;
  }
}
