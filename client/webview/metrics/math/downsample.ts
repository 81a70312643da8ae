// Min/max downsampling for drawing. Pure: no DOM.

export interface DownsampleOptions {
  /** Pixel columns of the plot; the output has at most 2 × columns indices (columns is raised to at least 2). */
  columns: number;
  /** Index range of the input to consider, [start, end); defaults to everything. */
  start?: number;
  end?: number;
  /** x range mapped onto the columns; defaults to the x of the first and last considered points. */
  x0?: number;
  x1?: number;
  /** Treat values <= 0 as missing (for a log-scale axis). */
  positiveOnly?: boolean;
}

export interface Downsampled {
  /** Strictly increasing indices into the input arrays. A point whose value is missing (non-finite, or <= 0 with
   * positiveOnly) is included only to mark a gap: a drawer breaks the line there. */
  indices: Uint32Array;
  length: number;
  /** Whether the input was reduced (false: every considered point is in indices). */
  reduced: boolean;
}

/** The interior bucket (0 … buckets-1) that x falls in, for `buckets` equal slices of [x0, x1]. */
export function bucketOf(x: number, x0: number, x1: number, buckets: number): number {
  if (!(x1 > x0)) return 0;
  const t = (x - x0) * (buckets / (x1 - x0)); // the same arithmetic as downsampleMinMax
  return t < buckets ? (t > 0 ? Math.floor(t) : 0) : buckets - 1;
}

/**
 * Reduces a line to what can be seen at `columns` pixels: the first and the last considered points are always kept,
 * and the points between them are split by x into columns − 1 equal buckets, each contributing the index of its
 * minimum and of its maximum value (in index order; one index when they coincide). A bucket with no usable value
 * but with missing ones contributes the index of its first missing point, so gaps at least a pixel wide survive;
 * a gap narrower than a bucket that has usable values too is bridged (it could not be seen). Empty buckets add
 * nothing. Output size ≤ 2 + 2 × (columns − 1) = 2 × columns. When the input already fits (n ≤ 2 × columns) it is
 * returned whole.
 */
export function downsampleMinMax(xs: ArrayLike<number>, ys: ArrayLike<number>, options: DownsampleOptions): Downsampled {
  const columns = Math.max(2, Math.floor(options.columns) || 2);
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(xs.length, ys.length, options.end ?? xs.length);
  const n = end - start;
  if (n <= 0) return { indices: new Uint32Array(0), length: 0, reduced: false };
  if (n <= 2 * columns) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = start + i;
    return { indices: all, length: n, reduced: false };
  }
  const positiveOnly = options.positiveOnly === true;
  const x0 = options.x0 ?? xs[start]!;
  const x1 = options.x1 ?? xs[end - 1]!;
  const buckets = columns - 1;
  const span = x1 - x0;
  const scale = span > 0 ? buckets / span : 0;
  const out = new Uint32Array(2 * columns);
  let len = 0;
  out[len++] = start;

  // Variables stay local to this function (no closure over them): V8 keeps them in registers.
  let bucket = -1;
  let minI = -1;
  let maxI = -1;
  let minV = 0;
  let maxV = 0;
  let missingI = -1;
  const last = end - 1;
  for (let i = start + 1; i < last; i++) {
    const t = (xs[i]! - x0) * scale;
    const b = t < buckets ? (t > 0 ? t | 0 : 0) : buckets - 1; // = bucketOf (| 0 is floor here, and cheaper)
    if (b !== bucket) {
      len = emit(out, len, minI, maxI, missingI);
      bucket = b;
      minI = maxI = missingI = -1;
    }
    const v = ys[i]!;
    if (v - v === 0 && (!positiveOnly || v > 0)) {
      // finite (v - v is NaN for NaN and ±Infinity)
      if (minI < 0) {
        minI = maxI = i;
        minV = maxV = v;
      } else if (v < minV) {
        minV = v;
        minI = i;
      } else if (v > maxV) {
        maxV = v;
        maxI = i;
      }
    } else if (missingI < 0) {
      missingI = i;
    }
  }
  len = emit(out, len, minI, maxI, missingI);
  out[len++] = last;
  return { indices: out, length: len, reduced: true };
}

/** Writes one bucket's indices (min and max in index order, or the gap marker) and returns the new length. */
function emit(out: Uint32Array, len: number, minI: number, maxI: number, missingI: number): number {
  if (len > out.length - 3) return len; // only reachable with unsorted xs: keeps the bound and room for the last point
  if (minI >= 0) {
    if (minI === maxI) out[len++] = minI;
    else if (minI < maxI) {
      out[len++] = minI;
      out[len++] = maxI;
    } else {
      out[len++] = maxI;
      out[len++] = minI;
    }
  } else if (missingI >= 0) {
    out[len++] = missingI;
  }
  return len;
}
