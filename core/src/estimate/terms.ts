// The terms of the per-rank memory estimate, each a pure function of the input (bytes, not GiB), so that each can be
// tested on small hand-computed cases. Formulas: shared/reference/memory-estimation.md §2.2–§2.8.
import { EstimateInput, LoraConfig, ModelShape, StateDtype } from './types';

export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

/** Thrown for inputs that cannot describe a run (zero sizes, world not a multiple of TP×PP×CP, ...). */
export class EstimateInputError extends Error {}

// ---- derived sizes -----------------------------------------------------------------------------------------------

/** Sizes every term needs, derived once from the input. */
export interface Dims {
  L: number;
  h: number;
  a: number;
  /** KV heads */
  g: number;
  /** head dim */
  d: number;
  /** query width a·d (MLA: a·(nope+rope)) */
  hq: number;
  /** width of K, of V and of the attention output O per token (a·… for MLA) */
  hk: number;
  hv: number;
  ho: number;
  f: number;
  /** vocabulary after padding */
  V: number;
  gated: boolean;
  /** parameters of one norm (1·h for RMSNorm, 2·h for LayerNorm) per hidden unit */
  normFactor: number;
  W: number;
  t: number;
  /** t when sequence parallel, else 1 */
  tsp: number;
  p: number;
  c: number;
  e: number;
  te: number;
  /** model chunks per pipeline rank (1 without VPP) */
  v: number;
  dp: number;
  /** the group the distributed optimizer shards dense parameters over: DP × CP */
  denseShard: number;
  /** expert data-parallel size W / (ETP × EP × PP) */
  edp: number;
  /** tokens of one micro-batch on this rank before the TP split: mbs × seq × sequences / CP */
  T: number;
  /** one sample's length (for s² attention terms) */
  s: number;
  /** micro-batches per step per DP rank */
  m: number;
  /** ρ: 1 when the mixed QKV buffer stays alive (megatron-core local spec), 0 on TransformerEngine */
  rho: number;
}

function posInt(name: string, v: number | undefined, fallback?: number): number {
  const x = v ?? fallback;
  if (x === undefined || !Number.isFinite(x) || x <= 0) throw new EstimateInputError(`${name} must be a positive number (got ${v})`);
  return x;
}

export function dims(input: EstimateInput): Dims {
  const { model, parallel, batch } = input;
  const L = posInt('layers', model.layers);
  const h = posInt('hidden size', model.hidden);
  const a = posInt('attention heads', model.heads);
  const g = posInt('query groups', model.queryGroups, a);
  const d = posInt('head dim', model.headDim, h / a);
  const f = posInt('FFN size', model.ffn);
  const t = posInt('TP', parallel.tp);
  const p = posInt('PP', parallel.pp);
  const c = posInt('CP', parallel.cp, 1);
  const e = posInt('EP', parallel.ep, 1);
  const te = posInt('ETP', parallel.etp, 1);
  const v = posInt('VPP', parallel.vpp, 1);
  const W = posInt('world size', parallel.world);
  if (W % (t * p * c) !== 0) throw new EstimateInputError(`the world size ${W} is not a multiple of TP × PP × CP = ${t * p * c}`);
  const dp = W / (t * p * c);
  const moe = model.moe;
  if (moe && W % (te * e * p) !== 0) throw new EstimateInputError(`the world size ${W} is not a multiple of ETP × EP × PP = ${te * e * p}`);
  const edp = moe ? W / (te * e * p) : dp * c;
  const div = (model.vocabDivisibleBy ?? 1) * t;
  const V = Math.ceil(posInt('vocabulary size', model.vocab) / div) * div;
  let hq = a * d;
  let hk = g * d;
  let hv = g * d;
  let ho = a * d;
  if (model.mla) {
    hq = a * (model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim);
    hk = hq;
    hv = a * model.mla.vHeadDim;
    ho = hv;
  }
  const mbs = posInt('micro batch size', batch.microBatchSize);
  const s = posInt('sequence length', batch.seqLength);
  const seqs = posInt('sequences per sample', batch.sequencesPerSample, 1);
  const T = (mbs * s * seqs) / c;
  const m = Math.max(1, Math.floor(batch.numMicroBatches ?? p));
  const lora = input.training.tuning === 'lora' ? input.training.lora : undefined;
  if (lora && (!(lora.rank >= 0) || !(lora.dropout >= 0))) throw new EstimateInputError(`LoRA rank and dropout must not be negative (got ${lora.rank}, ${lora.dropout})`);
  return {
    L, h, a, g, d, hq, hk, hv, ho, f, V,
    gated: model.gated ?? true,
    normFactor: model.normalization === 'LayerNorm' ? 2 : 1,
    W, t, tsp: parallel.sequenceParallel ? t : 1, p, c, e, te, v, dp,
    denseShard: dp * c,
    edp, T, s, m,
    rho: input.runtime.backend === 'local' ? 1 : 0,
  };
}

