// Quick fixes for the pipeline / expert rules: a fix is a set of changes (set or remove keys), tried on the
// whole plan first; it is offered only when it clears its problem and adds no new error.
import { KnownVersion } from '../../../catalog/schema';
import { yamlScalar } from '../../arguments/values';
import type { RuleContext } from '../../context';
import { Fix, Severity, TextEdit } from '../../types';
import { Changes } from './facts';
import { Plan, Problem, makePlan } from './plan';

/** Severity of this group's rules per version (the simulated checks of other areas carry their own). */
export const SEVERITY: Record<string, Partial<Record<KnownVersion, Severity>>> = {
  'world-size-divisible-by-etp-ep-pp': { '3.4.1': 'error', '4.5.2': 'error' },
  'pp-divides-num-layers': { '3.4.1': 'error', '4.5.2': 'error' },
  'uneven-pp-layer-split': { '3.4.1': 'error', '4.5.2': 'error' },
  'uneven-pp-requires-pp-gt-1': { '3.4.1': 'error', '4.5.2': 'error' },
  'pp-split-options-conflict': { '4.5.2': 'error' },
  'vpp-requires-pp-gt-1': { '4.5.2': 'error' },
  'vpp-divides-layers-per-stage': { '4.5.2': 'error' },
  'pp-layout-stage-count': { '4.5.2': 'error' },
  'vpp-microbatch-count': { '4.5.2': 'error' },
  'vpp-p2p-overlap-vs-batch': { '4.5.2': 'error' },
  'p2p-overlap-requires-vpp': { '4.5.2': 'info' },
  'expert-parallel-requires-moe': { '3.4.1': 'error', '4.5.2': 'warning' },
  'num-experts-divisible-by-ep': { '3.4.1': 'error', '4.5.2': 'error' },
  'expert-parallel-rejects-fp16': { '3.4.1': 'error' },
  'moe-bias-requires-etp-1': { '4.5.2': 'error' },
};

function severityOf(p: Problem, version: KnownVersion): Severity {
  return p.severity ?? SEVERITY[p.id]?.[version] ?? 'error';
}

function errorIds(plan: Plan, version: KnownVersion): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of plan.problems) if (severityOf(p, version) === 'error') out.set(p.id, (out.get(p.id) ?? 0) + 1);
  return out;
}

/**
 * The changes clear the `id` problems of the plan (at least one of them) and add no error; `strict`: and leave no
 * error at all among the checks simulated here (so that, e.g., a new PP also fits the world size).
 */
export function fixWorks(ctx: RuleContext, base: Plan, id: string, changes: Changes, strict = false): boolean {
  if (!editable(ctx, changes)) return false;
  const after = makePlan(ctx, changes);
  const before = base.problems.filter((p) => p.id === id).length;
  const left = after.problems.filter((p) => p.id === id).length;
  if (left >= before) return false;
  if (strict) return errorIds(after, ctx.version).size === 0;
  const was = errorIds(base, ctx.version);
  for (const [pid, n] of errorIds(after, ctx.version)) {
    if (pid === id) continue;
    if (n > (was.get(pid) ?? 0)) return false;
  }
  return true;
}

/** Keys that come from a YAML merge cannot be edited in place. */
function editable(ctx: RuleContext, changes: Changes): boolean {
  for (const name of Object.keys(changes)) {
    if (!ctx.spec(name)) return false;
    const e = ctx.entry(name);
    if (e?.viaMerge) return false;
  }
  return true;
}

function valueText(v: string | number | boolean): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return /^[A-Za-z_][\w\-./]*$/.test(v) ? yamlScalar(v) : JSON.stringify(v);
}

/** The text edits that make the changes. */
export function changeEdits(ctx: RuleContext, changes: Changes): TextEdit[] {
  const edits: TextEdit[] = [];
  const inserts: Array<[string, string]> = [];
  const removals: TextEdit[] = [];
  for (const [name, val] of Object.entries(changes)) {
    const entry = ctx.entry(name);
    if (val === null) {
      if (entry && !entry.viaMerge) removals.push(ctx.removeEntryEdit(entry));
      continue;
    }
    if (entry && !entry.viaMerge) edits.push(ctx.setValueEdit(name, valueText(val)));
    else inserts.push([name, valueText(val)]);
  }
  if (inserts.length) {
    if (removals.length) {
      // put the new lines where the first removed line was (an insert after the last entry could touch a removal)
      const r = removals[0]!;
      const eol = ctx.doc.text.includes('\r\n') ? '\r\n' : '\n';
      const endsLine = r.range.end.character === 0 && r.range.end.line > r.range.start.line;
      const lines = inserts.map(([n, t]) => `${n}: ${t}`).join(eol);
      removals[0] = { range: r.range, newText: endsLine ? lines + eol : lines };
    } else {
      const first = ctx.insertKeyEdit(inserts[0]![0], inserts[0]![1]);
      const more = inserts.slice(1).map(([n, t]) => ctx.insertKeyEdit(n, t).newText).join('');
      edits.push({ range: first.range, newText: first.newText + more });
    }
  }
  return [...edits, ...removals];
}

export function describe(changes: Changes): string {
  return Object.entries(changes)
    .map(([k, v]) => (v === null ? `remove \`${k}\`` : `set \`${k}: ${valueText(v)}\``))
    .join(', ')
    .replace(/^./, (c) => c.toUpperCase());
}

/** A helper that collects working fixes (in order of preference, without duplicates). */
export class FixList {
  readonly fixes: Fix[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: RuleContext,
    private readonly base: Plan,
    private readonly id: string,
  ) {}

  /** Adds the fix when it works; returns whether it was added. */
  try(changes: Changes, title?: string): boolean {
    const sig = JSON.stringify(Object.entries(changes).sort());
    if (this.seen.has(sig)) return false;
    this.seen.add(sig);
    if (!fixWorks(this.ctx, this.base, this.id, changes)) return false;
    const edits = changeEdits(this.ctx, changes);
    if (!edits.length) return false;
    this.fixes.push({ title: title ?? describe(changes), edits, preferred: this.fixes.length === 0 });
    return true;
  }

  get length(): number {
    return this.fixes.length;
  }
}

/**
 * Values near `current` (both directions, nearest first) for which `changesFor(value)` is a working fix;
 * at most `limit`.
 */
export function nearestWorking(
  ctx: RuleContext,
  base: Plan,
  id: string,
  current: number,
  changesFor: (value: number) => Changes,
  opts: { limit?: number; min?: number; max?: number; includeCurrent?: boolean } = {},
): number[] {
  const limit = opts.limit ?? 2;
  const min = opts.min ?? 1;
  const max = Math.min(opts.max ?? 1024, 4096);
  // values that leave the simulated checks clean first; only when there are none, values that merely add nothing
  for (const strict of [true, false]) {
    const out: number[] = [];
    if (opts.includeCurrent && current >= min && current <= max && fixWorks(ctx, base, id, changesFor(current), strict)) out.push(current);
    for (let d = 1; out.length < limit && (current - d >= min || current + d <= max); d++) {
      for (const x of [current - d, current + d]) {
        if (x < min || x > max || out.length >= limit) continue;
        if (fixWorks(ctx, base, id, changesFor(x), strict)) out.push(x);
      }
    }
    if (out.length) return out;
  }
  return [];
}
