// fp16 / bf16: how ms-swift picks them from torch_dtype, the conflict between them, and what each one switches on.
import { stageText } from '../shared/stages';
import { Finding, Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { fp16Reason, mixedPrecision, MixedPrecision, precisionKey, removeKeyEdit, setValuesFix } from './common';

/** 3.4.1 asserts bf16 for moe_grouped_gemm: a fix that moves to fp16 must not be offered then */
function fp16BreaksGroupedGemm(ctx: RuleContext): boolean {
  return ctx.version === '3.4.1' && ctx.bool('moe_grouped_gemm') === true;
}

const EXCLUSIVE_STAGE = { '3.4.1': 'megatron-init', '4.5.2': 'model-build' } as const;

export const fp16Bf16Exclusive: Rule = {
  id: 'fp16-bf16-exclusive',
  title: 'fp16 and bf16 both enabled',
  area: 'precision',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: EXCLUSIVE_STAGE,
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/model_args.py:111-123',
    'modelscope/ms-swift@v4.5.2:swift/arguments/base_args/model_args.py:130-142',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:582-594',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:550-553',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1186-1189',
  ],
  *check(ctx) {
    const p = mixedPrecision(ctx);
    if (!(p.fp16 && p.bf16)) return;
    const stage = stageText(EXCLUSIVE_STAGE[ctx.version], ctx.version);
    const keepFp16 = !fp16BreaksGroupedGemm(ctx);
    if (p.fp16Explicit && p.bf16Explicit) {
      // both written: keep the one that matches the model dtype (bf16 when unknown)
      const preferBf16 = p.dtype ? p.dtype.dtype === 'bfloat16' : true;
      const fixes: Fix[] = [ctx.setValueFix('fp16', 'false', 'Train in bf16: set `fp16: false`', preferBf16 || !keepFp16)];
      if (keepFp16) fixes.push(ctx.setValueFix('bf16', 'false', 'Train in fp16: set `bf16: false`', !preferBf16));
      yield {
        message: `\`fp16\` and \`bf16\` are both true; Megatron accepts only one of them; the run ${stage}. Turn one off.`,
        key: preferBf16 ? 'fp16' : 'bf16',
        fixes,
      };
      return;
    }
    if (p.fp16Explicit) {
      // fp16: true written, bf16 filled in from a bfloat16 dtype
      const fixes: Fix[] = [];
      if (keepFp16) fixes.push(setValuesFix(ctx, 'Train in fp16: add `bf16: false`', [['bf16', 'false']], true));
      const rm = removeKeyEdit(ctx, 'fp16', 'false');
      if (rm) fixes.push({ title: 'Train in bf16: remove `fp16: true`', edits: [rm], preferred: !keepFp16 });
      yield {
        message: `\`fp16: true\` is set, and ms-swift also turns bf16 on because of ${p.dtype!.where}; Megatron accepts only one of them; the run ${stage}. Add \`bf16: false\` to train in fp16, or drop \`fp16: true\` to train in bf16.`,
        key: 'fp16',
        fixes,
      };
      return;
    }
    // bf16: true written, fp16 filled in from a float16/float32 dtype
    const rm = removeKeyEdit(ctx, 'bf16', 'false');
    const fixes: Fix[] = [setValuesFix(ctx, 'Train in bf16: add `fp16: false`', [['fp16', 'false']], true)];
    if (rm && keepFp16) fixes.push({ title: 'Train in fp16: remove `bf16: true`', edits: [rm] });
    yield {
      message: `\`bf16: true\` is set, and ms-swift also turns fp16 on because of ${p.dtype!.where}; Megatron accepts only one of them; the run ${stage}. Add \`fp16: false\` to train in bf16.`,
      key: 'bf16',
      fixes,
    };
  },
};

