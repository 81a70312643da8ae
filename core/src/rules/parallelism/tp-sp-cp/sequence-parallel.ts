// Sequence parallelism: dropped at TP 1, required by tp_comm_overlap, by MoE layers under TP and (3.4.1) by
// expert parallelism together with TP.
import { parallelSizes } from '../../shared/parallel';
import { Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule } from '../../types';
import { exportForcesSp, moeKind, sequenceParallel, stageSentence, modelLabel } from './common';

const SP = 'sequence_parallel';
const TP = 'tensor_model_parallel_size';

function enableSpFix(ctx: Parameters<Rule['check']>[0]): Fix {
  return { title: `Set \`${SP}: true\``, edits: ctx.setValuesEdits([[SP, 'true']]), preferred: true };
}

export const sequenceParallelRequiresTp: Rule = {
  id: 'sequence-parallel-requires-tp',
  title: 'sequence_parallel with TP = 1 is dropped',
  area: 'parallelism',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:768-771',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:891-892',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/model_parallel_config.py:415-417',
  ],
  *check(ctx) {
    if (ctx.bool(SP) !== true || parallelSizes(ctx).tp > 1) return;
    const who =
      ctx.version === '3.4.1'
        ? 'Megatron-LM prints a warning and turns it off'
        : 'ms-swift 4.5.2 silently turns it off';
    const entry = ctx.entry(SP);
    const fixes: Fix[] = [];
    if (entry && !entry.viaMerge) fixes.push({ title: `Remove \`${SP}\``, edits: [ctx.removeEntryEdit(entry)], preferred: true });
    yield {
      message:
        `\`${SP}: true\` has no effect with \`${TP}\` 1: sequence parallelism splits activations across the tensor-parallel ranks, ` +
        `so ${who} and the run trains without it. Remove it, or raise TP above 1 if you meant to use it.`,
      key: SP,
      fixes,
    };
  },
};

export const tpCommOverlapRequiresSequenceParallel: Rule = {
  id: 'tp-comm-overlap-requires-sequence-parallel',
  title: 'tp_comm_overlap needs sequence parallelism',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:773-774', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:897-899'],
  *check(ctx) {
    if (ctx.bool('tp_comm_overlap') !== true) return;
    const tp = parallelSizes(ctx).tp;
    if (sequenceParallel(ctx, tp)) return;
    const stage = stageSentence(ctx.version === '3.4.1' ? 'megatron-init' : 'args', ctx.version);
    const off: Fix = ctx.setValueFix('tp_comm_overlap', 'false', 'Set `tp_comm_overlap: false`');
    if (tp <= 1) {
      off.preferred = true;
      yield {
        message:
          `\`tp_comm_overlap: true\` overlaps tensor-parallel communication with computation, which needs sequence parallelism; with \`${TP}\` 1 ` +
          `sequence_parallel is always turned off, so there is nothing to overlap. Set \`tp_comm_overlap: false\`, or use TP > 1 with \`${SP}: true\`. ${stage}`,
        key: 'tp_comm_overlap',
        fixes: [off],
      };
      return;
    }
    yield {
      message: `\`tp_comm_overlap: true\` needs \`${SP}: true\` (TP is ${tp}). Enable sequence parallelism or turn the overlap off. ${stage}`,
      key: 'tp_comm_overlap',
      fixes: [enableSpFix(ctx), off],
    };
  },
};

export const moeTpRequiresSequenceParallel: Rule = {
  id: 'moe-tp-requires-sequence-parallel',
  title: 'MoE model with TP > 1 must enable sequence_parallel',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'first-step', '4.5.2': 'first-step' },
  // the MoE layer raises only in training mode; `megatron export` converts in eval mode (and turns SP on itself)
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/moe/moe_layer.py:130-137',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/moe/moe_layer.py:620-624',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/core/transformer/moe/moe_layer.py:636-640',
  ],
  *check(ctx) {
    const tp = parallelSizes(ctx).tp;
    if (tp <= 1 || sequenceParallel(ctx, tp) || moeKind(ctx) !== 'moe') return;
    const facts = ctx.model();
    const what = facts ? `${modelLabel(ctx, facts)} is a mixture-of-experts model` : 'The model is a mixture-of-experts model';
    yield {
      message:
        `${what}, and its MoE layers refuse to train with tensor parallelism (TP ${tp}) unless \`${SP}: true\`. ` +
        `Enable sequence parallelism (or use TP 1). ${stageSentence('first-step', ctx.version)}`,
      key: ctx.isSet(SP) ? SP : TP,
      fixes: [enableSpFix(ctx)],
    };
  },
};

export const epTpRequiresSequenceParallel: Rule = {
  id: 'ep-tp-requires-sequence-parallel',
  title: 'EP > 1 together with TP > 1 needs sequence_parallel',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'info' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/model_parallel_config.py:382-387', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/model_parallel_config.py:455-460'],
  *check(ctx) {
    const ps = parallelSizes(ctx);
    if (ps.ep <= 1 || ps.tp <= 1 || sequenceParallel(ctx, ps.tp)) return;
    // 4.5.2 forces EP to 1 in the model config of a dense model, so megatron-core has nothing to warn about
    if (ctx.version === '4.5.2' && moeKind(ctx) === 'dense') return;
    if (exportForcesSp(ctx)) return;
    const message =
      ctx.version === '3.4.1'
        ? `Expert parallelism (EP ${ps.ep}) together with tensor parallelism (TP ${ps.tp}) needs \`${SP}: true\`: megatron-core 0.12 rejects the combination. ${stageSentence('model-build', ctx.version)}`
        : `Expert parallelism (EP ${ps.ep}) together with tensor parallelism (TP ${ps.tp}) should use \`${SP}: true\`: megatron-core only prints a warning here, ` +
          `but the MoE layers then stop on the first training step.`;
    yield { message, key: ctx.isSet(SP) ? SP : 'expert_model_parallel_size', fixes: [enableSpFix(ctx)] };
  },
};
