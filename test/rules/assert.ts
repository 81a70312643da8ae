// Assertions shared by the focused rule tests: a rule fires (once), stays quiet, and its quick fixes work.
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { Diagnostic, Fix } from '../../core/src/rules/types';
import { applyFix, diagnostics, withCode } from '../helpers';

function codesOf(text: string, options: CheckOptions): string {
  return JSON.stringify(diagnostics(text, options).map((d) => `${d.code}: ${d.message}`));
}

/** exactly one finding of the code */
export function one(text: string, code: string, options: CheckOptions): Diagnostic {
  const found = withCode(text, code, options);
  assert.equal(found.length, 1, `expected one ${code}, got ${codesOf(text, options)}`);
  return found[0]!;
}

/** at least one finding of the code */
export function fires(text: string, code: string, options: CheckOptions): Diagnostic[] {
  const found = withCode(text, code, options);
  assert.ok(found.length > 0, `${code} did not fire on:\n${text}\n${JSON.stringify(diagnostics(text, options).map((d) => d.code))}`);
  return found;
}

/** no finding of the code */
export function quiet(text: string, code: string, options: CheckOptions): void {
  assert.deepEqual(withCode(text, code, options).map((d) => d.message), [], `${code} fired on:\n${text}`);
}

/**
 * Applies each fix on its own: every one must leave fewer findings of the code than there were and add no error
 * code that was not there before. Returns the fixed texts.
 */
export function applyEachFix(text: string, code: string, fixes: readonly Fix[], options: CheckOptions): string[] {
  const before = diagnostics(text, options);
  const count = before.filter((d) => d.code === code).length;
  const errorsBefore = new Set(before.filter((d) => d.severity === 'error').map((d) => d.code));
  return fixes.map((fix) => {
    const fixed = applyFix(text, fix);
    const after = diagnostics(fixed, options);
    assert.ok(after.filter((d) => d.code === code).length < count, `fix "${fix.title}" left ${code}:\n${fixed}`);
    const added = after.filter((d) => d.severity === 'error' && !errorsBefore.has(d.code));
    assert.deepEqual(added.map((d) => `${d.code}: ${d.message}`), [], `fix "${fix.title}" added errors:\n${fixed}`);
    return fixed;
  });
}

/** the fixes of one finding (at least one) work; the fixed texts */
export function fixesWork(text: string, d: Diagnostic, options: CheckOptions): string[] {
  assert.ok(d.fixes && d.fixes.length > 0, 'expected fixes');
  return applyEachFix(text, d.code, d.fixes, options);
}

/** every fix of every finding of the code (which must fire) works; the fixed texts */
export function allFixesWork(text: string, code: string, options: CheckOptions): string[] {
  return applyEachFix(text, code, fires(text, code, options).flatMap((d) => d.fixes ?? []), options);
}