export const torchDtypeFloat32SelectsFp16: Rule = {
  id: 'torch-dtype-float32-selects-fp16',
  title: 'torch_dtype float32 trains in fp16',
  area: 'precision',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/model_args.py:114-115',
    'modelscope/ms-swift@v4.5.2:swift/arguments/base_args/model_args.py:133-134',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1111-1112',
  ],
  *check(ctx) {
    const p = mixedPrecision(ctx);
    if (p.dtype?.dtype !== 'float32' || p.fp16Explicit || p.bf16 === true) return;
    const fixes: Fix[] = [];
    if (ctx.version !== '3.4.1' && p.dtype.fromArg && !p.bf16Explicit) {
      fixes.push(ctx.setValueFix('torch_dtype', 'bfloat16', 'Train in bf16: set `torch_dtype: bfloat16`', true));
    } else {
      fixes.push(setValuesFix(ctx, 'Train in bf16: set `bf16: true` and `fp16: false`', [['bf16', 'true'], ['fp16', 'false']], true));
    }
    fixes.push(setValuesFix(ctx, 'Keep fp16: set `fp16: true`', [['fp16', 'true']]));
    const after = ctx.version === '4.5.2' ? ' and changes torch_dtype to float16' : '';
    const finding: Finding = {
      message: `With ${p.dtype.where} and neither \`fp16\` nor \`bf16\` set, ms-swift trains in fp16 mixed precision (dynamic loss scaling, query-key layer scaling)${after}; there is no pure fp32 default. Set \`bf16: true\` with \`fp16: false\` for bf16, or \`fp16: true\` to keep fp16 knowingly.`,
      fixes,
    };
    if (p.dtype.key) finding.key = p.dtype.key;
    yield finding;
  },
};

/** fp16 is the precision of the run (and bf16 is not also on: fp16-bf16-exclusive reports that) */
function trainsInFp16(p: MixedPrecision): boolean {
  return p.fp16 === true && p.bf16 === false;
}

export const fp16DynamicLossScale: Rule = {
  id: 'fp16-dynamic-loss-scale',
  title: 'fp16 uses dynamic loss scaling and skips NaN checks',
  area: 'precision',
  severity: { '3.4.1': 'info' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:582-591', 'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:252'],
  *check(ctx) {
    const p = mixedPrecision(ctx);
    if (!trainsInFp16(p)) return;
    const finding: Finding = {
      message: `Training in fp16 because of ${fp16Reason(p)}: Megatron uses dynamic loss scaling (ms-swift 3.4.1 cannot pass a fixed loss scale) and therefore switches off its NaN check of the loss and gradients.`,
    };
    const key = precisionKey(p, 'fp16');
    if (key) finding.key = key;
    yield finding;
  },
};

export const fp16EnablesQkLayerScaling: Rule = {
  id: 'fp16-enables-qk-layer-scaling',
  title: 'fp16 turns on query-key layer scaling',
  area: 'precision',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:196-199',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:763-766',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:617-618',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1323-1324',
  ],
  *check(ctx) {
    const p = mixedPrecision(ctx);
    if (!trainsInFp16(p)) return;
    if (typeof ctx.value('apply_query_key_layer_scaling') === 'boolean') return;
    const softmax = ctx.isSet('attention_softmax_in_fp32') && ctx.bool('attention_softmax_in_fp32') === false ? ' (overriding your `attention_softmax_in_fp32: false`)' : '';
    const finding: Finding = {
      message: `Training in fp16 because of ${fp16Reason(p)}: ms-swift turns \`apply_query_key_layer_scaling\` on, exports NVTE_APPLY_QK_LAYER_SCALING=1, and Megatron computes the attention softmax in fp32${softmax}. Set \`apply_query_key_layer_scaling\` to choose yourself.`,
      fixes: [
        setValuesFix(ctx, 'Keep it: set `apply_query_key_layer_scaling: true`', [['apply_query_key_layer_scaling', 'true']], true),
        setValuesFix(ctx, 'Turn it off: set `apply_query_key_layer_scaling: false`', [['apply_query_key_layer_scaling', 'false']]),
      ],
    };
    // the key to set is apply_query_key_layer_scaling; point at what turns fp16 on
    finding.key = 'apply_query_key_layer_scaling';
    finding.range = ctx.isSet('apply_query_key_layer_scaling') ? ctx.keyRange('apply_query_key_layer_scaling') : ctx.keyRange(precisionKey(p, 'fp16') ?? 'fp16');
    yield finding;
  },
};

