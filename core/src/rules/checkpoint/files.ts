// What the checkpoint rules can learn about a Megatron checkpoint folder named in the config, when the checker can see
// the file system the run will use (ctx.files and a base folder). Every helper returns undefined when it cannot know.
//
// Layouts (ms-swift 3.4.1 / 4.5.2, torch_dist format):
//   <root>/latest_checkpointed_iteration.txt   "100" (or "release")
//   <root>/iter_0000100/{common.pt, metadata.json, .metadata, __0_0.distcp, ...}
//   <root>/args.json                           the ms-swift arguments of the run (or of `swift/megatron export`)
// Converted checkpoints (`swift export --to_mcore`, `megatron export --to_mcore`) are saved at iteration 1 with
// no optimizer and no RNG state; their args.json has `to_mcore: true` (4.5.2 megatron export also no_save_optim).
import * as path from 'path';
import { RuleContext } from '../context';
import { Fix } from '../types';

export const TRACKER = 'latest_checkpointed_iteration.txt';

export interface CheckpointDir {
  /** the config key that names it */
  key: string;
  /** the path as written in the config */
  written: string;
  /** the absolute path the run will use */
  abs: string;
  exists: boolean;
  isDir: boolean;
  /** latest_checkpointed_iteration.txt exists */
  hasTracker: boolean;
  /** the iteration it names (a number), 'release', or undefined when missing/unreadable */
  iteration: number | 'release' | undefined;
  /** args.json of the checkpoint, when present and readable */
  args: Record<string, unknown> | undefined;
}

/** A string argument naming a local folder, inspected on disk; undefined when unset or without file access. */
export function inspectPath(ctx: RuleContext, key: string): CheckpointDir | undefined {
  if (!ctx.spec(key)) return undefined;
  const files = ctx.files;
  const written = ctx.str(key);
  if (!files || written === undefined || written.trim() === '') return undefined;
  const abs = ctx.resolvePath(written.trim());
  if (!abs) return undefined;
  return inspectAbs(ctx, key, written, abs);
}

export function inspectAbs(ctx: RuleContext, key: string, written: string, abs: string): CheckpointDir | undefined {
  const files = ctx.files;
  if (!files) return undefined;
  const exists = files.exists(abs);
  const isDir = exists && files.isDirectory(abs);
  const trackerText = isDir ? files.readText(path.join(abs, TRACKER), 4096) : undefined;
  const hasTracker = isDir && files.exists(path.join(abs, TRACKER));
  let iteration: number | 'release' | undefined;
  if (trackerText !== undefined) {
    const t = trackerText.trim();
    if (t === 'release') iteration = 'release';
    else if (/^\d+$/.test(t)) iteration = Number(t);
  }
  return { key, written, abs, exists, isDir, hasTracker, iteration, args: isDir ? readJson(ctx, path.join(abs, 'args.json')) : undefined };
}

export function readJson(ctx: RuleContext, file: string): Record<string, unknown> | undefined {
  const text = ctx.files?.readText(file, 8 * 1024 * 1024);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** the checkpoint was written by a `--to_mcore` conversion (weights only) */
export function isConverted(c: CheckpointDir): boolean {
  return c.args?.to_mcore === true;
}

/** whether the checkpoint holds optimizer state: false for conversions and no_save_optim runs; undefined when unknown */
export function hasOptimizerState(c: CheckpointDir): boolean | undefined {
  if (!c.args) return undefined;
  if (isConverted(c) || c.args.no_save_optim === true) return false;
  if (c.args.no_save_optim === false) return true;
  return undefined;
}

/** whether the checkpoint holds RNG state; undefined when unknown */
export function hasRngState(c: CheckpointDir): boolean | undefined {
  if (!c.args) return undefined;
  if (isConverted(c) || c.args.no_save_rng === true) return false;
  if (c.args.no_save_rng === false) return true;
  return undefined;
}

/** "`Qwen2.5-7B-Instruct-mcore` (converted by `swift export --to_mcore`)" */
export function describe(c: CheckpointDir): string {
  if (isConverted(c)) return `\`${c.written}\` (a weights-only checkpoint converted with \`--to_mcore\`)`;
  return `\`${c.written}\``;
}

/** how the folder was saved, for messages: "its args.json has `no_save_optim: true`" */
export function optimizerEvidence(c: CheckpointDir): string {
  if (isConverted(c)) return 'its args.json shows it was converted with `to_mcore: true`, which saves weights only';
  return 'its args.json has `no_save_optim: true`';
}

/** the tuner type ms-swift 4.5.2 ends up with: adapters given with `full` switch it to `lora` */
export function effectiveTunerType(ctx: RuleContext): string | undefined {
  const t = ctx.str('tuner_type');
  if (t !== 'full') return t;
  const adapters = (ctx.list('adapters') ?? []).length + (ctx.list('ref_adapters') ?? []).length;
  if (adapters > 0 || ctx.str('mcore_adapter') || ctx.str('mcore_ref_adapter')) return 'lora';
  return t;
}

/**
 * The key whose checkpoint a 4.5.2 run resumes from when finetune is false: `mcore_model` for full training,
 * `mcore_adapter` for LoRA (the base model is then always loaded as with finetune: true).
 */
export function resumeKey(ctx: RuleContext): 'mcore_model' | 'mcore_adapter' | undefined {
  const tuner = effectiveTunerType(ctx);
  if (tuner === undefined) return undefined;
  const key = tuner === 'full' ? 'mcore_model' : 'mcore_adapter';
  return ctx.str(key) ? key : undefined;
}

/** the written path with its last segment removed ("a/b/iter_0000001" -> "a/b"), keeping a leading "./" */
export function parentWritten(written: string): string | undefined {
  const trimmed = written.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (i <= 0) return undefined;
  return trimmed.slice(0, i);
}

/** the written path joined with a child name, in the same spelling */
export function childWritten(written: string, child: string): string {
  const sep = written.includes('\\') && !written.includes('/') ? '\\' : '/';
  return written.replace(/[\\/]+$/, '') + sep + child;
}

/** a YAML scalar for a path: plain when safe, else double-quoted */
export function yamlPath(p: string): string {
  return /^[\w./~+-][\w./~+@:-]*$/.test(p) && !/^(?:true|false|yes|no|on|off|null|~)$/i.test(p) ? p : JSON.stringify(p);
}

/** a fix that removes a key (when it is set and not from a merge) */
export function removeFix(ctx: RuleContext, key: string, title: string, preferred = false): Fix | undefined {
  const e = ctx.entry(key);
  if (!e || e.viaMerge) return undefined;
  return { title, edits: [ctx.removeEntryEdit(e)], preferred };
}

