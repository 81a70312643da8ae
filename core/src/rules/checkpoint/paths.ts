// Checkpoint folders on disk: a load path that does not exist, a 3.4.1 `load` that is not a checkpoint root, and a
// `megatron export` output folder that already exists. All three need the file system the run will use and stay
// silent without it.
import * as path from 'path';
import { RuleContext } from '../context';
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { CheckpointDir, TRACKER, childWritten, inspectAbs, inspectPath, parentWritten, yamlPath } from './files';
import { loadsCleanly } from './resume';

/** folders next to (or inside) `dir` that are Megatron checkpoint roots this config can load, best match for `wanted` first */
function checkpointRootsIn(ctx: RuleContext, dir: string, wanted: string, depth = 1): string[] {
  const files = ctx.files!;
  if (!files.isDirectory(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string, level: number) => {
    // newest-looking names first (v1-..., v0-...); a huge folder is only sampled
    for (const name of files.list(d).sort().reverse().slice(0, 200)) {
      const p = path.join(d, name);
      if (!files.isDirectory(p)) continue;
      const r = rel ? `${rel}/${name}` : name;
      if (files.exists(path.join(p, TRACKER))) {
        const c = inspectAbs(ctx, 'load', r, p);
        if (c && loadsCleanly(ctx, c)) out.push(r);
      }
      else if (level < depth) walk(p, r, level + 1);
      if (out.length >= 20) return;
    }
  };
  walk(dir, '', 1);
  return out.sort((a, b) => distance(a, wanted) - distance(b, wanted)).slice(0, 3);
}

/** edit distance, for ranking suggestions */
function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[n]!;
}

function looksLikeHubId(p: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(p.trim()) && !p.trim().startsWith('.');
}

/** the argument that names the Megatron checkpoint to load, per version and command */
function loadKey(ctx: RuleContext): 'load' | 'mcore_model' | undefined {
  if (ctx.command === 'swift export') {
    if (!ctx.bool('to_mcore') && !ctx.bool('to_hf')) return undefined;
    return 'mcore_model';
  }
  return ctx.version === '3.4.1' ? 'load' : 'mcore_model';
}

export const checkpointPathMustExist: Rule = {
  id: 'checkpoint-path-must-exist',
  title: 'Megatron checkpoint directory does not exist',
  area: 'checkpoint',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  // `megatron export` (4.5.2) does not run this check; `swift export --to_mcore/--to_hf` checks mcore_model the same way
  commands: [...MEGATRON_TRAIN_COMMANDS, 'swift export'],
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:45',
    'modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/utils.py:16-23',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:43',
  ],
  *check(ctx): Iterable<Finding> {
    const key = loadKey(ctx);
    if (!key) return;
    const c = inspectPath(ctx, key);
    if (!c || c.exists) return;
    const parentAbs = path.dirname(c.abs);
    const base = path.basename(c.abs);
    const fixes: Fix[] = [];
    const parent = parentWritten(c.written);
    for (const [i, rel] of checkpointRootsIn(ctx, parentAbs, base, 2).entries()) {
      const written = parent ? childWritten(parent, rel) : c.written.startsWith('./') ? `./${rel}` : rel;
      fixes.push(ctx.setValueFix(key, yamlPath(written), `Use the checkpoint \`${written}\``, i === 0));
    }
    const hub = looksLikeHubId(c.written)
      ? ` \`${key}\` is always read from the local disk; a hub model id is not downloaded (use \`model\` for that).`
      : '';
    const stage = stageText('args', ctx.version);
    yield {
      key,
      range: ctx.valueRange(key),
      message:
        `\`${key}\` points at \`${c.written}\`, which does not exist (resolved to ${c.abs}).${hub} ` +
        `ms-swift checks this path first and ${stage}. Point it at the folder written by \`${ctx.version === '3.4.1' ? 'swift export --to_mcore' : 'megatron export --to_mcore'}\` or by an earlier training run.`,
      fixes,
    };
  },
};

