// Axis scales and "nice" ticks. Pure: no DOM.

export type ScaleKind = 'linear' | 'log';

export interface Scale {
  readonly kind: ScaleKind;
  /** Domain in data units (for log: both > 0). */
  readonly d0: number;
  readonly d1: number;
  /** Range in pixels. */
  readonly r0: number;
  readonly r1: number;
  /** Data value → pixel. Non-positive values on a log scale map to NaN. */
  map(v: number): number;
  /** Pixel → data value. */
  invert(px: number): number;
}

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 !== d0 ? (r1 - r0) / (d1 - d0) : 0;
  return {
    kind: 'linear',
    d0,
    d1,
    r0,
    r1,
    map: (v) => r0 + (v - d0) * k,
    invert: (px) => (k !== 0 ? d0 + (px - r0) / k : d0),
  };
}

export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = l1 !== l0 ? (r1 - r0) / (l1 - l0) : 0;
  return {
    kind: 'log',
    d0,
    d1,
    r0,
    r1,
    map: (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN),
    invert: (px) => Math.pow(10, k !== 0 ? l0 + (px - r0) / k : l0),
  };
}

/**
 * m × 10^e with m in {1, 2, 5}: the nice step nearest (on a log scale) to span / count, so the span holds between
 * about 0.63 × count and 1.58 × count intervals (the thresholds between 1, 2, 5 and 10 are √2, √10 and √50).
 */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  let e = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, e);
  let m = error >= Math.SQRT2 * 5 ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  if (m === 10) {
    m = 1;
    e += 1;
  }
  return exactMultiple(m, e);
}

/** m × 10^e computed so that decimals come out as the nearest double (0.1 × 3 style errors avoided). */
function exactMultiple(m: number, e: number): number {
  return e >= 0 ? m * Math.pow(10, e) : m / Math.pow(10, -e);
}

/** k × step, rounded to the decimal the step implies (so 3 × 0.1 is 0.3, not 0.30000000000000004). */
export function tickValue(k: number, step: number): number {
  const e = Math.floor(Math.log10(step));
  if (e >= 0) return k * step + 0; // + 0: no -0
  const f = Math.pow(10, -e);
  return Math.round(k * step * f) / f + 0;
}

/** The multiples of a nice step inside [min, max] (inclusive, with a tolerance of 1e-9 step), ascending. */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const step = niceStep(max - min, count);
  const k0 = Math.ceil(min / step - 1e-9);
  const k1 = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  for (let k = k0; k <= k1 && out.length < 1000; k++) out.push(tickValue(k, step));
  return out;
}

/**
 * A domain covering [min, max] whose ends are ticks: min rounded down and max rounded up to the nice step.
 * Degenerate inputs are widened: a single value v becomes v ± max(|v| × 10%, tiny), 0 becomes [-1, 1];
 * non-finite inputs give [0, 1].
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  [min, max] = widen(min, max);
  const step = niceStep(max - min, count);
  const lo = tickValue(Math.floor(min / step + 1e-9), step);
  const hi = tickValue(Math.ceil(max / step - 1e-9), step);
  return [lo, hi];
}

/** Widens an empty or degenerate range so it can be drawn. */
export function widen(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    if (Number.isFinite(min)) max = min;
    else if (Number.isFinite(max)) min = max;
    else return [0, 1];
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    if (min === 0) return [-1, 1];
    const d = Math.max(Math.abs(min) * 0.1, Number.MIN_VALUE * 1e10);
    return [min - d, max + d];
  }
  return [min, max];
}

/**
 * A log domain (both ends > 0) covering [min, max]. Ranges of two decades or more are rounded out to powers of ten;
 * narrower ones to integer mantissas 1…10 × 10^e (a loss between 1.8 and 2.3 gets [1, 3], not [1, 10]).
 * A single value v gives [v/2, 2v]; non-positive or non-finite input gives [1, 10].
 */
export function logDomain(min: number, max: number): [number, number] {
  if (!(min > 0) || !Number.isFinite(min)) min = max;
  if (!(max > 0) || !Number.isFinite(max)) max = min;
  if (!(min > 0) || !Number.isFinite(min)) return [1, 10];
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min / 2, max * 2];
  const decades = Math.log10(max) - Math.log10(min);
  if (decades >= 2) {
    return [Math.pow(10, Math.floor(Math.log10(min) + 1e-9)), Math.pow(10, Math.ceil(Math.log10(max) - 1e-9))];
  }
  return [roundMantissa(min, Math.floor), roundMantissa(max, Math.ceil)];
}

/** Rounds v > 0 to an integer mantissa 1…10 × 10^e (down or up). */
function roundMantissa(v: number, round: (x: number) => number): number {
  const e = Math.floor(Math.log10(v));
  const m = v / Math.pow(10, e);
  const r = Math.max(1, round(m * (1 + (round === Math.floor ? 1e-12 : -1e-12))));
  return exactMultiple(r, e);
}

/**
 * Ticks for a log axis over [min, max] (both > 0): powers of ten when the range holds at least two of them (every
 * n-th power when there are many more than `count`); otherwise 1-2-5 × 10^e; otherwise 1…9 × 10^e; and when even
 * those give fewer than two ticks, linear nice ticks inside the range.
 */
export function logTicks(min: number, max: number, count = 5): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  const eps = 1e-9;
  const e0 = Math.ceil(Math.log10(min) - eps);
  const e1 = Math.floor(Math.log10(max) + eps);
  if (e1 - e0 + 1 >= 2) {
    const every = Math.max(1, Math.ceil((e1 - e0 + 1) / Math.max(2, count)));
    const out: number[] = [];
    const first = Math.ceil(e0 / every) * every;
    for (let e = first; e <= e1; e += every) out.push(exactMultiple(1, e));
    if (out.length >= 2) return out;
  }
  // Fewer than two powers of ten inside: the range spans under two decades. Prefer 1-2-5 × 10^e when that gives
  // three ticks or more, then 1…9 × 10^e when that gives two to count + 1, then 1-2-5 with two.
  const inside = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)) - 1; e <= Math.floor(Math.log10(max)) + 1; e++) {
      for (const m of mantissas) {
        const v = exactMultiple(m, e);
        if (v >= min * (1 - eps) && v <= max * (1 + eps)) out.push(v);
      }
    }
    return out;
  };
  const coarse = inside([1, 2, 5]);
  if (coarse.length >= 3) return coarse;
  const fine = inside([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (fine.length >= 2 && fine.length <= count + 1) return fine;
  if (coarse.length >= 2) return coarse;
  return linearTicks(min, max, count).filter((v) => v > 0);
}

/**
 * The y domain of a linear chart: niceDomain when rounding out to ticks adds at most 20% to the span (tidy ends),
 * otherwise the data range padded by `pad` (5%) of its span on each side (no quarter of the plot left empty
 * because the data ends just past a tick).
 */
export function plotDomain(min: number, max: number, count = 5, pad = 0.05): [number, number] {
  [min, max] = widen(min, max);
  const [n0, n1] = niceDomain(min, max, count);
  const span = max - min;
  if (n1 - n0 <= span * 1.2) return [n0, n1];
  return [min - span * pad, max + span * pad];
}
