// Scalars as CSV or JSON, with numbers written in full precision (the shortest text that reads back as the same
// double, as JSON writes numbers).
import type { ScalarPoint } from './events';

/** The shortest round-trip text of a number; NaN / Infinity / -Infinity spelled out, -0 kept. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** A CSV field, quoted when it has a comma, a quote or a line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = 'file,tag,step,wall_time,value';

export function csvRow(file: string, p: ScalarPoint): string {
  return `${csvField(file)},${csvField(p.tag)},${formatNumber(p.step)},${formatNumber(p.wallTime)},${formatNumber(p.value)}`;
}

/** A JSON number, or the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers). */
export function jsonNumber(v: number): string {
  return Number.isFinite(v) ? formatNumber(v) : JSON.stringify(formatNumber(v));
}

/** One element of the JSON array: {"file", "tag", "step", "wall_time", "value"}. */
export function jsonRow(file: string, p: ScalarPoint): string {
  return `{"file":${JSON.stringify(file)},"tag":${JSON.stringify(p.tag)},"step":${jsonNumber(p.step)},"wall_time":${jsonNumber(p.wallTime)},"value":${jsonNumber(p.value)}}`;
}
