// Resuming from a Megatron checkpoint (finetune: false) in ms-swift 4.5.2, and the load options that only matter when
// a checkpoint is loaded.
import * as path from 'path';
import { RuleContext } from '../context';
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule, TextEdit } from '../types';
import { parallelSizes } from '../shared/parallel';
import { stageText } from '../shared/stages';
import { CheckpointDir, TRACKER, describe, effectiveTunerType, hasOptimizerState, hasRngState, inspectPath, optimizerEvidence, removeFix, resumeKey } from './files';

/** the checkpoint a 4.5.2 run resumes from (finetune false), inspected on disk */
function resumeTarget(ctx: RuleContext): CheckpointDir | undefined {
  const key = resumeKey(ctx);
  if (!key) return undefined;
  const c = inspectPath(ctx, key);
  return c && c.isDir ? c : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** the (TP, PP) the checkpoint was saved with, from its args.json */
function savedTpPp(c: CheckpointDir): { tp: number; pp: number } | undefined {
  const tp = num(c.args?.tensor_model_parallel_size);
  const pp = num(c.args?.pipeline_model_parallel_size);
  return tp !== undefined && pp !== undefined ? { tp, pp } : undefined;
}

/** the checkpoint's optimizer state can be loaded under another (TP, PP) */
function fullyReshardable(c: CheckpointDir): boolean {
  const a = c.args ?? {};
  return a.dist_ckpt_optim_fully_reshardable === true || a.dist_ckpt_save_pre_mcore_014 === true || a.use_megatron_fsdp === true;
}

/**
 * Loading this checkpoint with the config's finetune / no_load_* settings would not fail on missing optimizer or RNG
 * state or a TP/PP change (the checks of the resume rules of both versions). Used to vet suggested checkpoints.
 */
export function loadsCleanly(ctx: RuleContext, c: CheckpointDir): boolean {
  if (ctx.bool('finetune') !== false) return true;
  if (ctx.version === '3.4.1') {
    if (hasOptimizerState(c) === false && ctx.bool('no_load_optim') === false) return false;
    if (hasRngState(c) === false && ctx.bool('no_load_rng') === false) return false;
    return true;
  }
  return resumeProblem(ctx, c) === undefined;
}

/** why resuming (finetune: false) from the checkpoint would fail, per the two resume rules; undefined when it would not */
function resumeProblem(ctx: RuleContext, c: CheckpointDir): 'optimizer' | 'tp-pp' | undefined {
  if (ctx.bool('no_load_optim') !== false) return undefined;
  const optim = hasOptimizerState(c);
  if (optim === false) return 'optimizer';
  if (ctx.bool('use_distributed_optimizer') !== true) return undefined;
  const saved = savedTpPp(c);
  if (!saved || fullyReshardable(c)) return undefined;
  const { tp, pp } = parallelSizes(ctx);
  return saved.tp !== tp || saved.pp !== pp ? 'tp-pp' : undefined;
}

export const resumeNeedsOptimizerState: Rule = {
  id: 'resume-needs-optimizer-state',
  title: 'Resuming from a checkpoint that has no optimizer state',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'checkpoint-load' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:398-405',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:430-442',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:482-486',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/export_args.py:59-66',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('finetune') !== false || ctx.bool('no_load_optim') !== false) return;
    const c = resumeTarget(ctx);
    if (!c || hasOptimizerState(c) !== false) return;
    const lora = c.key === 'mcore_adapter' ? ' (with LoRA only the adapter checkpoint is resumed; the base model is always loaded as weights)' : '';
    yield {
      key: ctx.isSet('finetune') ? 'finetune' : c.key,
      message:
        `\`finetune: false\` resumes from ${describe(c)} and restores its optimizer state${lora}, but the checkpoint has none: ` +
        `${optimizerEvidence(c)}. Loading raises a KeyError for the optimizer state; this ${stageText('checkpoint-load', ctx.version)}, ` +
        `after the model is built and the optimizer is created.`,
      fixes: [
        ctx.setValueFix('finetune', 'true', 'Set `finetune: true` (load the weights, start a new run at step 0)', true),
        ctx.setValueFix('no_load_optim', 'true', 'Set `no_load_optim: true` (resume the step counter with a fresh optimizer)'),
      ],
    };
  },
};

