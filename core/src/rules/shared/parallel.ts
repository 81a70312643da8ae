// Parallel sizes as Megatron sees them, shared by the rules: TP, PP, CP, EP, expert TP, VPP, world and DP.
// world/dp are undefined when the world size is unknown (rules that need them then stay silent).
import { RuleContext } from '../context';

export interface ParallelSizes {
  tp: number;
  pp: number;
  cp: number;
  ep: number;
  /** expert tensor-parallel size: TP in 3.4.1; `expert_tensor_parallel_size` (default 1) in 4.5.2 */
  etp: number;
  /** virtual pipeline stages per pipeline rank, when set */
  vpp: number | undefined;
  world: number | undefined;
  /** world / (TP x PP x CP) when whole */
  dp: number | undefined;
}

export function parallelSizes(ctx: RuleContext): ParallelSizes {
  const pos = (name: string, fallback: number) => {
    const v = ctx.int(name);
    return v !== undefined && v > 0 ? v : fallback;
  };
  const tp = pos('tensor_model_parallel_size', 1);
  const pp = pos('pipeline_model_parallel_size', 1);
  const cp = pos('context_parallel_size', 1);
  const ep = pos('expert_model_parallel_size', 1);
  const etp = ctx.version === '3.4.1' ? tp : pos('expert_tensor_parallel_size', 1);
  const vppRaw = ctx.int('virtual_pipeline_model_parallel_size');
  const vpp = vppRaw !== undefined && vppRaw > 0 ? vppRaw : undefined;
  const world = ctx.worldSize();
  const denom = tp * pp * cp;
  const dp = world !== undefined && world % denom === 0 ? world / denom : undefined;
  return { tp, pp, cp, ep, etp, vpp, world, dp };
}

/** The divisors of n, ascending. */
export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/** The values near `current` (below and above) that satisfy `ok`, nearest first, at most `limit`. */
export function nearestValid(current: number, ok: (v: number) => boolean, limit = 2, max = 1024): number[] {
  const out: number[] = [];
  for (let d = 1; d <= max && out.length < limit; d++) {
    for (const v of [current - d, current + d]) if (v >= 1 && v <= max && ok(v) && out.length < limit) out.push(v);
  }
  return out;
}
