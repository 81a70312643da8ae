// The interleaved (virtual pipeline) schedule: micro-batch counts and point-to-point communication options.
import { MEGATRON_TRAIN_COMMANDS } from '../../types';
import { Changes } from './facts';
import { nearestWorking } from './fixes';
import { groupRule, orList } from './rule';

const VPP = 'virtual_pipeline_model_parallel_size';
const GBS = 'global_batch_size';
const GROUP = 'microbatch_group_size_per_vp_stage';

export const vppMicrobatchCount = groupRule({
  id: 'vpp-microbatch-count',
  title: 'Too few micro-batches for the interleaved pipeline schedule',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'first-step' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/pipeline_parallel/schedules.py:1068-1088', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/model_parallel_config.py:462-463'],
  args: { '4.5.2': [GBS, 'micro_batch_size', 'pipeline_model_parallel_size', VPP, GROUP] },
  fixes(ctx, plan, p, fixes) {
    const { M, mbs, dp } = p.data as { M: number; mbs: number; dp: number };
    const step = mbs * dp;
    const gbsFor = (m: number): Changes => ({ [GBS]: m * step });
    const ms = nearestWorking(ctx, plan, p.id, M, gbsFor, { max: Math.max(4 * M, 4 * plan.pp * (plan.v.int(GROUP) ?? 1), 64) });
    // the smallest working value above first (more micro-batches), then the nearest below
    ms.sort((a, b) => (a > M ? 0 : 1) - (b > M ? 0 : 1) || Math.abs(a - M) - Math.abs(b - M));
    for (const m of ms) fixes.try(gbsFor(m), `Set \`${GBS}: ${m * step}\` (${m} micro-batches per step)`);
    if (plan.v.isSet(GROUP)) fixes.try({ [GROUP]: null }, `Remove \`${GROUP}\` (groups of PP micro-batches)`);
    if (!plan.v.isSet('pipeline_model_parallel_layout')) fixes.try({ [VPP]: null }, `Remove \`${VPP}\` (no interleaving)`);
  },
  advice(_ctx, _plan, _p, fixes) {
    const gs = fixes.fixes.map((f) => /`global_batch_size: (\d+)`/.exec(f.title)?.[1]).filter((x): x is string => !!x);
    return gs.length ? `Use \`${GBS}\` ${orList(gs)}` : undefined;
  },
});

export const vppP2pOverlapVsBatch = groupRule({
  id: 'vpp-p2p-overlap-vs-batch',
  title: 'overlap_p2p_comm and batch_p2p_comm together',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'first-step' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/pipeline_parallel/schedules.py:994-995', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1017-1018'],
  args: { '4.5.2': ['overlap_p2p_comm', 'batch_p2p_comm', VPP] },
  advice() {
    return 'Remove `batch_p2p_comm` (it then follows `overlap_p2p_comm`), or set `overlap_p2p_comm: false`';
  },
  fixes(_ctx, _plan, _p, fixes) {
    fixes.try({ batch_p2p_comm: null });
    fixes.try({ overlap_p2p_comm: false });
  },
});

export const p2pOverlapRequiresVpp = groupRule({
  id: 'p2p-overlap-requires-vpp',
  title: 'overlap_p2p_comm / align_param_gather are turned off without VPP',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1014-1018'],
  args: { '4.5.2': ['overlap_p2p_comm', 'align_param_gather', VPP] },
  consequence() {
    return 'Only the interleaved schedule (`virtual_pipeline_model_parallel_size` > 1) uses these settings; remove them or add virtual pipeline stages';
  },
  tags: ['unnecessary'],
  fixes(_ctx, plan, _p, fixes) {
    const set = ['overlap_p2p_comm', 'align_param_gather'].filter((k) => plan.v.isSet(k) && plan.v.bool(k) === true);
    fixes.try(Object.fromEntries(set.map((k) => [k, null])), `Remove ${set.map((k) => `\`${k}\``).join(' and ')}`);
  },
});

export const scheduleRules = [vppMicrobatchCount, vppP2pOverlapVsBatch, p2pOverlapRequiresVpp];
