// Shared helpers for the tests.
import * as path from 'path';
import { checkText, CheckOptions } from '../core/src/check';
import { Diagnostic, Fix, TextEdit } from '../core/src/rules/types';
import { LineIndex } from '../core/src/text/positions';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SHARED = process.env.MS_SWIFT_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');

export function diagnostics(text: string, options: CheckOptions = {}): Diagnostic[] {
  return checkText(text, options).diagnostics;
}

export function codes(text: string, options: CheckOptions = {}): string[] {
  return diagnostics(text, options).map((d) => d.code);
}

export function withCode(text: string, code: string, options: CheckOptions = {}): Diagnostic[] {
  return diagnostics(text, options).filter((d) => d.code === code);
}

/** The text a diagnostic's range covers. */
export function covered(text: string, d: Diagnostic): string {
  const lines = new LineIndex(text);
  return text.slice(lines.offset(d.range.start), lines.offset(d.range.end));
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export function applyFix(text: string, fix: Fix): string {
  return applyEdits(text, fix.edits);
}

export function errors(text: string, options: CheckOptions = {}): Diagnostic[] {
  return diagnostics(text, options).filter((d) => d.severity === 'error');
}
