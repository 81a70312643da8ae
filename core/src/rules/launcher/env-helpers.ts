// Helpers shared by the launcher rules: the value a launcher variable really ends up with (ENV block vs. the
// launching shell), the number of GPUs CUDA_VISIBLE_DEVICES lists, and a check that a changed process count keeps
// the parallel layout and the global batch valid. Setting an ENV variable is RuleContext.setEnvEdit.
import { RuleContext } from '../context';
import { parallelSizes } from '../shared/parallel';

/** The variable is given: in the ENV block (even as an empty value) or in the known launching shell. */
export function envGiven(ctx: RuleContext, name: string): boolean {
  return !!ctx.envEntry(name) || ctx.python?.shellEnv?.[name] !== undefined;
}

/**
 * The value an ENV variable takes at launch, when the config decides it: its ENV value, unless the shell (known, and
 * in 4.5.2, where the shell wins) holds a different value; then undefined (yaml-env-shell-precedence says why).
 */
export function effectiveEnv(ctx: RuleContext, name: string): string | undefined {
  const v = ctx.env(name);
  if (v === undefined) return undefined;
  const shell = ctx.python?.shellEnv?.[name];
  if (ctx.version !== '3.4.1' && shell !== undefined && shell !== v) return undefined;
  return v;
}

/** A whole number > 0 written literally in ENV (and not overridden by the shell). */
export function effectiveEnvInt(ctx: RuleContext, name: string): number | undefined {
  const v = effectiveEnv(ctx, name);
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

/** The device ids of a CUDA_VISIBLE_DEVICES value, or undefined when it is not a plain list of ids. */
export function parseVisibleDevices(value: string): string[] | undefined {
  const t = value.trim();
  if (t === '') return [];
  const ids = t.split(',').map((s) => s.trim());
  if (ids.some((id) => !/^(\d+|GPU-[0-9A-Za-z-]+|MIG-[0-9A-Za-z/-]+)$/.test(id))) return undefined;
  return ids;
}

export interface VisibleGpus {
  count: number;
  /** the ids when they come from the ENV block (so a fix can edit them) */
  ids?: string[];
  /** words for messages */
  from: string;
}

/** How many GPUs a node's processes can see: ENV CUDA_VISIBLE_DEVICES, else the shell's, else the launch choice. */
export function visibleGpus(ctx: RuleContext): VisibleGpus | undefined {
  if (ctx.envEntry('CUDA_VISIBLE_DEVICES')) {
    const v = effectiveEnv(ctx, 'CUDA_VISIBLE_DEVICES');
    if (v === undefined) return undefined;
    const ids = parseVisibleDevices(v);
    if (!ids) return undefined;
    return { count: ids.length, ids, from: `\`CUDA_VISIBLE_DEVICES\` "${v}"` };
  }
  const shell = ctx.python?.shellEnv?.CUDA_VISIBLE_DEVICES;
  if (shell !== undefined) {
    const ids = parseVisibleDevices(shell);
    return ids ? { count: ids.length, from: `the shell's \`CUDA_VISIBLE_DEVICES\` "${shell}"` } : undefined;
  }
  const g = ctx.launch.visibleGpus;
  if (g !== undefined && g > 0) return { count: g, from: `the ${g} GPU${g === 1 ? '' : 's'} chosen for the launch` };
  return undefined;
}

/**
 * True when running `nproc` processes per node on `nnodes` nodes keeps the layout valid: the world size is a
 * multiple of TP × PP × CP and of expert-TP × EP × PP, and global_batch_size is a multiple of micro_batch_size × DP.
 * Used to decide whether a fix that changes NPROC_PER_NODE can be offered without causing another error.
 */
export function layoutFitsWorld(ctx: RuleContext, nproc: number, nnodes: number): boolean {
  const p = parallelSizes(ctx);
  const world = nproc * nnodes;
  if (world < 1) return false;
  if (world % (p.tp * p.pp * p.cp) !== 0) return false;
  if (world % (p.etp * p.ep * p.pp) !== 0) return false;
  const dp = world / (p.tp * p.pp * p.cp);
  const mbs = ctx.int('micro_batch_size');
  const gbs = ctx.int('global_batch_size');
  if (mbs !== undefined && gbs !== undefined && mbs > 0 && gbs > 0 && gbs % (mbs * dp) !== 0) return false;
  return true;
}
