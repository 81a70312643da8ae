// One evaluation of everything the pipeline / virtual-pipeline / expert-parallel rules check, for a config with
// optional pending changes. The rules report the problems with their own id; quick fixes are tried here first
// and offered only when they clear the problem without adding another error (including the few checks of other
// areas that a change of PP / VPP / EP / batch size can break, which are simulated here).
import { Severity } from '../../types';
import type { RuleContext } from '../../context';
import { parallelSizes } from '../../shared/parallel';
import { Changes, ExpertInfo, Values, expertInfo, fp16Effective, moeHasBias } from './facts';
import { PipelineEvaluation, evaluatePipeline, pipelineInput } from './stages';

export interface Problem {
  id: string;
  key: string;
  /** what is wrong, in words (the rule adds the stage sentence) */
  detail: string;
  stage?: 'args' | 'model-build';
  severity?: Severity;
  /** numbers the rule's fixes need */
  data?: Record<string, number>;
}

export interface Plan {
  v: Values;
  tp: number;
  pp: number;
  cp: number;
  ep: number;
  etp: number;
  world: number | undefined;
  dp: number | undefined;
  pipe: PipelineEvaluation;
  experts: ExpertInfo | undefined;
  problems: Problem[];
}

const WORLD_TEXT = (ctx: RuleContext, world: number) => {
  const n = ctx.nprocPerNode();
  const nodes = ctx.nnodes();
  return nodes && nodes > 1 ? `the world size ${world} (NPROC_PER_NODE ${n} × NNODES ${nodes})` : `the world size ${world} (NPROC_PER_NODE ${n})`;
};

function sizes(v: Values) {
  if (Object.keys(v.changes).length === 0) return parallelSizes(v.ctx);
  // the same computation as shared/parallel.ts, through the pending changes
  const pos = (name: string, fallback: number) => {
    const x = v.int(name);
    return x !== undefined && x > 0 ? x : fallback;
  };
  const tp = pos('tensor_model_parallel_size', 1);
  const pp = pos('pipeline_model_parallel_size', 1);
  const cp = pos('context_parallel_size', 1);
  const ep = pos('expert_model_parallel_size', 1);
  const etp = v.ctx.version === '3.4.1' ? tp : pos('expert_tensor_parallel_size', 1);
  const world = v.ctx.worldSize();
  const denom = tp * pp * cp;
  const dp = world !== undefined && world % denom === 0 ? world / denom : undefined;
  return { tp, pp, cp, ep, etp, world, dp };
}

