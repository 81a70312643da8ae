// Checkpoint and tuner options ms-swift checks while parsing arguments: zarr checkpoints (3.4.1), save_total_limit,
// freeze_parameters_ratio with pipeline parallelism, and apply_wd_to_qk_layernorm outside Qwen3-Next/Qwen3.5.
import { RuleContext } from '../context';
import { Finding, Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { parallelSizes } from '../shared/parallel';
import { stageText } from '../shared/stages';
import { removeFix } from './files';
import { shortOrigin } from '../data/multimodal';

export const ckptFormatZarrDeprecated: Rule = {
  id: 'ckpt-format-zarr-deprecated',
  title: 'ckpt_format zarr is deprecated',
  area: 'checkpoint',
  severity: { '3.4.1': 'info' },
  stage: { '3.4.1': 'runtime' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:79',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/dist_checkpointing/strategies/zarr.py:66-72',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('ckpt_format') !== 'zarr') return;
    yield {
      key: 'ckpt_format',
      range: ctx.valueRange('ckpt_format'),
      message:
        '`ckpt_format: zarr` is deprecated in Megatron-LM: every save prints a deprecation warning and needs the `zarr` package ' +
        '(saving fails later, during training, when it is missing). `torch_dist` (the default) is the supported distributed format.',
      tags: ['deprecated'],
      fixes: [ctx.setValueFix('ckpt_format', 'torch_dist', 'Use `ckpt_format: torch_dist`', true)],
    };
  },
};

export const saveTotalLimitConstraints: Rule = {
  id: 'save-total-limit-constraints',
  title: 'save_total_limit must be >= 2 and not combined with async_save',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:858-862'],
  *check(ctx): Iterable<Finding> {
    const limit = ctx.int('save_total_limit');
    if (limit === undefined) return;
    const stage = stageText('args', ctx.version);
    if (ctx.bool('async_save') === true) {
      const fixes: Fix[] = [ctx.setValueFix('async_save', 'false', 'Set `async_save: false`', true)];
      const rm = removeFix(ctx, 'save_total_limit', 'Remove `save_total_limit` (keep every checkpoint)');
      if (rm) fixes.push(rm);
      yield {
        key: ctx.isSet('async_save') ? 'async_save' : 'save_total_limit',
        message: `\`save_total_limit\` (${limit}) cannot be combined with \`async_save: true\`: ms-swift raises a ValueError and ${stage}.`,
        fixes,
      };
    }
    if (limit < 2) {
      const fixes: Fix[] = [ctx.setValueFix('save_total_limit', '2', 'Set `save_total_limit: 2`', true)];
      const rm = removeFix(ctx, 'save_total_limit', 'Remove `save_total_limit` (keep every checkpoint)');
      if (rm) fixes.push(rm);
      yield {
        key: 'save_total_limit',
        range: ctx.valueRange('save_total_limit'),
        message:
          `\`save_total_limit: ${limit}\` is below 2: ms-swift needs room for the latest and the best checkpoint, raises a ValueError ` +
          `and ${stage}. Use 2 or more, or leave it unset to keep every checkpoint.`,
        fixes,
      };
    }
  },
};

export const freezeParametersRatioWithPp: Rule = {
  id: 'freeze-parameters-ratio-with-pp',
  title: 'freeze_parameters_ratio with pipeline parallelism',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:473-474'],
  *check(ctx): Iterable<Finding> {
    const ratio = ctx.num('freeze_parameters_ratio');
    if (ratio === undefined || !(ratio > 0 && ratio < 1)) return;
    const s = parallelSizes(ctx);
    if (s.pp <= 1) return;
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'freeze_parameters_ratio', 'Remove `freeze_parameters_ratio` (use `freeze_parameters` to freeze by name)', true);
    if (rm) fixes.push(rm);
    if (ppOneIsValid(ctx)) fixes.push(ctx.setValueFix('pipeline_model_parallel_size', '1', 'Set `pipeline_model_parallel_size: 1`', !rm));
    yield {
      key: 'freeze_parameters_ratio',
      related: ctx.entry('pipeline_model_parallel_size')
        ? [{ range: ctx.keyRange('pipeline_model_parallel_size'), message: `pipeline parallel size ${s.pp}` }]
        : undefined,
      message:
        `\`freeze_parameters_ratio: ${ratio}\` freezes the first part of the model by parameter order, which ms-swift does not support ` +
        `with pipeline parallelism (\`pipeline_model_parallel_size\` is ${s.pp}): it raises a ValueError and ${stageText('args', ctx.version)}.`,
      fixes,
    };
  },
};

/** PP 1 keeps the run valid: no pipeline-only settings, and the batch still splits over the larger data-parallel size */
function ppOneIsValid(ctx: RuleContext): boolean {
  if (['decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers', 'virtual_pipeline_model_parallel_size'].some((k) => ctx.isSet(k))) return false;
  const s = parallelSizes(ctx);
  if (s.world === undefined) return true;
  const denom = s.tp * s.cp;
  if (s.world % denom !== 0) return false;
  const dp = s.world / denom;
  const gbs = ctx.int('global_batch_size');
  const mbs = ctx.int('micro_batch_size');
  return gbs === undefined || mbs === undefined || gbs % (mbs * dp) === 0;
}

const QK_WD_TYPES = new Set(['qwen3_next', 'qwen3_5', 'qwen3_5_moe']);
/** config.json architectures of those model types (their HF model_type may differ from ms-swift's) */
const QK_WD_ARCHS = new Set(['Qwen3NextForCausalLM', 'Qwen3_5ForConditionalGeneration', 'Qwen3_5MoeForConditionalGeneration']);

export const applyWdToQkLayernormModelType: Rule = {
  id: 'apply-wd-to-qk-layernorm-model-type',
  title: 'apply_wd_to_qk_layernorm only for Qwen3-Next/Qwen3.5',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:831-832'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('apply_wd_to_qk_layernorm') !== true) return;
    let type: string | undefined;
    let from: string;
    const explicit = ctx.spec('model_type') ? ctx.str('model_type') : undefined;
    if (explicit) {
      type = explicit;
      from = '`model_type`';
      if (QK_WD_TYPES.has(type)) return;
    } else {
      const f = ctx.model();
      if (!f) return;
      const archs = f.raw?.architectures;
      const arch = Array.isArray(archs) && typeof archs[0] === 'string' ? (archs[0] as string) : undefined;
      if (arch && QK_WD_ARCHS.has(arch)) return;
      type = f.modelType;
      if (!type || /^qwen3_(next|5)/.test(type)) return;
      from = shortOrigin(f.origin);
    }
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'apply_wd_to_qk_layernorm', 'Remove `apply_wd_to_qk_layernorm`', true);
    fixes.push(rm ?? ctx.setValueFix('apply_wd_to_qk_layernorm', 'false', 'Set `apply_wd_to_qk_layernorm: false`', true));
    yield {
      key: 'apply_wd_to_qk_layernorm',
      message:
        `\`apply_wd_to_qk_layernorm\` is only supported for the qwen3_next, qwen3_5 and qwen3_5_moe model types; the model type is ` +
        `\`${type}\` (from ${from}). ms-swift raises a ValueError and ${stageText('args', ctx.version)}.`,
      fixes,
    };
  },
};
