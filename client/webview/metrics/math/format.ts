// Number formatting for axis ticks and hover values. Pure: no DOM.

const SI = ['', 'k', 'M', 'G', 'T'];

/** Removes trailing zeros after a decimal point ("1.50" → "1.5", "2.0" → "2"). */
export function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '-∞';
}

/** Decimal places needed to tell apart multiples of `step` (0 for steps ≥ 1), at most 15. */
function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(15, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** "2.5e-5" style: mantissa with the digits that `step` needs, exponent without "+" or leading zeros. */
function exponential(v: number, step: number): string {
  let e = Math.floor(Math.log10(Math.abs(v)));
  let digits = step > 0 && Number.isFinite(step) ? Math.max(0, e - Math.floor(Math.log10(step) + 1e-9)) : 2;
  digits = Math.min(digits, 6);
  let m = (v / Math.pow(10, e)).toFixed(digits);
  if (Math.abs(Number(m)) >= 10) {
    e += 1;
    m = (v / Math.pow(10, e)).toFixed(digits);
  }
  return `${trimZeros(m)}e${e}`;
}

/**
 * An axis label for tick value v on an axis whose ticks are `step` apart: "0"; 1e-3 ≤ |v| < 1000 in fixed notation
 * with the decimals the step needs ("0.25", "1.5", "40"); 1000 ≤ |v| < 1e15 with SI suffixes ("3.2k", "200k",
 * "1.05M", "2G"); smaller or larger in short exponent form ("1e-5", "2.5e-5", "3e15"). Trailing zeros are dropped.
 */
export function formatTick(v: number, step: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const a = Math.abs(v);
  if (a === 0 || (step > 0 && a < step * 1e-9)) return '0';
  if (a >= 1e15 || a < 1e-3) return exponential(v, step);
  if (a >= 1000) {
    let unit = Math.min(SI.length - 1, Math.floor(Math.log10(a) / 3 + 1e-12));
    let scaled = v / Math.pow(1000, unit);
    let s = trimZeros(scaled.toFixed(decimalsFor(step / Math.pow(1000, unit))));
    if (Math.abs(Number(s)) >= 1000 && unit < SI.length - 1) {
      unit += 1;
      scaled = v / Math.pow(1000, unit);
      s = trimZeros(scaled.toFixed(decimalsFor(step / Math.pow(1000, unit))));
    }
    return s + SI[unit];
  }
  return trimZeros(v.toFixed(decimalsFor(step)));
}

/** Labels for a list of ticks (linear or log): each formatted with the gap to its nearest neighbour as its step. */
export function formatTicks(ticks: readonly number[]): string[] {
  return ticks.map((v, i) => {
    let step = Infinity;
    if (i > 0) step = Math.min(step, Math.abs(v - ticks[i - 1]!));
    if (i + 1 < ticks.length) step = Math.min(step, Math.abs(ticks[i + 1]! - v));
    if (!Number.isFinite(step) || step === 0) step = Math.abs(v) > 0 ? Math.pow(10, Math.floor(Math.log10(Math.abs(v)))) / 10 : 1;
    return formatTick(v, step);
  });
}

/**
 * A data value for the hover read-out, to 7 significant digits (a float32 value exactly; a float64 value within 5e-7
 * relative): "NaN", "∞", "-∞", "0"; 1e-4 ≤ |v| < 1e7 in plain notation ("2.000991", "0.0001234", "1234568");
 * otherwise exponent form ("9.9995e-6", "1.234568e9").
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e7) return String(Number(v.toPrecision(7)));
  const [m, e] = v.toExponential(6).split('e');
  return `${trimZeros(m!)}e${Number(e)}`;
}

/** A step number: integers as they are ("123456"), anything else like a value. */
export function formatStep(step: number): string {
  return Number.isInteger(step) ? String(step) : formatValue(step);
}
