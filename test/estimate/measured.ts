// The per-rank measurements of shared/fixtures/memory-measurements.json (megatron-core 0.18.2, local spec, bf16,
// distributed optimizer, torch AdamW; H200) and the estimator input each one describes.
import * as fs from 'fs';
import * as path from 'path';
import { SHARED } from '../helpers';
import { EstimateInput } from '../../core/src/estimate/types';

export interface Phase {
  alloc: number;
  reserved: number;
  peak_alloc: number;
  peak_reserved: number;
  dev_used: number;
}

export interface MeasuredConfig {
  name: string;
  L: number;
  h: number;
  a: number;
  g: number;
  f: number;
  V: number;
  s: number;
  mbs: number;
  tp: number;
  pp: number;
  ep: number;
  sp: boolean;
  dopt: boolean;
  d?: number;
  E?: number;
  k?: number;
  fe?: number;
  nmb?: number;
  rg?: 'full' | 'selective';
  rm?: 'uniform' | 'block';
  rn?: number;
  rmods?: string[];
  frozen_frac?: number;
  expandable?: boolean;
  fused_adam?: boolean;
  fake?: boolean;
  fake_rank?: number;
  fake_world?: number;
  ngpu?: number;
}

export interface Measurement {
  cfg: MeasuredConfig;
  rank: number;
  run: string;
  params_rank: number;
  params_trainable_rank: number;
  after_iter1: Phase;
  end: Phase;
  fb_peak_alloc: number[];
}

export const MEASUREMENTS_FILE = path.join(SHARED, 'fixtures', 'memory-measurements.json');

export function loadMeasurements(): Measurement[] {
  return JSON.parse(fs.readFileSync(MEASUREMENTS_FILE, 'utf8')) as Measurement[];
}

/** world size of the run: fake process groups name it; the 4-GPU runs give ngpu; the first runs used 2 GPUs */
export function worldOf(c: MeasuredConfig): number {
  return c.fake ? c.fake_world! : c.ngpu ?? 2;
}

/** the rank the record describes (fake-PG runs emulate fake_rank) */
export function rankOf(m: Measurement): number {
  return m.cfg.fake ? m.cfg.fake_rank ?? 0 : m.rank;
}

/** the estimator input for a measured configuration, straight from its record */
export function inputFor(m: Measurement): EstimateInput {
  const c = m.cfg;
  const world = worldOf(c);
  const moe = c.E ? { experts: c.E, topk: c.k!, ffn: c.fe! } : undefined;
  return {
    model: {
      layers: c.L,
      hidden: c.h,
      heads: c.a,
      queryGroups: c.g,
      ...(c.d ? { headDim: c.d } : {}),
      ffn: c.f,
      vocab: c.V,
      tiedEmbeddings: false,
      gated: true,
      normalization: 'RMSNorm',
      ...(moe ? { moe } : {}),
    },
    parallel: { world, tp: c.tp, pp: c.pp, ep: c.ep, sequenceParallel: c.sp },
    batch: { microBatchSize: c.mbs, seqLength: c.s, ...(c.nmb ? { numMicroBatches: c.nmb } : {}) },
    recompute: c.rg
      ? { granularity: c.rg, ...(c.rmods ? { modules: c.rmods } : {}), ...(c.rm ? { method: c.rm } : {}), ...(c.rn ? { numLayers: c.rn } : {}) }
      : { granularity: 'none' },
    training: {
      tuning: c.frozen_frac ? 'frozen-linears' : 'full',
      params: 'bf16',
      gradDtype: 'fp32',
      distributedOptimizer: c.dopt,
      fusedAdam: !!c.fused_adam,
      gradAccumulationFusion: false,
    },
    runtime: {
      backend: 'local',
      attention: 'flash',
      expandableSegments: !!c.expandable,
      // a fake process group has no NCCL communicators
      ...(c.fake ? { ncclGiB: 0 } : {}),
    },
  };
}

/** peak allocated over iterations 2–3 (peaks were reset after iteration 1; the optimizer step included) */
export function measuredAllocatedMiB(m: Measurement): number {
  return m.end.peak_alloc;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
