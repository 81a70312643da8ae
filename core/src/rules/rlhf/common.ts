// What the GRPO/GKD rules share: whether the run rolls out with vLLM, and the generation batch arithmetic of
// ms-swift 4.5.2 (resolve_generation_batch_size / validate_batch_dp_alignment), reusable to pick fix values.
import { RuleContext } from '../context';
import { parallelSizes } from '../shared/parallel';

export type Grpo = 'grpo' | 'gkd';

/** grpo or gkd, when the file is the training config (with use_ray the launcher only reads the Ray config) */
export function grpoLike(ctx: RuleContext): Grpo | undefined {
  if (ctx.bool('use_ray') === true) return undefined;
  const t = ctx.str('rlhf_type');
  return t === 'grpo' || t === 'gkd' ? t : undefined;
}

/** the trainer starts a vLLM rollout engine (GRPO, or GKD with lmbda > 0, and use_vllm) */
export function usesVllm(ctx: RuleContext): boolean {
  const t = grpoLike(ctx);
  if (!t) return false;
  if (ctx.bool('use_vllm') !== true) return false;
  if (t === 'gkd') {
    const l = ctx.num('lmbda');
    if (l === undefined || l === 0) return false;
  }
  return true;
}

/** colocate works with this world size (vllm_tensor_parallel_size divides it), or the world size is unknown */
export function colocateFits(ctx: RuleContext): boolean {
  const world = ctx.worldSize();
  const tp = ctx.int('vllm_tensor_parallel_size') ?? 1;
  return world === undefined || (tp > 0 && world % tp === 0);
}

export interface Batch {
  gbs: number;
  gen: number | undefined;
  spg: number | undefined;
  /** num_generations as the batch checks see it (GKD: 1) */
  ng: number;
  mbs: number;
  world: number | undefined;
  /** world / (TP x PP x CP) when whole */
  dp: number | undefined;
  tp: number;
  pp: number;
  cp: number;
}

export function readBatch(ctx: RuleContext): Batch | undefined {
  const t = grpoLike(ctx);
  if (!t) return undefined;
  const gbs = ctx.int('global_batch_size');
  const mbs = ctx.int('micro_batch_size');
  const ng = t === 'gkd' ? 1 : ctx.int('num_generations');
  if (gbs === undefined || mbs === undefined || ng === undefined || gbs < 1 || mbs < 1 || ng < 1) return undefined;
  // a value that is set but does not parse is another rule's business
  if (ctx.isSet('generation_batch_size') && ctx.value('generation_batch_size') === undefined) return undefined;
  if (ctx.isSet('steps_per_generation') && ctx.value('steps_per_generation') === undefined) return undefined;
  const s = parallelSizes(ctx);
  return { gbs, gen: ctx.int('generation_batch_size'), spg: ctx.int('steps_per_generation'), ng, mbs, world: s.world, dp: s.dp, tp: s.tp, pp: s.pp, cp: s.cp };
}

export type ResolveProblem =
  | { kind: 'mismatch'; expected: number }
  | { kind: 'not-multiple' }
  | { kind: 'steps'; spg: number }
  | { kind: 'num-generations'; gen: number };

/** ms-swift's resolve_generation_batch_size */
export function resolve(b: Batch): { gen: number; spg: number } | { problem: ResolveProblem } {
  let gen: number;
  let spg: number;
  if (b.gen === undefined && b.spg === undefined) {
    spg = 1;
    gen = b.gbs;
  } else if (b.gen !== undefined && b.spg !== undefined) {
    const expected = b.gbs * b.spg;
    if (b.gen !== expected) return { problem: { kind: 'mismatch', expected } };
    gen = b.gen;
    spg = b.spg;
  } else if (b.gen !== undefined) {
    if (b.gen % b.gbs !== 0) return { problem: { kind: 'not-multiple' } };
    gen = b.gen;
    spg = Math.floor(b.gen / b.gbs);
  } else {
    spg = b.spg!;
    gen = b.gbs * spg;
  }
  if (spg <= 0) return { problem: { kind: 'steps', spg } };
  if (b.ng > 1 && gen % b.ng !== 0) return { problem: { kind: 'num-generations', gen } };
  return { gen, spg };
}

export type DpProblem =
  | { kind: 'prompts-vs-dp'; prompts: number }
  | { kind: 'no-prompt-per-rank'; prompts: number }
  | { kind: 'per-rank-vs-micro'; prompts: number; perRank: number }
  | { kind: 'per-device'; gen: number };

/** ms-swift's validate_batch_dp_alignment; undefined when it passes or the world size is unknown */
export function dpProblem(b: Batch, gen: number): DpProblem | undefined {
  if (b.world === undefined || b.dp === undefined) return undefined;
  const prompts = Math.floor(gen / b.ng);
  if (prompts % b.dp !== 0) return { kind: 'prompts-vs-dp', prompts };
  const perRank = Math.floor(prompts / b.dp);
  if (perRank < 1) return { kind: 'no-prompt-per-rank', prompts };
  if (perRank % b.mbs !== 0) return { kind: 'per-rank-vs-micro', prompts, perRank };
  if (Math.floor(gen / b.world) < 1) return { kind: 'per-device', gen };
  return undefined;
}

/**
 * a batch that passes both checks; with `gbsChanged`, global_batch_size must also stay a multiple of
 * micro_batch_size x DP (so a fix that changes it does not break the plain batch-size rule)
 */
export function batchOk(b: Batch, gbsChanged = false): boolean {
  const r = resolve(b);
  if ('problem' in r) return false;
  if (dpProblem(b, r.gen)) return false;
  if (gbsChanged && b.dp !== undefined && b.gbs % (b.mbs * b.dp) !== 0) return false;
  return true;
}
