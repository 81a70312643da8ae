// Token-dispatcher rules: values that exist in one version only, allgather in 4.5.2, DeepEP, shared-expert overlap.
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { nearestValid, parallelSizes } from '../shared/parallel';
import { Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { extra, extraKwargsText, modelOrigin, numExperts, removeFix, setValuesFix, sharedExpertSize } from './common';

const KEY = 'moe_token_dispatcher_type';

/** the dispatcher the model config gets, and whether megatron_extra_kwargs set it */
export function dispatcher(ctx: RuleContext): { value: string; fromExtra: boolean } | undefined {
  const e = extra(ctx, KEY);
  if (typeof e === 'string') return { value: e, fromExtra: true };
  const v = ctx.str(KEY);
  return v === undefined ? undefined : { value: v, fromExtra: false };
}

/** a fix that sets the dispatcher where it is set (the argument, or megatron_extra_kwargs) */
function setDispatcherFix(ctx: RuleContext, value: string, fromExtra: boolean, preferred: boolean): Fix {
  if (fromExtra) return ctx.setValueFix('megatron_extra_kwargs', extraKwargsText(ctx, KEY, value), `Use the \`${value}\` dispatcher in \`megatron_extra_kwargs\``, preferred);
  return ctx.setValueFix(KEY, value, undefined, preferred);
}

const VALUES: Record<'3.4.1' | '4.5.2', readonly string[]> = {
  '3.4.1': ['allgather', 'alltoall', 'alltoall_seq'],
  '4.5.2': ['allgather', 'alltoall', 'flex'],
};

export const moeTokenDispatcherChoices: Rule = {
  id: 'moe-token-dispatcher-choices',
  title: 'Token dispatcher value not available in this version',
  area: 'moe',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:130', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:657'],
  *check(ctx) {
    // Values unknown to both versions are reported by value-not-in-choices; this rule explains the values that
    // only the other version accepts.
    if (!ctx.isSet(KEY)) return;
    const v = ctx.str(KEY);
    if (v === undefined || VALUES[ctx.version].includes(v)) return;
    const stage = stageText('args', ctx.version);
    if (ctx.version === '4.5.2' && v === 'alltoall_seq') {
      yield {
        message: `ms-swift 4.5.2 no longer has the \`alltoall_seq\` token dispatcher (megatron-core folded it into \`alltoall\`), even though parts of the 4.5.2 documentation still list it; argparse rejects it and the run ${stage}. Use \`alltoall\`, which does the same job.`,
        key: KEY,
        range: ctx.valueRange(KEY),
        fixes: [ctx.setValueFix(KEY, 'alltoall', undefined, true)],
      };
    } else if (ctx.version === '3.4.1' && v === 'flex') {
      yield {
        message: `The \`flex\` token dispatcher (used with DeepEP) only exists from ms-swift 4; ms-swift 3.4.1 accepts \`allgather\`, \`alltoall\` or \`alltoall_seq\`, so the run ${stage}. Use \`alltoall\` here, or move to ms-swift 4.5.2 for \`flex\`.`,
        key: KEY,
        range: ctx.valueRange(KEY),
        fixes: [ctx.setValueFix(KEY, 'alltoall', undefined, true)],
      };
    }
  },
};

export const moeAllgatherWithVariableSeqLengths: Rule = {
  id: 'moe-allgather-with-variable-seq-lengths',
  title: 'allgather dispatcher is rejected in 4.5.2',
  area: 'moe',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:2374-2379',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/model_config.py:221',
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/gpt/model.py:12-13',
  ],
  *check(ctx) {
    const d = dispatcher(ctx);
    if (!d || d.value !== 'allgather') return;
    if (extra(ctx, 'variable_seq_lengths') === false) return;
    const key = d.fromExtra ? 'megatron_extra_kwargs' : KEY;
    yield {
      message: `ms-swift 4.5.2 builds every model with variable sequence lengths, and megatron-core refuses the \`allgather\` token dispatcher with them, so the run ${stageText('model-build', ctx.version)}. Use \`alltoall\` (the default) or \`flex\`.`,
      key,
      range: ctx.valueRange(key),
      fixes: [setDispatcherFix(ctx, 'alltoall', d.fromExtra, true)],
    };
  },
};

