// What-if estimates for quick fixes: the memory after one change to the config (full recompute, the next valid
// TP, a smaller micro batch, the distributed optimizer), so the editor can show "would need ≈ X GiB".
import { BuiltInput, EstimateConfigOptions, estimateInputForConfig, safeEstimate } from './config';
import { EstimateInput, EstimateResult, EstimateUnknown, RankEstimate } from './types';

export type WhatIfKind = 'full-recompute' | 'raise-tp' | 'lower-micro-batch' | 'distributed-optimizer';

export const WHAT_IF_KINDS: readonly WhatIfKind[] = ['full-recompute', 'raise-tp', 'lower-micro-batch', 'distributed-optimizer'];

export interface WhatIf {
  kind: WhatIfKind;
  /** e.g. "tensor_model_parallel_size 2 → 4" */
  title: string;
  /** the config values that make the change (argument name → YAML value) */
  set: Record<string, string | number | boolean>;
  /** the worst rank before the change */
  before: RankEstimate;
  /** the estimate after the change */
  after: EstimateResult;
  /** the worst rank's device memory after the change, GiB */
  deviceGiB: number;
  /** device GiB saved on the worst rank (negative when the change costs memory) */
  savesGiB: number;
}

function changed(built: BuiltInput, kind: WhatIfKind): { input: EstimateInput; title: string; set: WhatIf['set'] } | undefined {
  const { input, facts } = built;
  const p = input.parallel;
  switch (kind) {
    case 'full-recompute': {
      const r = input.recompute;
      if (r.granularity === 'full' && (r.method ?? 'uniform') === 'uniform' && (r.numLayers ?? 1) === 1) return undefined;
      return {
        input: { ...input, recompute: { granularity: 'full', method: 'uniform', numLayers: 1 } },
        title: 'full recompute (uniform, 1 layer per checkpoint)',
        set: { recompute_granularity: 'full', recompute_method: 'uniform', recompute_num_layers: 1 },
      };
    }
    case 'raise-tp': {
      const cp = p.cp ?? 1;
      const ep = p.ep ?? 1;
      const mbs = input.batch.microBatchSize;
      for (let t = p.tp + 1; t <= Math.min(facts.gpusPerNode, p.world); t++) {
        if (facts.tpDivides.some((n) => n % t !== 0)) continue;
        if (p.world % (t * p.pp * cp) !== 0) continue;
        const dp = p.world / (t * p.pp * cp);
        if (facts.globalBatchSize % (mbs * dp) !== 0) continue;
        const etp = facts.etpFollowsTp ? t : p.etp ?? 1;
        if (input.model.moe && p.world % (etp * ep * p.pp) !== 0) continue;
        const set: WhatIf['set'] = { tensor_model_parallel_size: t };
        const sp = p.sequenceParallel || facts.moeNeedsSp;
        if (sp && !p.sequenceParallel) set.sequence_parallel = true;
        return {
          input: {
            ...input,
            parallel: { ...p, tp: t, etp, sequenceParallel: sp },
            batch: { ...input.batch, numMicroBatches: Math.max(1, facts.globalBatchSize / (mbs * dp)) },
          },
          title: `tensor_model_parallel_size ${p.tp} → ${t}${sp ? '' : ' (sequence_parallel stays off)'}`,
          set,
        };
      }
      return undefined;
    }
    case 'lower-micro-batch': {
      const mbs = input.batch.microBatchSize;
      for (let m = mbs - 1; m >= 1; m--) {
        if (facts.globalBatchSize % (m * facts.dp) !== 0) continue;
        return {
          input: { ...input, batch: { ...input.batch, microBatchSize: m, numMicroBatches: facts.globalBatchSize / (m * facts.dp) } },
          title: `micro_batch_size ${mbs} → ${m}`,
          set: { micro_batch_size: m },
        };
      }
      return undefined;
    }
    case 'distributed-optimizer':
      if (input.training.distributedOptimizer) return undefined;
      return {
        input: { ...input, training: { ...input.training, distributedOptimizer: true } },
        title: 'use_distributed_optimizer: true',
        set: { use_distributed_optimizer: true },
      };
  }
}

/** The estimate after one change to an already built input; undefined when the change does not apply. */
export function whatIfFromInput(built: BuiltInput, kind: WhatIfKind): WhatIf | EstimateUnknown | undefined {
  const base = safeEstimate(built.input);
  if ('unknown' in base) return base;
  const c = changed(built, kind);
  if (!c) return undefined;
  const after = safeEstimate(c.input);
  if ('unknown' in after) return undefined;
  const deviceGiB = after.worst.device;
  return {
    kind,
    title: c.title,
    set: c.set,
    before: base.worst,
    after,
    deviceGiB,
    savesGiB: Math.round((base.worst.device - deviceGiB) * 1000) / 1000,
  };
}

/** The estimate of a config after one change; undefined when the change does not apply to it. */
export function whatIf(text: string, kind: WhatIfKind, options: EstimateConfigOptions = {}): WhatIf | EstimateUnknown | undefined {
  const built = estimateInputForConfig(text, options);
  if ('unknown' in built) return built;
  return whatIfFromInput(built, kind);
}

/** Every change that applies, the largest saving first. */
export function whatIfs(text: string, options: EstimateConfigOptions = {}): WhatIf[] | EstimateUnknown {
  const built = estimateInputForConfig(text, options);
  if ('unknown' in built) return built;
  const out: WhatIf[] = [];
  for (const kind of WHAT_IF_KINDS) {
    const w = whatIfFromInput(built, kind);
    if (!w) continue;
    if ('unknown' in w) return w;
    out.push(w);
  }
  return out.sort((a, b) => b.savesGiB - a.savesGiB);
}
