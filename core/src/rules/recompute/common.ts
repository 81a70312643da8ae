// Shared pieces of the recompute rules: the recompute settings as Megatron ends up with them, what
// megatron_extra_kwargs may override, how to name the model in a message, and edits that add lines next to a key or
// take items out of `recompute_modules`.
import { isSeq, isScalar, Node } from 'yaml';
import { ConfigEntry } from '../../config/parse';
import { ModelFacts } from '../../model/facts';
import { Range } from '../../text/positions';
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { Fix, Rule, TextEdit } from '../types';

export type Granularity = 'selective' | 'full' | 'none';
export type Method = 'uniform' | 'block';

/** `recompute_granularity` as ms-swift reads it (the command's default when unset); undefined when invalid. */
export function granularity(ctx: RuleContext): Granularity | undefined {
  const v = ctx.value('recompute_granularity');
  const choices = ctx.spec('recompute_granularity')?.choices ?? [];
  return typeof v === 'string' && choices.includes(v) ? (v as Granularity) : undefined;
}

/** `recompute_method`: null when unset (the default), undefined when it does not parse or is not a choice. */
export function method(ctx: RuleContext): Method | null | undefined {
  const v = ctx.value('recompute_method');
  if (v === null) return null;
  return v === 'uniform' || v === 'block' ? v : undefined;
}