export function makePlan(ctx: RuleContext, changes: Changes = {}): Plan {
  const v = new Values(ctx, changes);
  const { tp, pp, cp, ep, etp, world, dp } = sizes(v);
  const v4 = ctx.version !== '3.4.1';
  const pipe = evaluatePipeline(pipelineInput(v));
  const experts = expertInfo(v);
  const problems: Problem[] = [...pipe.problems];
  const plan: Plan = { v, tp, pp, cp, ep, etp, world, dp, pipe, experts, problems };

  // ---- world size
  if (world !== undefined) {
    const model = tp * pp * cp;
    if (world % model !== 0) {
      problems.push({ id: 'world-size-divisible-by-tp-pp-cp', key: 'tensor_model_parallel_size', detail: '', severity: 'error' });
    }
    const expert = etp * ep * pp;
    // when TP x PP x CP does not divide the world and ETP x EP x PP divides TP x PP x CP, that rule already says it
    if (world % expert !== 0 && !(world % model !== 0 && model % expert === 0)) {
      const key = ep > 1 ? 'expert_model_parallel_size' : v4 && etp > 1 ? 'expert_tensor_parallel_size' : 'pipeline_model_parallel_size';
      const etpText = v4 ? `\`expert_tensor_parallel_size\` ${etp}` : `expert tensor parallel ${etp} (= \`tensor_model_parallel_size\` in ms-swift 3.4.1)`;
      problems.push({
        id: 'world-size-divisible-by-etp-ep-pp',
        key,
        detail: `${etpText} × \`expert_model_parallel_size\` ${ep} × \`pipeline_model_parallel_size\` ${pp} = ${expert} does not divide ${WORLD_TEXT(ctx, world)}, so the expert data-parallel groups cannot be formed`,
      });
    }
    // global batch (another area's rule; simulated so that fixes do not break it)
    const gbs = v.int('global_batch_size');
    const mbs = v.int('micro_batch_size');
    if (dp !== undefined && gbs !== undefined && mbs !== undefined && mbs > 0 && gbs > 0 && gbs % (mbs * dp) !== 0) {
      problems.push({ id: 'global-batch-divisible-by-micro-times-dp', key: 'global_batch_size', detail: '', severity: 'error' });
    }
  }

  // ---- interleaved schedule (4.5.2)
  const vpp = pipe.vpp;
  if (v4 && vpp !== undefined && pp > 1 && ctx.isMegatron()) {
    const gbs = v.int('global_batch_size');
    const mbs = v.int('micro_batch_size');
    if (dp !== undefined && gbs !== undefined && mbs !== undefined && mbs > 0 && gbs > 0 && gbs % (mbs * dp) === 0) {
      const M = gbs / (mbs * dp);
      const groupArg = v.int('microbatch_group_size_per_vp_stage');
      const N = groupArg !== undefined && groupArg > 0 ? groupArg : pp;
      const nText = groupArg !== undefined ? `\`microbatch_group_size_per_vp_stage\` ${N}` : `the micro-batch group size (defaults to PP = ${pp})`;
      const mText = `${M} micro-${M === 1 ? 'batch' : 'batches'} per step (\`global_batch_size\` ${gbs} / (\`micro_batch_size\` ${mbs} × DP ${dp}))`;
      let detail: string | undefined;
      let key = 'global_batch_size';
      if (N < pp) {
        detail = `${nText} is smaller than \`pipeline_model_parallel_size\` ${pp}; the interleaved schedule needs at least one micro-batch per pipeline rank in each group`;
        key = 'microbatch_group_size_per_vp_stage';
      } else if (N > M) {
        detail = `the interleaved schedule needs ${nText} ≤ the ${mText}`;
        if (!v.isSet('global_batch_size') && groupArg !== undefined) key = 'microbatch_group_size_per_vp_stage';
      } else if (M % N !== 0 && M % N < pp) {
        detail = `${mText} leave a last group of ${M % N} after groups of ${N}; the remainder must be 0 or at least PP ${pp}`;
        if (!v.isSet('global_batch_size') && groupArg !== undefined) key = 'microbatch_group_size_per_vp_stage';
      }
      if (detail) problems.push({ id: 'vpp-microbatch-count', key, detail, data: { M, N, mbs, dp } });
    }
    const overlap = v.bool('overlap_p2p_comm') !== false;
    const batch = v.bool('batch_p2p_comm');
    if (overlap && batch === true) {
      problems.push({
        id: 'vpp-p2p-overlap-vs-batch',
        key: 'batch_p2p_comm',
        detail: `with interleaving (${vpp} virtual stages) \`overlap_p2p_comm\` is ${v.isSet('overlap_p2p_comm') ? 'true' : 'true by default'} and \`batch_p2p_comm: true\` cannot be used with it`,
      });
    }
  }
  const layoutOk = !v.isSet('pipeline_model_parallel_layout') || (pipe.layoutStages !== undefined && pipe.layoutStages % pp === 0);
  if (v4 && vpp === undefined && layoutOk && ctx.isMegatron()) {
    const set = ['overlap_p2p_comm', 'align_param_gather'].filter((k) => v.isSet(k) && v.bool(k) === true);
    if (set.length) {
      problems.push({
        id: 'p2p-overlap-requires-vpp',
        key: set[0]!,
        detail: `${set.map((k) => `\`${k}: true\``).join(' and ')} ${set.length > 1 ? 'have' : 'has'} no effect without virtual pipeline stages: ms-swift turns ${set.length > 1 ? 'them' : 'it'} off${set.includes('overlap_p2p_comm') && !v.isSet('batch_p2p_comm') ? ' (and `batch_p2p_comm` then defaults to true)' : ''}`,
        data: { count: set.length },
      });
    }
  }

  // ---- experts
  if (experts?.kind === 'moe' && ep > 1 && experts.count % ep !== 0) {
    problems.push({
      id: 'num-experts-divisible-by-ep',
      key: 'expert_model_parallel_size',
      detail: `\`expert_model_parallel_size\` ${ep} does not divide the ${experts.count} experts of ${experts.from}`,
    });
  }
  if (experts?.kind === 'dense' && ep > 1) {
    problems.push({
      id: 'expert-parallel-requires-moe',
      key: 'expert_model_parallel_size',
      detail: `\`expert_model_parallel_size\` ${ep} is set but ${experts.from} has no experts`,
    });
  }
  if (!v4 && ep > 1) {
    const fp16 = fp16Effective(v);
    if (fp16?.yes) {
      problems.push({
        id: 'expert-parallel-rejects-fp16',
        key: fp16.key === 'model' ? 'expert_model_parallel_size' : fp16.key,
        detail: `expert parallelism (\`expert_model_parallel_size\` ${ep}) cannot train in fp16, and ${fp16.text} ${fp16.key === 'fp16' ? 'asks for it' : 'makes ms-swift 3.4.1 choose fp16'}`,
      });
    }
  }
  if (v4 && etp > 1) {
    const bias = moeHasBias(v);
    if (bias?.yes) {
      problems.push({
        id: 'moe-bias-requires-etp-1',
        key: 'expert_tensor_parallel_size',
        detail: `\`expert_tensor_parallel_size\` ${etp} is not supported for MoE layers with biases: ${bias.why}`,
      });
    }
  }

  // ---- checks of other areas that PP / EP / ETP changes can break (simulated for the fixes only)
  if (!v4 && ep > 1 && tp > 1 && v.bool('sequence_parallel') !== true) {
    problems.push({ id: 'ep-tp-requires-sequence-parallel', key: 'sequence_parallel', detail: '', severity: 'error' });
  }
  if (v4) {
    const ratio = v.num('freeze_parameters_ratio');
    if (ratio !== undefined && ratio > 0 && ratio < 1 && pp > 1) problems.push({ id: 'freeze-parameters-ratio-with-pp', key: 'freeze_parameters_ratio', detail: '', severity: 'error' });
  }
  const moeFfn = ctx.model()?.moeFfnHiddenSize;
  if (experts?.kind === 'moe' && moeFfn !== undefined && moeFfn % etp !== 0) {
    problems.push({ id: 'tp-divides-ffn-hidden-size', key: 'tensor_model_parallel_size', detail: '', severity: 'error' });
  }
  const split = pipe.split;
  if (split && v.str('recompute_granularity') === 'full' && v.str('recompute_method') === 'uniform') {
    const n = v.int('recompute_num_layers');
    if (n !== undefined && n > 0) {
      const counts = new Set<number>([...split.perRank, ...split.perRank.map((x) => x / split.vpp), ...split.chunks.flat()]);
      if ([...counts].some((c) => c > 0 && c % n !== 0)) {
        problems.push({ id: 'recompute-uniform-divides-stage-layers', key: 'recompute_num_layers', detail: '', severity: v4 ? 'warning' : 'error' });
      }
    }
  }
  return plan;
}
