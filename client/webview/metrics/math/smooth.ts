// TensorBoard-style smoothing. Pure: no DOM.

/**
 * Debiased exponential moving average, exactly as TensorBoard's scalar dashboard ("classic" smoothing):
 *
 *   last_0 = 0
 *   for each FINITE value v, with k counting the finite values seen so far (1, 2, …):
 *     last     = w * last + (1 - w) * v
 *     smoothed = last / (1 - w^k)           (the debias; w = 0 gives the raw value)
 *   a non-finite value (NaN, ±Infinity) is passed through unchanged and does not advance last or k,
 *   so gaps stay gaps and the curve resumes after them;
 *   a series whose values are all equal (==) is returned unchanged (TensorBoard #786: avoids 0.99999… wobble).
 *
 * For a series with no non-finite values, k = i + 1, i.e. smoothed_i = last_i / (1 - w^(i+1)).
 * The weight is clamped to [0, 0.999999] (NaN counts as 0; the UI offers 0–0.99). TensorBoard at w = 1 would give a flat 0,
 * which no one wants. w^k is computed with Math.pow, like TensorBoard, so results match it to the last bit; once w^k
 * is below 2^-60 the debias divisor is exactly 1 in doubles and is no longer computed.
 */
export function smoothEma(values: ArrayLike<number>, weight: number, out?: Float64Array): Float64Array {
  const n = values.length;
  const result = out && out.length >= n ? out : new Float64Array(n);
  let w = Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 0;
  if (w > 0.999999) w = 0.999999;
  if (n === 0) return result;
  const first = values[0]!;
  let constant = true;
  for (let i = 1; i < n; i++) {
    if (values[i] != first) {
      constant = false;
      break;
    }
  }
  if (constant || w === 0) {
    for (let i = 0; i < n; i++) result[i] = values[i]!;
    return result;
  }
  let last = 0;
  let k = 0;
  let debiasing = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      result[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    k++;
    if (debiasing) {
      const wk = Math.pow(w, k);
      if (wk < 8.673617379884035e-19) debiasing = false; // 2^-60: 1 - wk === 1
      result[i] = last / (1 - wk);
    } else {
      result[i] = last;
    }
  }
  return result;
}