export const moeDeepepRequiresFlex: Rule = {
  id: 'moe-deepep-requires-flex',
  title: 'DeepEP needs the flex dispatcher (and TP×EP > 1)',
  area: 'moe',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1440-1458',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/moe/token_dispatcher.py:1421-1422',
  ],
  *check(ctx) {
    const enable = extra(ctx, 'moe_enable_deepep') ?? ctx.bool('moe_enable_deepep');
    const backendDeepep = extra(ctx, 'moe_flex_dispatcher_backend') === 'deepep';
    if (enable !== true && !backendDeepep) return;
    const d = dispatcher(ctx);
    if (!d) return;
    const stage = stageText('model-build', ctx.version);
    const sizes = parallelSizes(ctx);
    const pad = extra(ctx, 'moe_pad_expert_input_to_capacity') ?? ctx.bool('moe_pad_expert_input_to_capacity');
    const enableKey = ctx.isSet('moe_enable_deepep') ? 'moe_enable_deepep' : 'megatron_extra_kwargs';
    const turnOff = (preferred: boolean): Fix[] => {
      if (!ctx.isSet('moe_enable_deepep') || extra(ctx, 'moe_enable_deepep') !== undefined || backendDeepep) return [];
      return [ctx.setValueFix('moe_enable_deepep', 'false', 'Turn DeepEP off (`moe_enable_deepep: false`)', preferred)];
    };
    if (enable === true && d.value !== 'flex') {
      // a flex fix must not run into the next two checks
      const fixes: Fix[] = [];
      const flexWorks = sizes.etp * sizes.ep > 1 && pad !== true;
      if (flexWorks) fixes.push(setDispatcherFix(ctx, 'flex', d.fromExtra, true));
      fixes.push(...turnOff(!flexWorks));
      yield {
        message: `DeepEP (\`moe_enable_deepep: true\`) only works with the \`flex\` token dispatcher, but the dispatcher is \`${d.value}\`; megatron-core raises a ValueError and the run ${stage}. Set \`moe_token_dispatcher_type: flex\`${flexWorks ? '' : ' (DeepEP also needs expert_tensor_parallel_size × expert_model_parallel_size > 1)'} or turn DeepEP off.`,
        key: enableKey,
        range: ctx.keyRange(enableKey),
        fixes,
      };
      return;
    }
    if (d.value !== 'flex') return;
    if (pad === true) {
      const padKey = ctx.isSet('moe_pad_expert_input_to_capacity') ? 'moe_pad_expert_input_to_capacity' : 'megatron_extra_kwargs';
      const fixes: Fix[] = [];
      if (ctx.isSet('moe_pad_expert_input_to_capacity') && extra(ctx, 'moe_pad_expert_input_to_capacity') === undefined) {
        fixes.push(ctx.setValueFix('moe_pad_expert_input_to_capacity', 'false', undefined, true));
      }
      fixes.push(...turnOff(false));
      yield {
        message: `The \`flex\` dispatcher with DeepEP cannot pad expert inputs to capacity (\`moe_pad_expert_input_to_capacity: true\`); megatron-core raises a ValueError and the run ${stage}. Turn padding off or DeepEP off.`,
        key: padKey,
        range: ctx.keyRange(padKey),
        fixes,
      };
    }
    // the DeepEP dispatcher is only created for MoE models: stay silent unless the model is known to be one
    const experts = numExperts(ctx);
    if (!experts || sizes.etp * sizes.ep > 1) return;
    const fixes: Fix[] = [];
    const world = sizes.world;
    const okEp = (v: number) => v > 1 && experts % v === 0 && (world === undefined || (v * sizes.etp * sizes.pp <= world && world % (v * sizes.etp * sizes.pp) === 0));
    nearestValid(sizes.ep, okEp, 2).forEach((v, i) => fixes.push(ctx.setValueFix('expert_model_parallel_size', String(v), undefined, i === 0)));
    fixes.push(...turnOff(fixes.length === 0));
    const m = ctx.model();
    yield {
      message: `DeepEP sends tokens over the expert tensor-parallel × expert-parallel group, which has a single rank here (expert_tensor_parallel_size ${sizes.etp} × expert_model_parallel_size ${sizes.ep} = 1); megatron-core asserts TP×EP > 1 and the run ${stage}. Raise \`expert_model_parallel_size\` (it must divide the ${experts} experts${m ? `, ${modelOrigin(ctx)}` : ''}) or turn DeepEP off.`,
      key: ctx.isSet('expert_model_parallel_size') ? 'expert_model_parallel_size' : enableKey,
      range: ctx.keyRange(ctx.isSet('expert_model_parallel_size') ? 'expert_model_parallel_size' : enableKey),
      fixes,
    };
  },
};

export const moeSharedExpertOverlapDispatcher: Rule = {
  id: 'moe-shared-expert-overlap-dispatcher',
  title: 'moe_shared_expert_overlap needs the alltoall (or flex) dispatcher',
  area: 'moe',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:639-651',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1460-1473',
  ],
  *check(ctx) {
    const overlapExtra = extra(ctx, 'moe_shared_expert_overlap');
    const overlap = overlapExtra ?? ctx.bool('moe_shared_expert_overlap');
    if (overlap !== true) return;
    const d = dispatcher(ctx);
    if (!d) return;
    const allowed = ctx.version === '3.4.1' ? ['alltoall'] : ['alltoall', 'flex'];
    if (allowed.includes(d.value)) return;
    const shared = sharedExpertSize(ctx);
    if (!shared || shared.size <= 0) return; // without shared experts the flag is ignored
    const key = d.fromExtra ? 'megatron_extra_kwargs' : ctx.isSet(KEY) ? KEY : 'moe_shared_expert_overlap';
    const fixes: Fix[] = [setDispatcherFix(ctx, 'alltoall', d.fromExtra, true)];
    if (overlapExtra === undefined) {
      const off = removeFix(ctx, 'moe_shared_expert_overlap', 'Remove `moe_shared_expert_overlap` (no overlap)');
      if (off) fixes.push(off);
      else fixes.push(setValuesFix(ctx, [['moe_shared_expert_overlap', 'false']]));
    }
    yield {
      message: `\`moe_shared_expert_overlap\` overlaps the shared expert (size ${shared.size}, from ${shared.from}) with token dispatch, which megatron-core only supports with the ${allowed.map((a) => `\`${a}\``).join(' or ')} dispatcher, not \`${d.value}\`; the run ${stageText('model-build', ctx.version)}. Switch to \`alltoall\` or drop the overlap.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const rules: readonly Rule[] = [moeTokenDispatcherChoices, moeAllgatherWithVariableSeqLengths, moeDeepepRequiresFlex, moeSharedExpertOverlapDispatcher];