export const bf16Fp32GradReduce: Rule = {
  id: 'bf16-fp32-grad-reduce',
  title: 'bf16 accumulates and reduces gradients in fp32',
  area: 'precision',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:597-607', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1113-1116'],
  *check(ctx) {
    const p = mixedPrecision(ctx);
    if (!(p.bf16 === true && p.fp16 === false)) return;
    const from = p.bf16Explicit ? '`bf16: true`' : p.dtype!.where;
    if (ctx.version === '3.4.1') {
      yield {
        message: `Training in bf16 because of ${from}: Megatron accumulates and all-reduces gradients in fp32 (more memory and traffic than bf16 gradients; ms-swift 3.4.1 has no option to change it).`,
        // a notice about what always happens, not about anything written wrong: a hint, not a squiggle
        severity: 'hint',
        key: 'bf16',
        range: ctx.keyRange(precisionKey(p, 'bf16') ?? 'bf16'),
      };
      return;
    }
    if (ctx.str('main_grads_dtype') !== 'fp32') return;
    const acc = ctx.bool('accumulate_allreduce_grads_in_fp32');
    if (ctx.isSet('accumulate_allreduce_grads_in_fp32') && acc === true) return; // already what happens
    const overridden = ctx.isSet('accumulate_allreduce_grads_in_fp32') && acc === false;
    const finding: Finding = {
      message: overridden
        ? `\`accumulate_allreduce_grads_in_fp32: false\` is ignored: with bf16 (because of ${from}) and \`main_grads_dtype\` fp32, ms-swift sets it to true and gradients are accumulated and all-reduced in fp32.`
        : `Training in bf16 because of ${from}, with \`main_grads_dtype\` fp32: ms-swift turns \`accumulate_allreduce_grads_in_fp32\` on, so gradients are accumulated and all-reduced in fp32.`,
      fixes: [ctx.setValueFix('accumulate_allreduce_grads_in_fp32', 'true', 'Make it explicit: set `accumulate_allreduce_grads_in_fp32: true`', true)],
    };
    // the key to set is accumulate_allreduce_grads_in_fp32; point at it when written, else at what turns bf16 on
    finding.key = 'accumulate_allreduce_grads_in_fp32';
    // only an ignored setting is worth an information; the default behaviour is a hint
    if (!overridden) finding.severity = 'hint';
    finding.range = overridden ? ctx.keyRange('accumulate_allreduce_grads_in_fp32') : ctx.keyRange(precisionKey(p, 'bf16') ?? 'bf16');
    yield finding;
  },
};

export const groupedGemmRequiresBf16Ampere: Rule = {
  id: 'grouped-gemm-requires-bf16-ampere',
  title: 'moe_grouped_gemm needs bf16 (and an Ampere+ GPU)',
  area: 'precision',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:722-725', 'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1378-1380'],
  *check(ctx) {
    if (ctx.bool('moe_grouped_gemm') !== true) return;
    const p = mixedPrecision(ctx);
    if (p.bf16 !== false) return;
    const why = p.bf16Explicit ? '`bf16: false`' : p.fp16 ? `fp16 from ${p.dtype!.where}` : `${p.dtype!.where}`;
    const stage = stageText('megatron-init', ctx.version);
    yield {
      message: `\`moe_grouped_gemm: true\` needs bf16, but this run does not train in bf16 (${why}); the run ${stage}. Train in bf16 or turn grouped GEMM off.`,
      key: 'moe_grouped_gemm',
      fixes: [
        setValuesFix(ctx, 'Train in bf16: set `bf16: true` and `fp16: false`', [['bf16', 'true'], ['fp16', 'false']], true),
        ctx.setValueFix('moe_grouped_gemm', 'false', 'Set `moe_grouped_gemm: false`'),
      ],
    };
  },
};