// ---- pipeline layout ---------------------------------------------------------------------------------------------

/**
 * The decoder layers (global indices) of each model chunk of each pipeline stage: [stage][chunk][layer].
 * Without VPP a stage has one chunk; `decoder_first/last_pipeline_num_layers` move layers to/from the ends.
 * With VPP, stage r holds chunks r, r+p, r+2p, ... of L/(p·v) layers each.
 */
export function stageLayout(L: number, p: number, v = 1, first?: number, last?: number): number[][][] {
  const range = (from: number, n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => from + i);
  if (v > 1) {
    const chunks = p * v;
    const sizes = Array.from({ length: chunks }, (_, i) => Math.floor(L / chunks) + (i < L % chunks ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((x, y) => x + y, 0));
    return Array.from({ length: p }, (_, r) => Array.from({ length: v }, (_, j) => range(starts[j * p + r]!, sizes[j * p + r]!)));
  }
  if (p === 1) return [[range(0, L)]];
  const counts = new Array<number>(p).fill(0);
  let rest = L;
  let lo = 0;
  let hi = p;
  if (first !== undefined) {
    counts[0] = Math.min(first, rest);
    rest -= counts[0]!;
    lo = 1;
  }
  if (last !== undefined && hi - 1 >= lo) {
    counts[p - 1] = Math.min(last, rest);
    rest -= counts[p - 1]!;
    hi = p - 1;
  }
  const middle = hi - lo;
  for (let i = lo; i < hi; i++) counts[i] = Math.floor(rest / middle) + (i - lo < rest % middle ? 1 : 0);
  let at = 0;
  return counts.map((n) => {
    const r = range(at, n);
    at += n;
    return [r];
  });
}

/** whether decoder layer i is a MoE layer */
export function isMoeLayer(model: ModelShape, i: number): boolean {
  return !!model.moe && i >= (model.moe.firstDenseLayers ?? 0);
}

// ---- pipeline schedule -------------------------------------------------------------------------------------------

/**
 * Micro-batches whose activations stage r keeps at once (§2.6), in units of one model chunk's micro-batch.
 * PP = 1: 1. 1F1B: min(p − r, m). Interleaved (v chunks): min((p − r − 1)·2 + (v − 1)·p + 1, m·v).
 */
export function inFlight(p: number, r: number, m: number, v = 1): number {
  if (p === 1) return 1;
  if (v > 1) return Math.min((p - r - 1) * 2 + (v - 1) * p + 1, m * v);
  return Math.min(p - r, m);
}

// ---- parameters --------------------------------------------------------------------------------------------------

/** Parameters held by one rank of a stage, by how they are sharded and trained. */
export interface StageParams {
  /** TP-sharded decoder linear weights (attention, dense MLP, shared experts) */
  denseLinear: number;
  /** routed-expert weights (÷ EP·ETP) */
  expertLinear: number;
  /** replicated small parameters: norms, router, shared-expert gate, q/k norms, MLA down projections */
  replicated: number;
  /** embedding and output layer (÷ TP) */
  embedding: number;
  /** LoRA adapters on dense linears / on experts */
  adaptersDense: number;
  adaptersExpert: number;
}

export function emptyParams(): StageParams {
  return { denseLinear: 0, expertLinear: 0, replicated: 0, embedding: 0, adaptersDense: 0, adaptersExpert: 0 };
}

function addParams(a: StageParams, b: StageParams): StageParams {
  return {
    denseLinear: a.denseLinear + b.denseLinear,
    expertLinear: a.expertLinear + b.expertLinear,
    replicated: a.replicated + b.replicated,
    embedding: a.embedding + b.embedding,
    adaptersDense: a.adaptersDense + b.adaptersDense,
    adaptersExpert: a.adaptersExpert + b.adaptersExpert,
  };
}

function loraTargets(lora: LoraConfig | undefined): Set<string> {
  if (!lora) return new Set();
  return new Set(lora.targets === 'all-linear' ? ['qkv', 'proj', 'fc1', 'fc2'] : lora.targets);
}

/** Parameters of one decoder layer on one rank (§2.2), with LoRA adapters when the input uses LoRA. */
export function layerParams(input: EstimateInput, D: Dims, moeLayer: boolean): StageParams {
  const { model } = input;
  const { h, t, te, e, f, normFactor } = D;
  const out = emptyParams();
  const lora = input.training.tuning === 'lora' ? input.training.lora : undefined;
  const targets = loraTargets(lora);
  const r = lora?.rank ?? 0;
  // attention
  if (model.mla) {
    const m = model.mla;
    const a = D.a;
    const qUp = m.qLoraRank ? m.qLoraRank * a * (m.qkNopeHeadDim + m.qkRopeHeadDim) : h * a * (m.qkNopeHeadDim + m.qkRopeHeadDim);
    const kvUp = m.kvLoraRank * a * (m.qkNopeHeadDim + m.vHeadDim);
    out.denseLinear += (qUp + kvUp + a * m.vHeadDim * h) / t;
    out.replicated += (m.qLoraRank ? h * m.qLoraRank + m.qLoraRank : 0) + h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank;
  } else {
    const qkvOut = D.hq + D.hk + D.hv;
    out.denseLinear += (h * qkvOut + (model.qkvBias ? qkvOut : 0) + D.ho * h) / t;
    if (model.qkNorm) out.replicated += 2 * D.d;
  }
  out.replicated += normFactor * h; // input norm
  out.replicated += normFactor * h; // pre-MLP norm
  if (targets.has('qkv')) out.adaptersDense += r * h + (r * (D.hq + D.hk + D.hv)) / t;
  if (targets.has('proj')) out.adaptersDense += (r * D.ho) / t + r * h;
  const mlpMatrices = D.gated ? 3 : 2;
  const fc1Out = D.gated ? 2 : 1;
  if (moeLayer && model.moe) {
    const moe = model.moe;
    const local = moe.experts / e;
    out.expertLinear += (local * mlpMatrices * h * moe.ffn) / te;
    out.replicated += h * moe.experts; // router
    const fs = moe.sharedFfn ?? 0;
    if (fs > 0) {
      out.denseLinear += (mlpMatrices * h * fs) / t;
      if (moe.sharedGate) out.replicated += h;
    }
    if (lora && lora.experts !== false) {
      if (targets.has('fc1')) out.adaptersExpert += local * (r * h + (r * fc1Out * moe.ffn) / te);
      if (targets.has('fc2')) out.adaptersExpert += local * ((r * moe.ffn) / te + r * h);
    }
    if (fs > 0) {
      if (targets.has('fc1')) out.adaptersDense += r * h + (r * fc1Out * fs) / t;
      if (targets.has('fc2')) out.adaptersDense += (r * fs) / t + r * h;
    }
  } else {
    out.denseLinear += (mlpMatrices * h * f) / t;
    if (targets.has('fc1')) out.adaptersDense += r * h + (r * fc1Out * f) / t;
    if (targets.has('fc2')) out.adaptersDense += (r * f) / t + r * h;
  }
  return out;
}

/** Parameters on one rank of stage `stage` (embedding on the first, final norm and output layer on the last). */
export function stageParams(input: EstimateInput, D: Dims, layers: number[], stage: number): StageParams {
  const { model } = input;
  let out = emptyParams();
  for (const i of layers) out = addParams(out, layerParams(input, D, isMoeLayer(model, i)));
  const first = stage === 0;
  const last = stage === D.p - 1;
  const vocabShard = (D.V * D.h) / D.t;
  if (first) out.embedding += vocabShard;
  if (last) {
    out.replicated += D.normFactor * D.h; // final norm
    // untied: the output layer; tied with PP > 1: the last stage keeps its own copy of the embedding
    if (!model.tiedEmbeddings || D.p > 1) out.embedding += vocabShard;
    const mtp = model.mtpLayers ?? 0;
    for (let k = 0; k < mtp; k++) {
      out = addParams(out, layerParams(input, D, !!model.moe));
      out.denseLinear += (2 * D.h * D.h) / D.t; // eh_proj
      out.replicated += 3 * D.normFactor * D.h; // enorm, hnorm, final norm
    }
  }
  return out;
}

export function totalParams(p: StageParams): number {
  return p.denseLinear + p.expertLinear + p.replicated + p.embedding + p.adaptersDense + p.adaptersExpert;
}

// ---- model states ------------------------------------------------------------------------------------------------

const STATE_BYTES: Record<StateDtype, number> = { fp32: 4, fp16: 2, bf16: 2, fp8: 1 };

export interface StateBytes {
  weights: number;
  grads: number;
  optimizer: number;
  /** parameters the optimizer updates on this rank (its shard) and keeps on the GPU */
  optimizerShardParams: number;
  /** trainable parameters on this rank (before sharding) */
  trainable: number;
}

/** Bytes of parameters, gradients and optimizer states on one rank of a stage (§2.3). */
export function stateBytes(input: EstimateInput, D: Dims, P: StageParams): StateBytes {
  const tr = input.training;
  const pb = tr.params === 'fp32' ? 4 : 2;
  let trainDense: number;
  let trainExpert: number;
  let frozen: number;
  if (tr.tuning === 'full') {
    trainDense = P.denseLinear + P.replicated + P.embedding;
    trainExpert = P.expertLinear;
    frozen = 0;
  } else if (tr.tuning === 'frozen-linears') {
    trainDense = P.replicated + P.embedding;
    trainExpert = 0;
    frozen = P.denseLinear + P.expertLinear;
  } else {
    trainDense = P.adaptersDense;
    trainExpert = P.adaptersExpert;
    frozen = P.denseLinear + P.expertLinear + P.replicated + P.embedding;
  }
  const all = frozen + trainDense + trainExpert;
  const gradDtype = tr.gradDtype ?? (tr.params === 'fp16' ? 'fp16' : 'fp32');
  const gb = gradDtype === 'fp32' ? 4 : 2;
  // optimizer bytes per trainable parameter before sharding
  const states = tr.optimizer === 'sgd' || tr.optimizer === 'muon' ? 1 : 2;
  let perParam: number;
  if (tr.params === 'fp32') perParam = 4 * states;
  else if (tr.precisionAware) {
    const pa = tr.precisionAware;
    perParam = STATE_BYTES[pa.mainParams === 'fp16' ? 'fp16' : 'fp32'] + STATE_BYTES[pa.expAvg] + (states === 2 ? STATE_BYTES[pa.expAvgSq] : 0);
  } else {
    // fp32 master weights + fp32 moments, plus an fp32 copy of the gradients when the buffer is 16-bit
    perParam = 4 + 4 * states + (gb === 4 ? 0 : 4);
  }
  const keep = 1 - Math.min(1, Math.max(0, tr.optimizerOffloadFraction ?? 0));
  const dist = tr.distributedOptimizer || !!tr.megatronFsdp;
  const shardDense = dist ? trainDense / D.denseShard : trainDense;
  const shardExpert = dist ? trainExpert / D.edp : trainExpert;
  const optimizerShardParams = (shardDense + shardExpert) * keep;
  let weights = pb * all;
  let grads = gb * (trainDense + trainExpert);
  if (tr.megatronFsdp) {
    weights = pb * ((frozen + trainDense) / D.denseShard + trainExpert / D.edp);
    grads = gb * (trainDense / D.denseShard + trainExpert / D.edp);
  }
  // FP8: quantised weight caches (row- and column-wise) ≈ +2 B per linear weight; fp8_param_gather replaces the
  // bf16 parameter buffer (−1 B)
  if (tr.fp8) weights += (P.denseLinear + P.expertLinear) * (tr.fp8.paramGather ? 1 : 2);
  if (tr.referenceModel) weights += pb * (P.denseLinear + P.expertLinear + P.replicated + P.embedding);
  return { weights, grads, optimizer: perParam * optimizerShardParams, optimizerShardParams, trainable: trainDense + trainExpert };
}

// ---- activations -------------------------------------------------------------------------------------------------

/** Which linears' weights need a gradient, and which carry LoRA adapters. */
interface LinearState {
  trainable: boolean;
  lora: boolean;
}

function linearState(input: EstimateInput, which: 'qkv' | 'proj' | 'fc1' | 'fc2', expert: boolean): LinearState {
  const tr = input.training;
  if (tr.tuning === 'full') return { trainable: true, lora: false };
  if (tr.tuning === 'frozen-linears') return { trainable: false, lora: false };
  const lora = tr.lora;
  if (!lora || (expert && lora.experts === false)) return { trainable: false, lora: false };
  return { trainable: false, lora: loraTargets(lora).has(which) };
}

/**
 * Bytes a linear keeps for its backward, per token: `x` = its input itself (2 B/element, 1 B in FP8), which the
 * layernorm recompute can discard for QKV/FC1; `extra` = LoRA's dropout(x) and mask (3 B/element) and lora_A's output.
 * A frozen linear without adapters keeps nothing (TE and local linears save the input only when the weight needs a
 * gradient, §2.4).
 */
function savedInput(input: EstimateInput, st: LinearState, elems: number, tokensDiv: number): { x: number; extra: number } {
  const fp8 = !!input.training.fp8;
  if (st.trainable) return { x: (fp8 ? 1 : 2) * elems, extra: 0 };
  if (!st.lora) return { x: 0, extra: 0 };
  const lora = input.training.lora!;
  const loraOut = (2 * lora.rank) / tokensDiv;
  return lora.dropout > 0 ? { x: 0, extra: 3 * elems + loraOut } : { x: 2 * elems, extra: loraOut };
}

/** Bytes per token of one layer's saved activations, by part, before any recompute (§2.4). */
export interface LayerActivation {
  /** input-norm input + pre-MLP norm input (the residual stream) */
  norms: number;
  /** the QKV input kept because of the QKV weight (layernorm recompute drops it) */
  qkvX: number;
  /** Q, K, V, O (+ ρ mixed QKV buffer), s² scores without flash, LoRA/FP8 copies of the projection input */
  attention: number;
  /** the s² part of `attention` (unfused attention), which core_attn recompute drops */
  scores: number;
  /** dense MLP: FC1 input, FC1 output, FC2 input (0 on MoE layers) */
  mlp: number;
  /** the FC1 input kept because of the FC1 weight (layernorm recompute drops it) */
  fc1X: number;
  /** MoE: routed experts' activations + router probabilities (0 on dense layers) */
  moe: number;
  /** MoE: the FC2 inputs of the routed experts (moe_act recompute drops them) */
  moeAct: number;
  /** shared expert activations */
  shared: number;
  /** dropout masks */
  dropout: number;
}

export function layerActivation(input: EstimateInput, D: Dims, moeLayer: boolean): LayerActivation {
  const { model } = input;
  const { h, t, tsp, f } = D;
  const rho = D.rho;
  const out: LayerActivation = { norms: 4 * h / tsp, qkvX: 0, attention: 0, scores: 0, mlp: 0, fc1X: 0, moe: 0, moeAct: 0, shared: 0, dropout: 0 };
  const qkv = savedInput(input, linearState(input, 'qkv', false), h / tsp, tsp);
  out.qkvX = qkv.x;
  // Q, K, V and O (2 B each); ρ: the mixed QKV buffer behind the views (§2.4: ρ·(2·hq + 2·hkv))
  out.attention = (2 * D.hq + 2 * D.hk + 2 * D.hv + 2 * D.ho) / t + (rho * (2 * D.hq + 2 * D.hk)) / t + qkv.extra;
  if (model.mla) {
    // latent vectors of MLA (compressed q and kv, and their normed copies for the up projections)
    const mla = model.mla;
    out.attention += (4 * ((mla.qLoraRank ?? 0) + mla.kvLoraRank + mla.qkRopeHeadDim)) / tsp;
  }
  // the projection's input is O, which flash attention keeps anyway; FP8 and LoRA with dropout keep copies
  const proj = linearState(input, 'proj', false);
  if (proj.trainable && input.training.fp8) out.attention += D.ho / t;
  else if (proj.lora) {
    const pr = savedInput(input, proj, D.ho / t, tsp);
    out.attention += pr.extra;
  }
  if ((input.runtime.attention ?? 'flash') === 'unfused') {
    // Korthikanti's 5as/h term per token: scores and softmax (2+2 B) and the dropout mask (1 B)
    out.scores = ((4 + 1) * D.a * D.s) / t;
    out.attention += out.scores;
  }
  if ((input.runtime.hiddenDropout ?? 0) > 0) out.dropout = (2 * h) / tsp;
  const act = (D.gated ? 4 : 2); // FC1 output bytes per FFN unit (gated: two halves)
  if (moeLayer && model.moe) {
    const moe = model.moe;
    const k = moe.topk;
    const iota = moe.imbalance ?? 1;
    const fe = moe.ffn;
    const fc1 = savedInput(input, linearState(input, 'fc1', true), h, 1);
    const fc2 = savedInput(input, linearState(input, 'fc2', true), fe / D.te, 1);
    const perRouted = fc1.x + fc1.extra + (act * fe) / D.te + fc2.x + fc2.extra + (moe.unpermuteKeepsOutput ? 2 * h : 0);
    out.moe = (k * iota * perRouted + 12 * moe.experts) / tsp;
    out.moeAct = (k * iota * (fc2.x + fc2.extra)) / tsp;
    const fs = moe.sharedFfn ?? 0;
    if (fs > 0) {
      const s1 = savedInput(input, linearState(input, 'fc1', false), h / tsp, tsp);
      const s2 = savedInput(input, linearState(input, 'fc2', false), fs / t, tsp);
      out.shared = s1.x + s1.extra + (act * fs) / t + s2.x + s2.extra;
    }
  } else {
    const fc1 = savedInput(input, linearState(input, 'fc1', false), h / tsp, tsp);
    const fc2 = savedInput(input, linearState(input, 'fc2', false), f / t, tsp);
    out.fc1X = fc1.x;
    out.mlp = fc1.x + fc1.extra + (act * f) / t + fc2.x + fc2.extra;
  }
  return out;
}

export function activationTotal(a: LayerActivation): number {
  return a.norms + a.qkvX + a.attention + a.mlp + a.moe + a.shared + a.dropout;
}

/** Bytes per token a layer keeps under selective recompute of `modules` (§2.5). */
export function selectiveBytes(a: LayerActivation, modules: readonly string[], D: Dims): number {
  const set = new Set(modules);
  const input = (2 * D.h) / D.tsp; // a checkpointed module keeps its input
  let attention = a.attention;
  let qkvX = a.qkvX;
  let mlp = a.mlp;
  let moe = a.moe;
  let shared = a.shared;
  if (set.has('core_attn')) attention -= a.scores;
  if (set.has('layernorm')) qkvX = 0;
  if (set.has('mlp') && a.mlp > 0) mlp = input;
  else if (set.has('layernorm')) mlp -= a.fc1X;
  if (set.has('moe') && a.moe > 0) {
    moe = 0;
    shared = 0;
  } else {
    if (set.has('moe_act')) moe -= a.moeAct;
    if (set.has('shared_experts') && a.shared > 0) shared = 0;
  }
  return a.norms + qkvX + attention + mlp + moe + shared + a.dropout;
}

// ---- loss --------------------------------------------------------------------------------------------------------

/**
 * Peak bytes of the loss on a stage that computes it (§2.7): bf16 logits and their fp32 softmax (6 B per logit;
 * 2 B with TE's in-place fused cross entropy), the bf16 output-layer weight gradient when gradient-accumulation
 * fusion is off and the output layer trains, and the final-norm and output-layer inputs. × (1 + MTP layers).
 */
export function lossBytes(input: EstimateInput, D: Dims): { logits: number; weightGrad: number; inputs: number } {
  if (input.model.vocabLogits === false) return { logits: 0, weightGrad: 0, inputs: (2 * 2 * D.h * D.T) / D.tsp };
  const perLogit = input.training.crossEntropy === 'te' ? 2 : 6;
  const losses = 1 + (input.model.mtpLayers ?? 0);
  const logits = perLogit * (D.V / D.t) * D.T * losses;
  const outputTrains = input.training.tuning !== 'lora';
  const weightGrad = input.training.gradAccumulationFusion === false && outputTrains ? (2 * D.V * D.h) / D.t : 0;
  const inputs = ((2 * 2 * D.h * D.T) / D.tsp) * losses;
  return { logits, weightGrad, inputs };
}

// ---- overheads ---------------------------------------------------------------------------------------------------

/** reserved / allocated − 1 (§2.9, §5) */
export function fragmentation(input: EstimateInput): number {
  const moe = !!input.model.moe;
  if (input.runtime.expandableSegments) return moe ? 0.015 : 0.01;
  if (moe) return 0.11;
  return input.parallel.pp > 1 ? 0.07 : 0.05;
}

/** CUDA context and NCCL buffers per process, GiB (§2.9) */
export function deviceOverheadGiB(input: EstimateInput): { context: number; nccl: number; extra: number } {
  const rt = input.runtime;
  const context = rt.cudaContextGiB ?? 0.75;
  const ep = input.parallel.ep ?? 1;
  const nccl = rt.ncclGiB ?? (input.parallel.world <= 1 ? 0 : ep > 1 ? 4.9 : 2.6);
  return { context, nccl, extra: rt.extraDeviceGiB ?? 0 };
}