export const resumeTpPpChangeWithDistributedOptimizer: Rule = {
  id: 'resume-tp-pp-change-with-distributed-optimizer',
  title: 'Resume with different TP/PP under the distributed optimizer',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'checkpoint-load' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:412-440',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:217-238',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('finetune') !== false) return;
    const c = resumeTarget(ctx);
    if (!c || resumeProblem(ctx, c) !== 'tp-pp') return;
    const saved = savedTpPp(c)!;
    const sizes = parallelSizes(ctx);
    const fixes: Fix[] = [];
    const back = restoreTpPpEdits(ctx, saved);
    if (back) fixes.push({ title: `Use the checkpoint's TP ${saved.tp} / PP ${saved.pp}`, edits: back, preferred: true });
    fixes.push(ctx.setValueFix('no_load_optim', 'true', 'Set `no_load_optim: true` (resume with a fresh optimizer)', !back));
    fixes.push(ctx.setValueFix('finetune', 'true', 'Set `finetune: true` (load the weights only, start at step 0)'));
    const changed = saved.tp !== sizes.tp ? 'tensor_model_parallel_size' : 'pipeline_model_parallel_size';
    yield {
      key: ctx.isSet(changed) ? changed : ctx.isSet('finetune') ? 'finetune' : c.key,
      message:
        `${describe(c)} was saved with TP ${saved.tp} / PP ${saved.pp} (its args.json) and this run uses TP ${sizes.tp} / PP ${sizes.pp}. ` +
        `Resuming (\`finetune: false\`) restores the distributed optimizer state, which cannot be resharded to another TP/PP ` +
        `unless the checkpoint was saved with \`dist_ckpt_optim_fully_reshardable: true\`: loading raises "(TP, PP) mismatch" and ` +
        `${stageText('checkpoint-load', ctx.version)}.`,
      fixes,
    };
  },
};

/** edits that put TP/PP back to the checkpoint's values, when that layout is valid for this run; else undefined */
function restoreTpPpEdits(ctx: RuleContext, saved: { tp: number; pp: number }): TextEdit[] | undefined {
  const s = parallelSizes(ctx);
  if (s.world !== undefined) {
    const denom = saved.tp * saved.pp * s.cp;
    if (s.world % denom !== 0) return undefined;
    const dp = s.world / denom;
    const etp = ctx.version === '3.4.1' ? saved.tp : s.etp;
    if (s.world % (etp * s.ep * saved.pp) !== 0) return undefined;
    const gbs = ctx.int('global_batch_size');
    const mbs = ctx.int('micro_batch_size');
    if (gbs !== undefined && mbs !== undefined && gbs % (mbs * dp) !== 0) return undefined;
  }
  // settings that only make sense with the current pipeline layout
  if (saved.pp === 1 && s.pp > 1 && ['decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers', 'virtual_pipeline_model_parallel_size'].some((k) => ctx.isSet(k))) {
    return undefined;
  }
  const pairs: Array<[string, string]> = [];
  if (saved.tp !== s.tp) pairs.push(['tensor_model_parallel_size', String(saved.tp)]);
  if (saved.pp !== s.pp) pairs.push(['pipeline_model_parallel_size', String(saved.pp)]);
  return ctx.setValuesEdits(pairs);
}

/** signs that the checkpoint is a training checkpoint one would resume: checkpoint-N folders, or a step > 1 */
function looksResumable(c: CheckpointDir | undefined, written: string): boolean {
  if (/(^|[\\/])checkpoint-\d+[\\/]*$/.test(written)) return true;
  if (!c) return false;
  return typeof c.iteration === 'number' && c.iteration > 1 && hasOptimizerState(c) !== false;
}

