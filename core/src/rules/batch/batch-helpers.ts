// Shared by the batch rules: where the world size comes from (for messages) and which (global, micro) batch pairs
// keep every batch-shape check valid for a data-parallel size.
import { RuleContext } from '../context';
import { ParallelSizes } from '../shared/parallel';

/** e.g. "8 processes (NPROC_PER_NODE 8)", "16 processes (NPROC_PER_NODE 8 × NNODES 2)" */
export function worldText(ctx: RuleContext, world: number): string {
  const nodes = ctx.nnodes() ?? 1;
  const perNode = ctx.nprocPerNode();
  const fromEnv = !!ctx.envEntry('NPROC_PER_NODE');
  const per = fromEnv ? `NPROC_PER_NODE ${perNode}` : `${perNode} GPU${perNode === 1 ? '' : 's'} chosen for the launch`;
  return `${world} process${world === 1 ? '' : 'es'} (${per}${nodes > 1 ? ` × NNODES ${nodes}` : ''})`;
}

/** "DP = 8 processes (NPROC_PER_NODE 8) / (TP 2 × PP 1 × CP 1)" */
export function dpText(ctx: RuleContext, p: ParallelSizes): string {
  return `DP = ${worldText(ctx, p.world!)} / (TP ${p.tp} × PP ${p.pp} × CP ${p.cp})`;
}

/**
 * The batch shape is valid: global = micro × DP × M with a whole M ≥ 1, and, when the interleaved pipeline schedule
 * is used (4.5.2 with VPP), M fits the micro-batch group size (see vpp-microbatch-count).
 */
export function batchShapeOk(ctx: RuleContext, p: ParallelSizes, gbs: number, mbs: number): boolean {
  if (p.dp === undefined || gbs < 1 || mbs < 1) return false;
  const unit = mbs * p.dp;
  if (gbs % unit !== 0) return false;
  const m = gbs / unit;
  if (ctx.version !== '3.4.1' && p.vpp !== undefined && p.pp > 1) {
    const groupRaw = ctx.int('microbatch_group_size_per_vp_stage');
    const n = groupRaw !== undefined && groupRaw > 0 ? groupRaw : p.pp;
    if (n < p.pp || n > m) return false;
    if (m % n !== 0 && m % n < p.pp) return false;
  }
  return true;
}

/** The nearest valid global batch sizes below and above `gbs` for this micro batch (either may be missing). */
export function nearestGlobalBatches(ctx: RuleContext, p: ParallelSizes, gbs: number, mbs: number): { down?: number; up?: number } {
  const unit = mbs * p.dp!;
  const out: { down?: number; up?: number } = {};
  for (let v = Math.floor(gbs / unit) * unit; v >= unit; v -= unit) {
    if (v !== gbs && batchShapeOk(ctx, p, v, mbs)) {
      out.down = v;
      break;
    }
  }
  const limit = Math.max(gbs * 4, unit * 64);
  for (let v = (Math.floor(gbs / unit) + 1) * unit; v <= limit; v += unit) {
    if (batchShapeOk(ctx, p, v, mbs)) {
      out.up = v;
      break;
    }
  }
  return out;
}

export function steps(n: number): string {
  return `${n} gradient-accumulation step${n === 1 ? '' : 's'}`;
}