/** `recompute_num_layers`: null when unset, undefined when it does not parse. */
export function numLayers(ctx: RuleContext): number | null | undefined {
  const v = ctx.value('recompute_num_layers');
  if (v === null) return null;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** `recompute_modules` as a list of names (the default `[core_attn]` when unset); undefined when it does not parse. */
export function modules(ctx: RuleContext): string[] | undefined {
  const v = ctx.value('recompute_modules');
  if (v === null || v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.every((x) => typeof x === 'string') ? (list as string[]) : undefined;
}

/** how the current granularity reads in a message: "`selective` (the default)" or "set to `selective`" */
export function granularityText(ctx: RuleContext, g: Granularity): string {
  return ctx.isSet('recompute_granularity') ? `set to \`${g}\`` : `\`${g}\` (the default for \`${ctx.command}\`)`;
}

/** the stage text of a rule in the config's version, e.g. "fails when the model is built, after data preprocessing" */
export function when(rule: Pick<Rule, 'stage'>, ctx: RuleContext): string {
  return stageText(rule.stage?.[ctx.version], ctx.version);
}

/** "The run stops with a ValueError: it fails when the model is built, before the weights are loaded." */
export function stops(rule: Pick<Rule, 'stage'>, ctx: RuleContext, error: string): string {
  return `The run stops with ${error}: it ${when(rule, ctx)}.`;
}

// ---- megatron_extra_kwargs -----------------------------------------------------------------------------------

/**
 * The TransformerConfig fields ms-swift 4 takes from `megatron_extra_kwargs` (applied last, over everything else);
 * 'unknown' when the value is given but cannot be read (then any field may be overridden).
 */
export function extraKwargs(ctx: RuleContext): Record<string, unknown> | 'unknown' {
  if (ctx.version === '3.4.1' || !ctx.spec('megatron_extra_kwargs') || !ctx.isSet('megatron_extra_kwargs')) return {};
  let v = ctx.value('megatron_extra_kwargs');
  if (v === null) return {};
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return 'unknown';
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : 'unknown';
}

/** true when megatron_extra_kwargs (may) override one of these TransformerConfig fields: rules then stay silent */
export function overridden(ctx: RuleContext, ...fields: string[]): boolean {
  const extra = extraKwargs(ctx);
  return extra === 'unknown' || fields.some((f) => f in extra);
}

/** TransformerConfig fields the recompute checks read */
export const RECOMPUTE_FIELDS = ['recompute_granularity', 'recompute_method', 'recompute_num_layers', 'recompute_modules'];

// ---- model --------------------------------------------------------------------------------------------------

/** whether config.json declares multi-latent attention (q_lora_rank or kv_lora_rank, as mcore-bridge reads it) */
export function usesMla(facts: ModelFacts): boolean {
  if (facts.kvLoraRank !== undefined) return true;
  const scan = (o: unknown, depth: number): boolean => {
    if (!o || typeof o !== 'object' || depth > 2) return false;
    const r = o as Record<string, unknown>;
    if ((r.q_lora_rank !== undefined && r.q_lora_rank !== null) || (r.kv_lora_rank !== undefined && r.kv_lora_rank !== null)) return true;
    return ['text_config', 'llm_config', 'thinker_config'].some((k) => scan(r[k], depth + 1));
  };
  return scan(facts.raw, 0);
}

// ---- edits --------------------------------------------------------------------------------------------------

function eol(ctx: RuleContext): string {
  return ctx.doc.text.includes('\r\n') ? '\r\n' : '\n';
}

/** a top-level `key: value` line of its own, which lines can be inserted next to */
function onOwnLine(entry: ConfigEntry | undefined): entry is ConfigEntry {
  return !!entry && !entry.viaMerge && entry.keyRange.start.character === 0;
}

/** an edit inserting `lines` (each `name: value`) on their own lines just before the entry's line */
export function insertBefore(ctx: RuleContext, name: string, lines: string[]): TextEdit {
  const entry = ctx.entry(name);
  if (!onOwnLine(entry)) return fallbackInsert(ctx, lines);
  const pos = { line: entry.keyRange.start.line, character: 0 };
  return { range: { start: pos, end: pos }, newText: lines.map((l) => l + eol(ctx)).join('') };
}

/** an edit inserting `lines` on their own lines just after the entry (after its whole value) */
export function insertAfter(ctx: RuleContext, name: string, lines: string[]): TextEdit {
  const entry = ctx.entry(name);
  if (!onOwnLine(entry)) return fallbackInsert(ctx, lines);
  const l = ctx.doc.lines;
  const endLine = l.position(Math.max(entry.pairEnd - 1, entry.pairStart)).line;
  if (endLine + 1 < l.lineCount) {
    const pos = { line: endLine + 1, character: 0 };
    return { range: { start: pos, end: pos }, newText: lines.map((x) => x + eol(ctx)).join('') };
  }
  const pos = { line: endLine, character: l.lineText(endLine).length };
  return { range: { start: pos, end: pos }, newText: lines.map((x) => eol(ctx) + x).join('') };
}

function fallbackInsert(ctx: RuleContext, lines: string[]): TextEdit {
  const [first, ...rest] = lines;
  const m = /^([^:]+):\s*(.*)$/.exec(first!)!;
  const e = ctx.insertKeyEdit(m[1]!, m[2]!);
  return rest.length ? { range: e.range, newText: e.newText + rest.map((x) => eol(ctx) + x).join('') } : e;
}

/** edits removing every line that sets the argument (all duplicates); undefined when one comes from a merge */
export function removeKeyEdits(ctx: RuleContext, name: string): TextEdit[] | undefined {
  const entries = ctx.resolutions
    .filter((r) => (r.resolution.kind === 'exact' || r.resolution.kind === 'dashed' || r.resolution.kind === 'prefix') && r.resolution.spec.name === name)
    .map((r) => r.entry);
  if (!entries.length || entries.some((e) => e.viaMerge)) return undefined;
  return entries.map((e) => ctx.removeEntryEdit(e));
}

export function removeKeyFix(ctx: RuleContext, name: string, title?: string, preferred = false): Fix | undefined {
  const edits = removeKeyEdits(ctx, name);
  return edits ? { title: title ?? `Remove \`${name}\``, edits, preferred } : undefined;
}

/** an edit that sets the value when the key is written, else inserts it before the line of `near` */
export function setOrInsertBefore(ctx: RuleContext, name: string, value: string, near: string): TextEdit {
  const e = ctx.entry(name);
  if (e && !e.viaMerge) return ctx.setValueEdit(name, value);
  return insertBefore(ctx, near, [`${name}: ${value}`]);
}

// ---- recompute_modules items --------------------------------------------------------------------------------

export interface ModuleItem {
  name: string;
  /** the item's text in the document (the whole value for a scalar) */
  range: Range;
  node: Node | undefined;
}

/** the items of `recompute_modules` as written, with their ranges; undefined when the key is not set */
export function moduleItems(ctx: RuleContext): ModuleItem[] | undefined {
  const entry = ctx.entry('recompute_modules');
  const names = modules(ctx);
  if (!entry || !names) return undefined;
  const n = entry.valueNode;
  if (!entry.viaMerge && n && isSeq(n) && n.items.length === names.length) {
    return names.map((name, i) => {
      const node = n.items[i] as Node | undefined;
      const range = node?.range ? ctx.doc.lines.range(node.range[0], node.range[1]) : entry.valueRange;
      return { name, range, node: node && isScalar(node) ? node : undefined };
    });
  }
  return names.map((name) => ({ name, range: entry.valueRange, node: undefined }));
}

/** a YAML scalar for a module name */
function scalarText(name: string): string {
  return /^[A-Za-z_][\w-]*$/.test(name) && !/^(?:yes|no|true|false|on|off|null|y|n)$/i.test(name) ? name : JSON.stringify(name);
}

/**
 * Edits that take `drop` out of `recompute_modules` (and put `replace[name]` in its place); when nothing is left the
 * key is removed, so Megatron's default `[core_attn]` applies. undefined when the value cannot be edited safely.
 */
export function editModules(ctx: RuleContext, drop: string[], replace: Record<string, string> = {}): { edits: TextEdit[]; removesKey: boolean } | undefined {
  const entry = ctx.entry('recompute_modules');
  const items = moduleItems(ctx);
  if (!entry || !items || entry.viaMerge) return undefined;
  const kept = items.filter((i) => !drop.includes(i.name) || replace[i.name] !== undefined).map((i) => replace[i.name] ?? i.name);
  if (!kept.length) {
    const edits = removeKeyEdits(ctx, 'recompute_modules');
    return edits ? { edits, removesKey: true } : undefined;
  }
  const n = entry.valueNode;
  const block = n && isSeq(n) && !n.flow && items.every((i) => i.node);
  if (!block) return { edits: [{ range: entry.valueRange, newText: `[${kept.map(scalarText).join(', ')}]` }], removesKey: false };
  // a block sequence: replace items in place, delete the lines of dropped ones
  const edits: TextEdit[] = [];
  const l = ctx.doc.lines;
  for (const item of items) {
    if (replace[item.name] !== undefined) {
      edits.push({ range: item.range, newText: scalarText(replace[item.name]!) });
    } else if (drop.includes(item.name)) {
      const [start, end] = item.node!.range!;
      const first = l.position(start).line;
      const last = l.position(Math.max(end - 1, start)).line;
      // only when the item sits alone on its lines (`  - name`)
      if (!/^\s*-\s*$/.test(l.lineText(first).slice(0, l.position(start).character))) return { edits: [{ range: entry.valueRange, newText: `[${kept.map(scalarText).join(', ')}]` }], removesKey: false };
      const to = last + 1 < l.lineCount ? { line: last + 1, character: 0 } : { line: last, character: l.lineText(last).length };
      edits.push({ range: { start: { line: first, character: 0 }, end: to }, newText: '' });
    }
  }
  return { edits, removesKey: false };
}

/** "`a`, `b` and `c`" */
export function listText(names: readonly (string | number)[], conj = 'and'): string {
  const q = names.map((n) => `\`${n}\``);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} ${conj} ${q[q.length - 1]}`;
}
