// estimateMemory: the per-rank GPU memory of a Megatron(-SWIFT) training step, per pipeline stage.
// allocated = model states + misc + activations in flight + max(loss on the last stage, backward temporaries)
// (or the optimizer step, when torch's foreach AdamW makes that the peak); reserved adds allocator fragmentation;
// device adds the CUDA context and NCCL buffers (shared/reference/memory-estimation.md §2.8–§2.9).
import {
  activationTotal,
  deviceOverheadGiB,
  Dims,
  dims,
  fragmentation,
  GIB,
  inFlight,
  isMoeLayer,
  layerActivation,
  LayerActivation,
  lossBytes,
  MIB,
  selectiveBytes,
  stageLayout,
  StageParams,
  stageParams,
  StateBytes,
  stateBytes,
  totalParams,
} from './terms';
import { EstimateInput, EstimateResult, RankEstimate } from './types';

/** Everything computed for one stage, in bytes (for tests and the what-if helpers). */
export interface StageDetail {
  stage: number;
  rank: number;
  /** decoder layers of each model chunk */
  chunks: number[][];
  params: StageParams;
  paramCount: number;
  states: StateBytes;
  /** activations one micro-batch leaves on the stage (mean over its chunks with VPP) */
  storedPerMicroBatch: number;
  /** micro-batches (model-chunk micro-batches with VPP) in flight */
  inFlight: number;
  /** activations kept by the micro-batches in flight */
  stored: number;
  /** backward temporaries: one layer's gradient temporaries (+ the recomputed chunk) */
  temps: number;
  /** the loss term (0 on stages without a loss) */
  loss: number;
  misc: number;
  fwdBwdPeak: number;
  stepPeak: number;
  peakAt: 'loss' | 'backward' | 'optimizer-step';
}

function layerBytes(input: EstimateInput, D: Dims, i: number, cache: Map<boolean, LayerActivation>): LayerActivation {
  const moe = isMoeLayer(input.model, i);
  let a = cache.get(moe);
  if (!a) {
    a = layerActivation(input, D, moe);
    cache.set(moe, a);
  }
  return a;
}

/** Activations one micro-batch leaves in a model chunk (§2.5). */
function chunkStored(input: EstimateInput, D: Dims, layers: number[], cache: Map<boolean, LayerActivation>): number {
  const rc = input.recompute;
  const layerInput = (2 * D.h * D.T) / D.tsp;
  if (rc.granularity === 'full') {
    const n = Math.max(1, rc.numLayers ?? 1);
    if ((rc.method ?? 'uniform') === 'uniform') return Math.ceil(layers.length / n) * layerInput;
    const kept = layers.slice(Math.min(n, layers.length));
    return Math.min(n, layers.length) * layerInput + kept.reduce((s, i) => s + D.T * activationTotal(layerBytes(input, D, i, cache)), 0);
  }
  const modules = rc.granularity === 'selective' ? rc.modules ?? ['core_attn'] : [];
  return layers.reduce((s, i) => s + D.T * selectiveBytes(layerBytes(input, D, i, cache), modules, D), 0);
}