/** where the run will find a checkpoint root near a folder that is not one: its parent or the folders inside it */
function rootSuggestions(ctx: RuleContext, c: CheckpointDir): Array<{ written: string; why: string }> {
  const files = ctx.files!;
  const out: Array<{ written: string; why: string }> = [];
  const base = path.basename(c.abs);
  const parent = parentWritten(c.written);
  if (/^(?:iter_\d+|release)$/.test(base) && parent && files.exists(path.join(path.dirname(c.abs), TRACKER))) {
    const root = inspectAbs(ctx, 'load', parent, path.dirname(c.abs));
    if (root && loadsCleanly(ctx, root)) out.push({ written: parent, why: 'the checkpoint root above this iteration folder' });
  }
  if (c.isDir) {
    for (const rel of checkpointRootsIn(ctx, c.abs, '', 2)) out.push({ written: childWritten(c.written, rel), why: 'a checkpoint root inside it' });
  }
  return out.slice(0, 3);
}

function isHfModelFolder(ctx: RuleContext, c: CheckpointDir): boolean {
  if (!c.isDir) return false;
  const names = ctx.files!.list(c.abs);
  return names.includes('config.json') && names.some((n) => /\.(safetensors|bin)$/.test(n) || n.endsWith('.safetensors.index.json'));
}

export const v3LoadDirMissingTracker: Rule = {
  id: 'v3-load-dir-missing-tracker',
  title: '`load` does not point at a Megatron checkpoint root',
  area: 'checkpoint',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'checkpoint-load' },
  commands: ['megatron sft', 'megatron pt'],
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/checkpointing.py:899-903',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/checkpointing.py:925-933',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:82',
  ],
  *check(ctx): Iterable<Finding> {
    const c = inspectPath(ctx, 'load');
    if (!c || !c.exists || c.hasTracker) return;
    const exitOnMissing = ctx.bool('exit_on_missing_checkpoint');
    if (exitOnMissing === undefined) return;
    const suggestions = rootSuggestions(ctx, c);
    const fixes: Fix[] = suggestions.map((s, i) => ctx.setValueFix('load', yamlPath(s.written), `Load \`${s.written}\` (${s.why})`, i === 0));
    let what: string;
    if (!c.isDir) what = `\`${c.written}\` is a file, not a checkpoint folder`;
    else if (/^(?:iter_\d+|release)$/.test(path.basename(c.abs)) && ctx.files!.exists(path.join(path.dirname(c.abs), TRACKER))) what = `\`${c.written}\` is an iteration folder inside a checkpoint, not the checkpoint root`;
    else if (isHfModelFolder(ctx, c))
      what =
        `\`${c.written}\` looks like a Hugging Face model folder; 3.4.1 trains only from Megatron checkpoints, so convert it first ` +
        `(\`swift export --model ${c.written} --to_mcore true --output_dir ${path.basename(c.abs)}-mcore\`) and load the result`;
    else if (ctx.files!.list(c.abs).length === 0) what = `\`${c.written}\` is an empty folder`;
    else what = `\`${c.written}\` has no \`${TRACKER}\``;
    if (exitOnMissing) {
      yield {
        key: 'load',
        range: ctx.valueRange('load'),
        message:
          `${what}. Megatron looks for \`${TRACKER}\` in the \`load\` folder; without it it prints a warning and exits with status 0 ` +
          `(the launcher reports success) after tokenization, Megatron init and model build: nothing is trained.`,
        fixes,
      };
    } else {
      yield {
        key: 'load',
        range: ctx.valueRange('load'),
        severity: 'warning',
        message:
          `${what}. Megatron finds no \`${TRACKER}\` there and, with \`exit_on_missing_checkpoint: false\`, silently trains ` +
          `from uninitialized weights instead of loading anything.`,
        fixes,
      };
    }
  },
};

/** ms-swift's get_model_name: the last path segment, with ModelScope's "___" turned back into "." */
function modelName(model: string): string {
  const m = /\/models--(?:.+?--)?(.+?)\/snapshots\//.exec(model) ?? /\/models\/(?:.+?--)?(.+?)\/snapshots\//.exec(model);
  if (m) return m[1]!;
  return model.replace(/\/+$/, '').split('/').pop()!.replace(/___/g, '.');
}