export const finetuneDefaultAndResume: Rule = {
  id: 'finetune-default-and-resume',
  title: '4.5.2 finetune defaults to true: mcore_model alone does not resume',
  area: 'checkpoint',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:570',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:469-472',
    'modelscope/ms-swift@v4.5.2:swift/megatron/trainers/base.py:110-120',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:78',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.isSet('finetune') || ctx.bool('finetune') !== true) return;
    const key = resumeKey(ctx);
    if (!key) return;
    const written = ctx.str(key)!;
    const c = inspectPath(ctx, key);
    const flags = ['no_load_optim', 'no_load_rng'].filter((k) => ctx.isSet(k));
    // a converted (weights-only) checkpoint is meant to be fine-tuned from; only speak up when resuming is plausible
    if (c && hasOptimizerState(c) === false && flags.length === 0) return;
    if (flags.length === 0 && !looksResumable(c, written)) return;
    const fixes: Fix[] = [];
    const resumeOk = !c || !c.isDir || resumeProblem(ctx, c) === undefined;
    if (resumeOk) fixes.push(ctx.setValueFix('finetune', 'false', 'Set `finetune: false` (resume the run)', true));
    fixes.push(ctx.setValueFix('finetune', 'true', 'Set `finetune: true` (start a new run from these weights)', !resumeOk));
    const hint = flags.length ? ` (${flags.map((k) => `\`${k}\``).join(' and ')} only ${flags.length > 1 ? 'matter' : 'matters'} with \`finetune: false\`)` : '';
    yield {
      key: flags[0] ?? key,
      message:
        `\`finetune\` is not set, so it is true in 4.5.2 (unlike 3.4.1): only the weights of \`${written}\` are loaded, the step ` +
        `counter restarts at 0, optimizer and RNG state are not restored and no data is skipped${hint}. Set \`finetune: false\` ` +
        `to resume the run.`,
      fixes,
    };
  },
};

export const loadFlagsWithoutCheckpoint: Rule = {
  id: 'load-flags-without-checkpoint',
  title: 'Load options without a checkpoint to load',
  area: 'checkpoint',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'silent', '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/training.py:1159', 'modelscope/ms-swift@v4.5.2:swift/megatron/trainers/base.py:110-120'],
  *check(ctx): Iterable<Finding> {
    const loaders = ctx.version === '3.4.1' ? ['load'] : ['mcore_model', 'mcore_adapter'];
    if (loaders.some((k) => ctx.spec(k) && ctx.str(k))) return;
    const none = ctx.version === '3.4.1' ? '`load` is not set' : 'neither `mcore_model` nor `mcore_adapter` is set';
    for (const key of ['finetune', 'no_load_optim', 'no_load_rng']) {
      if (!ctx.isSet(key)) continue;
      const v = ctx.bool(key);
      if (v === undefined) continue;
      // 4.5.2: finetune: false also resumes the step counter from a `model`/`adapters` folder that has a tracker file
      if (ctx.version !== '3.4.1' && key === 'finetune' && v === false && !v4IterationSourceKnownEmpty(ctx)) continue;
      const fix = removeFix(ctx, key, `Remove \`${key}\``, true);
      yield {
        key,
        message:
          `\`${key}\` has no effect: it only applies when a Megatron checkpoint is loaded, and ${none}` +
          (key === 'finetune' && v === true && ctx.version !== '3.4.1' ? ' (true is also the 4.5.2 default).' : '.'),
        tags: ['unnecessary'],
        fixes: fix ? [fix] : [],
      };
    }
  },
};

/** 4.5.2 with finetune false reads the step from <model or adapters[0]>/latest_checkpointed_iteration.txt: known absent? */
function v4IterationSourceKnownEmpty(ctx: RuleContext): boolean {
  const tuner = effectiveTunerType(ctx);
  const adapters = (ctx.list('adapters') ?? []).filter((a): a is string => typeof a === 'string');
  const dir = tuner !== 'full' && adapters.length ? adapters[0] : ctx.str('model');
  if (!dir) return true;
  const abs = ctx.resolvePath(dir);
  if (!ctx.files || !abs) return false;
  return !ctx.files.exists(path.join(abs, TRACKER));
}