/** Per-stage details, in bytes. Throws EstimateInputError for inputs that describe no valid run. */
export function estimateStages(input: EstimateInput): StageDetail[] {
  const D = dims(input);
  const layout = stageLayout(D.L, D.p, D.v, input.parallel.firstStageLayers, input.parallel.lastStageLayers);
  const cache = new Map<boolean, LayerActivation>();
  const rc = input.recompute;
  const misc = (input.runtime.miscMiB ?? 100) * MIB;
  const out: StageDetail[] = [];
  for (let r = 0; r < D.p; r++) {
    const chunks = layout[r]!;
    const layers = chunks.flat();
    const last = r === D.p - 1;
    const params = stageParams(input, D, layers, r);
    const states = stateBytes(input, D, params);
    const perChunk = chunks.map((c) => chunkStored(input, D, c, cache));
    const storedPerMicroBatch = perChunk.reduce((s, x) => s + x, 0) / chunks.length;
    const flight = inFlight(D.p, r, D.m, D.v);
    let stored = flight * storedPerMicroBatch;
    // the largest layer of the stage, fully (its backward temporaries, and what recomputing it brings back)
    const allLayers = last && (input.model.mtpLayers ?? 0) > 0 ? [...layers, D.L] : layers;
    const aMax = allLayers.reduce((mx, i) => Math.max(mx, D.T * activationTotal(layerBytes(input, D, Math.min(i, D.L - 1), cache))), 0);
    let temps = aMax;
    if (rc.granularity === 'full') {
      const n = Math.max(1, rc.numLayers ?? 1);
      const biggestChunk = Math.max(...chunks.map((c) => c.length), 0);
      temps += (rc.method ?? 'uniform') === 'uniform' ? Math.min(n, biggestChunk) * aMax : aMax;
    }
    if (D.c > 1) temps += (2 * (2 * D.hk + 2 * D.hv) * D.T) / D.t; // ring attention: K,V chunks in flight
    let loss = 0;
    if (last) {
      const l = lossBytes(input, D);
      loss = l.logits + l.weightGrad + l.inputs;
      // MTP layers sit after the decoder on the last stage and keep their activations like a layer
      const mtp = input.model.mtpLayers ?? 0;
      if (mtp > 0) stored += mtp * D.T * activationTotal(layerBytes(input, D, D.L - 1, cache));
    }
    const modelStates = states.weights + states.grads + states.optimizer;
    const fwdBwdPeak = modelStates + misc + stored + Math.max(loss, temps);
    const transient = input.training.fusedAdam === false ? 4 * states.optimizerShardParams : 0;
    const stepPeak = modelStates + misc + transient;
    const peakAt = stepPeak > fwdBwdPeak ? 'optimizer-step' : loss >= temps && last ? 'loss' : 'backward';
    out.push({
      stage: r,
      rank: r * (D.W / D.p),
      chunks,
      params,
      paramCount: totalParams(params),
      states,
      storedPerMicroBatch,
      inFlight: flight,
      stored,
      temps,
      loss,
      misc,
      fwdBwdPeak,
      stepPeak,
      peakAt,
    });
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function toRank(input: EstimateInput, s: StageDetail): RankEstimate {
  const phi = fragmentation(input);
  const o = deviceOverheadGiB(input);
  const step = s.peakAt === 'optimizer-step';
  const weights = s.states.weights;
  const grads = s.states.grads;
  const optimizer = s.states.optimizer + (step ? s.stepPeak - (weights + grads + s.states.optimizer + s.misc) : 0);
  const logits = step ? 0 : s.loss;
  const activations = step ? 0 : s.stored + Math.max(0, s.temps - s.loss);
  const allocated = Math.max(s.fwdBwdPeak, s.stepPeak);
  const reserved = allocated * (1 + phi);
  const device = reserved / GIB + o.context + o.nccl + o.extra;
  return {
    rank: s.rank,
    stage: s.stage,
    weights: round(weights / GIB),
    grads: round(grads / GIB),
    optimizer: round(optimizer / GIB),
    activations: round(activations / GIB),
    logits: round(logits / GIB),
    overhead: round(s.misc / GIB),
    allocated: round(allocated / GIB),
    reserved: round(reserved / GIB),
    device: round(device),
  };
}

function gib(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function describe(input: EstimateInput, stages: StageDetail[]): string[] {
  const D = dims(input);
  const out: string[] = [];
  const seqs = input.batch.sequencesPerSample ?? 1;
  out.push(
    `${Math.round(D.T).toLocaleString('en-US')} tokens per micro-batch on each rank ` +
      `(micro_batch_size ${input.batch.microBatchSize} × ${input.batch.seqLength} tokens${seqs > 1 ? ` × ${seqs} sequences` : ''}${D.c > 1 ? ` ÷ CP ${D.c}` : ''})` +
      `${D.tsp > 1 ? `; sequence parallel splits the per-layer activations over TP ${D.t}` : D.t > 1 ? '; no sequence parallel: norm inputs are not split over TP' : ''}.`,
  );
  if (D.p > 1) {
    const flights = stages.map((s) => s.inFlight).join('/');
    out.push(
      D.v > 1
        ? `Interleaved pipeline (PP ${D.p}, VPP ${D.v}, ${D.m} micro-batches): stages keep ${flights} chunk-micro-batches in flight.`
        : `1F1B pipeline (PP ${D.p}, ${D.m} micro-batches): stages keep ${flights} micro-batches in flight; the loss is on the last stage.`,
    );
  }
  const tr = input.training;
  if (tr.distributedOptimizer && D.denseShard === 1 && (!input.model.moe || D.edp === 1)) {
    out.push('Distributed optimizer on, but DP×CP = 1: there is nothing to shard over, so every rank keeps all its master weights and optimizer states.');
  } else if (tr.distributedOptimizer) {
    out.push(`Distributed optimizer: master weights and optimizer states sharded over DP×CP = ${D.denseShard}${input.model.moe ? `, expert ones over expert-DP = ${D.edp}` : ''}.`);
  } else out.push('No distributed optimizer: every DP rank keeps all master weights and optimizer states.');
  if (tr.tuning === 'lora') out.push(`LoRA: base weights frozen (${tr.params}, no gradients or optimizer states); adapters rank ${tr.lora?.rank ?? 0} train.`);
  if (tr.optimizerOffloadFraction) {
    out.push(
      `optimizer_cpu_offload: ${Math.round(tr.optimizerOffloadFraction * 100)}% of master weights and optimizer states on the CPU; ` +
        'ms-swift examples with offload use 5–10 GiB more on the GPU than this (unexplained, so not added).',
    );
  }
  if (tr.fp8) out.push(`FP8: +${tr.fp8.paramGather ? 1 : 2} B per linear weight for quantised copies; linear inputs kept in FP8.`);
  if (tr.fusedAdam === false) out.push("torch's foreach AdamW: step() needs 4 B more per optimizer-shard parameter.");
  out.push(
    input.runtime.backend === 'te'
      ? 'TransformerEngine layers (the mixed QKV buffer is not kept, ρ = 0).'
      : 'megatron-core local layers (the mixed QKV buffer stays alive, ρ = 1).',
  );
  if (input.runtime.attention === 'unfused') out.push('Unfused attention keeps the s² score matrices: memory grows with the square of the sequence length.');
  if (input.model.moe) {
    out.push(`MoE routing assumed balanced (each rank gets topk × its tokens${(input.model.moe.imbalance ?? 1) !== 1 ? ` × ${input.model.moe.imbalance}` : ''}).`);
  }
  const phi = fragmentation(input);
  const o = deviceOverheadGiB(input);
  out.push(
    `reserved = allocated × ${(1 + phi).toFixed(3)} (${input.runtime.expandableSegments ? 'expandable_segments on' : 'expandable_segments off'}); ` +
      `device = reserved + ${gib(o.context)} GiB CUDA context + ${gib(o.nccl)} GiB NCCL${o.extra ? ` + ${gib(o.extra)} GiB other` : ''}.`,
  );
  return out;
}

export function estimateMemory(input: EstimateInput): EstimateResult {
  const stages = estimateStages(input);
  const perRank = stages.map((s) => toRank(input, s));
  let worst = perRank[0]!;
  for (const r of perRank) if (r.device > worst.device) worst = r;
  const assumptions = [...(input.assumptions ?? []), ...describe(input, stages)];
  const w = stages[worst.stage]!;
  if (w.peakAt === 'optimizer-step') {
    assumptions.push(`Stage ${w.stage} peaks in the optimizer step; its forward-backward peak is ${gib(w.fwdBwdPeak / GIB)} GiB.`);
  }
  const moe = input.model.moe;
  if (moe && (moe.imbalance ?? 1) < 2) {
    const skewed = estimateStages({ ...input, model: { ...input.model, moe: { ...moe, imbalance: 2 } } });
    const worse = Math.max(...skewed.map((s) => Math.max(s.fwdBwdPeak, s.stepPeak)));
    const more = (worse - Math.max(w.fwdBwdPeak, w.stepPeak)) / GIB;
    if (more > 0.05) assumptions.push(`Dropless routing can send 2× the average tokens to one expert rank early in training: up to ≈ ${gib(more)} GiB more there.`);
  }
  return { perRank, worst, assumptions };
}