/** the output folder export uses when output_dir is not given, written as ms-swift builds it */
function defaultOutput(ctx: RuleContext, suffix: string): { written: string; abs: string; from: string } | undefined {
  const files = ctx.files!;
  const adapters = (ctx.list('adapters') ?? []).filter((a): a is string => typeof a === 'string');
  const mcoreAdapter = ctx.spec('mcore_adapter') ? ctx.str('mcore_adapter') : undefined;
  const model = ctx.str('model');
  const mcoreModel = ctx.str('mcore_model');
  const candidates = [...(adapters.length ? adapters : mcoreAdapter ? [mcoreAdapter] : []), ...(model ?? mcoreModel ? [(model ?? mcoreModel)!] : [])];
  for (const cand of candidates) {
    const abs = ctx.resolvePath(cand);
    if (!abs) return undefined;
    if (files.exists(path.join(abs, 'args.json'))) {
      const name = path.basename(abs);
      const parent = parentWritten(cand);
      const written = parent ? childWritten(parent, `${name}-${suffix}`) : `${name}-${suffix}`;
      return { written, abs: path.join(path.dirname(abs), `${name}-${suffix}`), from: `next to \`${cand}\`` };
    }
  }
  if (!model) return undefined;
  const written = `./${modelName(model)}-${suffix}`;
  const abs = ctx.resolvePath(written);
  return abs ? { written, abs, from: `from the model name \`${model}\`` } : undefined;
}

export const exportOutputDirExists: Rule = {
  id: 'export-output-dir-exists',
  title: 'megatron export refuses an existing output_dir',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: ['megatron export', 'swift export'],
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/export_args.py:26-38'],
  *check(ctx): Iterable<Finding> {
    if (!ctx.files) return;
    const toMcore = ctx.bool('to_mcore');
    const toHf = ctx.bool('to_hf');
    if (!toMcore && !toHf) return;
    if (ctx.bool('exist_ok') !== false) return;
    let target: { written: string; abs: string; from?: string } | undefined;
    if (ctx.str('output_dir')) {
      const c = inspectPath(ctx, 'output_dir');
      if (c) target = { written: c.written, abs: c.abs };
    } else {
      // swift export picks other suffixes first for these tasks; only the plain conversion is modelled here
      if (ctx.command === 'swift export' && ['to_peft_format', 'quant_method', 'to_ollama', 'merge_lora'].some((k) => ctx.isSet(k) && !!ctx.value(k))) return;
      target = defaultOutput(ctx, toMcore ? 'mcore' : 'hf');
    }
    if (!target || !ctx.files.exists(target.abs)) return;
    const key = ctx.isSet('output_dir') ? 'output_dir' : toMcore ? 'to_mcore' : 'to_hf';
    // a free name next to it
    const fixes: Fix[] = [];
    for (let i = 2; i < 100; i++) {
      const abs = `${target.abs}-${i}`;
      if (ctx.files.exists(abs)) continue;
      const written = `${target.written.replace(/[\\/]+$/, '')}-${i}`;
      fixes.push(ctx.setValueFix('output_dir', yamlPath(written), `Write to the new folder \`${written}\``, true));
      break;
    }
    fixes.push(ctx.setValueFix('exist_ok', 'true', 'Set `exist_ok: true` (write into the existing folder)'));
    const what = ctx.isSet('output_dir') ? `\`output_dir\` \`${target.written}\`` : `The default output folder \`${target.written}\` (${target.from})`;
    yield {
      key,
      range: key === 'output_dir' ? ctx.valueRange(key) : undefined,
      message:
        `${what} already exists (${target.abs}). \`${ctx.command}\` refuses to write into an existing folder unless ` +
        `\`exist_ok: true\`, and ${stageText('args', ctx.version)}.`,
      fixes,
    };
  },
};
