// Expert parallelism: the expert process groups, the experts per rank, and what expert parallelism cannot do.
import { MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS } from '../../types';
import type { RuleContext } from '../../context';
import { Changes } from './facts';
import { FixList, nearestWorking } from './fixes';
import { Plan } from './plan';
import { groupRule, orList } from './rule';

const EP = 'expert_model_parallel_size';
const ETP = 'expert_tensor_parallel_size';

function epMax(plan: Plan): number {
  const n = plan.experts?.kind === 'moe' ? plan.experts.count : 256;
  return Math.max(2, Math.min(plan.world ?? n, n, 1024));
}

function epFixes(ctx: RuleContext, plan: Plan, id: string, fixes: FixList): number[] {
  const found = nearestWorking(ctx, plan, id, plan.ep, (x) => ({ [EP]: x }), { max: epMax(plan) });
  for (const x of found) fixes.try({ [EP]: x });
  return found;
}

function valuesIn(fixes: FixList, key: string): string[] {
  const re = new RegExp('`' + key + ': (\\d+)`');
  return fixes.fixes.map((f) => re.exec(f.title)?.[1]).filter((x): x is string => !!x);
}

export const worldSizeDivisibleByEtpEpPp = groupRule({
  id: 'world-size-divisible-by-etp-ep-pp',
  title: 'World size not divisible by expert-TP × EP × PP',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:368-369',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/parallel_state.py:696-703',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:618-619',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:70-78',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/parallel_state.py:783-790',
  ],
  args: {
    '3.4.1': [EP, 'tensor_model_parallel_size', 'pipeline_model_parallel_size'],
    '4.5.2': [EP, ETP, 'tensor_model_parallel_size', 'pipeline_model_parallel_size'],
  },
  fixes(ctx, plan, p, fixes) {
    // a dense model gains nothing from expert parallelism
    if (plan.experts?.kind === 'dense' && plan.ep > 1) fixes.try({ [EP]: null }, `Remove \`${EP}\` (the model has no experts)`);
    if (plan.ep > 1 || p.key === EP) epFixes(ctx, plan, p.id, fixes);
    if (ctx.version !== '3.4.1' && plan.etp > 1) {
      for (const x of nearestWorking(ctx, plan, p.id, plan.etp, (x) => ({ [ETP]: x }), { max: Math.min(plan.world ?? 64, 64) })) fixes.try({ [ETP]: x });
    }
  },
  advice(ctx, plan, _p, fixes) {
    const eps = valuesIn(fixes, EP);
    const etps = valuesIn(fixes, ETP);
    const parts: string[] = [];
    if (eps.length) parts.push(`\`${EP}\` ${orList(eps)}`);
    if (etps.length) parts.push(`\`${ETP}\` ${orList(etps)}`);
    const dense = plan.experts?.kind === 'dense' && ctx.version !== '3.4.1' ? ' (ms-swift 4 still builds these groups for a dense model)' : '';
    return parts.length ? `Use ${parts.join(', or ')}${dense}` : dense ? dense.trim().replace(/^\(|\)$/g, '') : undefined;
  },
});

export const numExpertsDivisibleByEp = groupRule({
  id: 'num-experts-divisible-by-ep',
  title: 'EP does not divide the number of experts',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:862-863',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/moe/moe_layer.py:185',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:31',
  ],
  args: { '3.4.1': [EP], '4.5.2': [EP] },
  fixes(ctx, plan, p, fixes) {
    epFixes(ctx, plan, p.id, fixes);
  },
  advice(_ctx, _plan, _p, fixes) {
    const eps = valuesIn(fixes, EP);
    return eps.length ? `Use ${orList(eps)}; each expert-parallel rank must hold the same number of experts` : 'Each expert-parallel rank must hold the same number of experts';
  },
});

export const expertParallelRequiresMoe = groupRule({
  id: 'expert-parallel-requires-moe',
  title: 'expert_model_parallel_size > 1 on a dense model',
  severity: { '3.4.1': 'error', '4.5.2': 'warning' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'silent' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:860-861',
    'modelscope/ms-swift@v4.5.2:swift/megatron/model/utils.py:66-68',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:70-78',
  ],
  args: { '3.4.1': [EP], '4.5.2': [EP] },
  consequence(ctx) {
    return ctx.version === '3.4.1'
      ? undefined
      : 'No error: ms-swift sets expert parallelism to 1 in the model, but still builds the expert process groups with this size (so the world size must still divide by it); remove it';
  },
  fixes(_ctx, _plan, _p, fixes) {
    fixes.try({ [EP]: null }, `Remove \`${EP}\``);
  },
});

export const expertParallelRejectsFp16 = groupRule({
  id: 'expert-parallel-rejects-fp16',
  title: 'Expert parallelism with fp16',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:864-865'],
  args: { '3.4.1': [EP, 'fp16', 'torch_dtype'] },
  advice() {
    return 'Train in bf16, or drop expert parallelism';
  },
  fixes(ctx, plan, _p, fixes) {
    const v = plan.v;
    const changes: Changes[] = [];
    if (ctx.isSet('torch_dtype')) changes.push(v.isSet('fp16') ? { torch_dtype: 'bfloat16', fp16: null } : { torch_dtype: 'bfloat16' });
    if (v.isSet('fp16') && !ctx.isSet('torch_dtype')) changes.push({ fp16: null });
    changes.push({ fp16: false, bf16: true });
    let n = 0;
    for (const c of changes) if (n < 2 && fixes.try(c)) n++;
    fixes.try({ [EP]: null }, `Remove \`${EP}\` (no expert parallelism)`);
  },
});

export const moeBiasRequiresEtp1 = groupRule({
  id: 'moe-bias-requires-etp-1',
  title: 'MoE with linear biases needs expert_tensor_parallel_size 1',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:2055-2058', 'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:150-151'],
  args: { '4.5.2': [ETP] },
  advice() {
    return `Use \`${ETP}: 1\` (split the experts with \`${EP}\` instead)`;
  },
  fixes(_ctx, _plan, _p, fixes) {
    fixes.try({ [ETP]: 1 });
  },
});

export const expertRules = [worldSizeDivisibleByEtpEpPp, numExpertsDivisibleByEp, expertParallelRequiresMoe, expertParallelRejectsFp16, moeBiasRequiresEtp1];
