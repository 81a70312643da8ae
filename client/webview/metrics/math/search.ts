// Binary searches over ascending (non-decreasing) step arrays. Pure: no DOM.

/** First index i in [start, end) with xs[i] >= x (end when none). */
export function lowerBound(xs: ArrayLike<number>, x: number, start = 0, end = xs.length): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in [start, end) with xs[i] > x (end when none). */
export function upperBound(xs: ArrayLike<number>, x: number, start = 0, end = xs.length): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the element of xs[start, end) nearest to x (by |xs[i] - x|), or -1 when the range is empty or x is NaN.
 * Ties go to the lower index; among equal steps, the first one.
 */
export function nearestIndex(xs: ArrayLike<number>, x: number, start = 0, end = xs.length): number {
  if (end <= start || Number.isNaN(x)) return -1;
  const i = lowerBound(xs, x, start, end);
  if (i >= end) return end - 1;
  if (i <= start) return start;
  const before = i - 1;
  // xs[before] < x <= xs[i]; pick the closer one, the earlier on a tie; walk back to the first of equal steps.
  let pick = x - xs[before]! <= xs[i]! - x ? before : i;
  const v = xs[pick]!;
  while (pick > start && xs[pick - 1] === v) pick--;
  return pick;
}
