// Each term of the estimate on tiny models whose numbers are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activationTotal,
  deviceOverheadGiB,
  dims,
  EstimateInputError,
  fragmentation,
  inFlight,
  layerActivation,
  lossBytes,
  selectiveBytes,
  stageLayout,
  stageParams,
  stateBytes,
  totalParams,
} from '../../core/src/estimate/terms';
import { estimateMemory, estimateStages } from '../../core/src/estimate/estimate';
import { fitsOn } from '../../core/src/estimate/fit';
import { EstimateInput, EstimateResult, RankEstimate } from '../../core/src/estimate/types';

/**
 * Tiny dense model: L 2, h 8, a 2 heads of d 4 (hq 8), 1 KV group (hkv 4), SwiGLU f 16, V 32 untied, RMSNorm.
 * Per layer: QKV 8·(8+4+4) = 128, projection 8·8 = 64, MLP 3·8·16 = 384, two norms 16 → 592.
 * Model: 2·592 + embedding 256 + output 256 + final norm 8 = 1704.
 */
function tiny(over: { model?: Partial<EstimateInput['model']>; parallel?: Partial<EstimateInput['parallel']>; batch?: Partial<EstimateInput['batch']>; recompute?: EstimateInput['recompute']; training?: Partial<EstimateInput['training']>; runtime?: Partial<EstimateInput['runtime']> } = {}): EstimateInput {
  return {
    model: { layers: 2, hidden: 8, heads: 2, queryGroups: 1, ffn: 16, vocab: 32, tiedEmbeddings: false, gated: true, ...over.model },
    parallel: { world: 1, tp: 1, pp: 1, sequenceParallel: false, ...over.parallel },
    batch: { microBatchSize: 1, seqLength: 4, ...over.batch },
    recompute: over.recompute ?? { granularity: 'none' },
    training: { tuning: 'full', params: 'bf16', distributedOptimizer: true, ...over.training },
    runtime: { backend: 'te', expandableSegments: false, ...over.runtime },
  };
}

function paramsOf(input: EstimateInput, stage = 0) {
  const D = dims(input);
  const layout = stageLayout(D.L, D.p, D.v, input.parallel.firstStageLayers, input.parallel.lastStageLayers);
  return stageParams(input, D, layout[stage]!.flat(), stage);
}

test('parameters: the tiny model has 1704; TP2 halves the linears and the vocabulary', () => {
  assert.equal(totalParams(paramsOf(tiny())), 1704);
  // TP2: linears (128+64+384)/2 = 288 + norms 16 per layer → 608; embedding 128 + output 128 + final norm 8
  assert.equal(totalParams(paramsOf(tiny({ parallel: { world: 2, tp: 2 } }))), 872);
  // tied embeddings on one stage: the output layer is the embedding
  assert.equal(totalParams(paramsOf(tiny({ model: { tiedEmbeddings: true } }))), 1704 - 256);
  // QKV bias 16 per layer, q/k norms 2·4 per layer
  assert.equal(totalParams(paramsOf(tiny({ model: { qkvBias: true, qkNorm: true } }))), 1704 + 2 * 16 + 2 * 8);
});

test('parameters per pipeline stage: embedding on the first, final norm and output on the last; tied copies with PP', () => {
  const pp = tiny({ parallel: { world: 2, pp: 2 } });
  assert.equal(totalParams(paramsOf(pp, 0)), 592 + 256);
  assert.equal(totalParams(paramsOf(pp, 1)), 592 + 8 + 256);
  const tied = tiny({ parallel: { world: 2, pp: 2 }, model: { tiedEmbeddings: true } });
  assert.equal(totalParams(paramsOf(tied, 1)), 592 + 8 + 256, 'the last stage keeps its own copy of a tied embedding');
});

test('parameters of MoE layers: experts ÷ EP·ETP, router replicated, shared expert ÷ TP', () => {
  // 4 experts of f_e 8, top-2, shared expert 16 with a gate. Per layer: attention 192 + norms 16 + router 8·4 = 32 +
  // experts 4·3·8·8 = 768 + shared 3·8·16 = 384 + gate 8 = 1400
  const moe = { experts: 4, topk: 2, ffn: 8, sharedFfn: 16, sharedGate: true };
  const one = totalParams(paramsOf(tiny({ model: { moe } })));
  assert.equal(one, 2 * 1400 + 520);
  const ep2 = paramsOf(tiny({ model: { moe }, parallel: { world: 2, ep: 2 } }));
  assert.equal(ep2.expertLinear, 2 * 384);
  // first_k_dense_replace: layer 0 dense (592), layer 1 MoE
  assert.equal(totalParams(paramsOf(tiny({ model: { moe: { ...moe, firstDenseLayers: 1 } } }))), 592 + 1400 + 520);
});

test('LoRA adapters: r·(in + out) per targeted linear (all-linear), nothing else trains', () => {
  // r 2: QKV 2·8 + 2·16 = 48, proj 2·8 + 2·8 = 32, FC1 2·8 + 2·32 = 80, FC2 2·16 + 2·8 = 48 → 208 per layer
  const input = tiny({ training: { tuning: 'lora', lora: { rank: 2, dropout: 0, targets: 'all-linear' } } });
  const P = paramsOf(input);
  assert.equal(P.adaptersDense, 2 * 208);
  const st = stateBytes(input, dims(input), P);
  assert.equal(st.trainable, 416);
  assert.equal(st.weights, 2 * (1704 + 416));
  assert.equal(st.grads, 4 * 416);
  const only = tiny({ training: { tuning: 'lora', lora: { rank: 2, dropout: 0, targets: ['qkv'] } } });
  assert.equal(paramsOf(only).adaptersDense, 2 * 48);
});

test('model-state bytes per parameter: 18 / 6 + 12/d (bf16), 16 / 8 + 8/d (fp32), 20 / 4 + 16/d (fp16)', () => {
  const per = (input: EstimateInput) => {
    const D = dims(input);
    const s = stateBytes(input, D, paramsOf(input));
    return (s.weights + s.grads + s.optimizer) / 1704;
  };
  assert.equal(per(tiny({ training: { distributedOptimizer: false } })), 18);
  assert.equal(per(tiny({ parallel: { world: 4 } })), 6 + 12 / 4);
  assert.equal(per(tiny({ parallel: { world: 4 }, training: { params: 'fp32', distributedOptimizer: false } })), 16);
  assert.equal(per(tiny({ parallel: { world: 4 }, training: { params: 'fp32' } })), 8 + 8 / 4);
  assert.equal(per(tiny({ parallel: { world: 4 }, training: { params: 'fp16', distributedOptimizer: false } })), 20);
  assert.equal(per(tiny({ parallel: { world: 4 }, training: { params: 'fp16' } })), 4 + 16 / 4);
  // the distributed optimizer shards over DP × CP: world 4, CP 2 → DP 2, shard group 4
  assert.equal(per(tiny({ parallel: { world: 4, cp: 2 } })), 6 + 12 / 4);
});

test('model-state bytes: precision-aware dtypes, CPU offload, FP8 weight caches, reference model', () => {
  const per = (input: EstimateInput) => {
    const s = stateBytes(input, dims(input), paramsOf(input));
    return (s.weights + s.grads + s.optimizer) / 1704;
  };
  const pa = { mainParams: 'fp32' as const, expAvg: 'bf16' as const, expAvgSq: 'bf16' as const };
  assert.equal(per(tiny({ parallel: { world: 2 }, training: { precisionAware: pa } })), 2 + 4 + (4 + 2 + 2) / 2);
  assert.equal(per(tiny({ parallel: { world: 2 }, training: { optimizerOffloadFraction: 1 } })), 6);
  assert.equal(per(tiny({ parallel: { world: 2 }, training: { optimizerOffloadFraction: 0.5 } })), 6 + 6 / 2);
  // FP8: +2 B per decoder linear weight (2·576 of the 1704), +1 B with fp8_param_gather
  const input = tiny({ training: { fp8: { paramGather: false } } });
  const s = stateBytes(input, dims(input), paramsOf(input));
  assert.equal(s.weights, 2 * 1704 + 2 * 1152);
  const g = tiny({ training: { fp8: { paramGather: true } } });
  assert.equal(stateBytes(g, dims(g), paramsOf(g)).weights, 2 * 1704 + 1152);
  const ref = tiny({ training: { referenceModel: true } });
  assert.equal(stateBytes(ref, dims(ref), paramsOf(ref)).weights, 4 * 1704);
});

test('frozen linears: no gradients or optimizer states for the decoder linears', () => {
  const input = tiny({ training: { tuning: 'frozen-linears', distributedOptimizer: false } });
  const s = stateBytes(input, dims(input), paramsOf(input));
  const trainable = 1704 - 2 * 576;
  assert.equal(s.trainable, trainable);
  assert.equal(s.weights + s.grads + s.optimizer, 2 * 1704 + 16 * trainable);
});

/**
 * Activations per token of a tiny layer (bytes): input-norm and pre-MLP norm inputs 2·(2h) = 32, QKV input 2h = 16,
 * Q 2·8 + K 2·4 + V 2·4 + O 2·8 = 48, FC1 input 16 + FC1 output 4f = 64 + FC2 input 2f = 32 → 208.
 */
test('activations per token per layer: 208 B for the tiny layer; ρ = 1 keeps the mixed QKV buffer (+24 B)', () => {
  const D = dims(tiny());
  assert.equal(activationTotal(layerActivation(tiny(), D, false)), 208);
  const local = tiny({ runtime: { backend: 'local' } });
  assert.equal(activationTotal(layerActivation(local, dims(local), false)), 208 + 2 * 8 + 2 * 4);
});

test("activations reduce to Korthikanti's 34·h, 10·h + 24·h/t and 34·h/t for a GPT layer", () => {
  // h = hq = hkv, f = 4h, GeLU MLP, dropout masks on: the paper's Table 2 without the s² term
  const gpt = (t: number, sp: boolean) =>
    tiny({ model: { queryGroups: 2, ffn: 32, gated: false }, parallel: { world: t, tp: t, sequenceParallel: sp }, runtime: { hiddenDropout: 0.1 } });
  const h = 8;
  const per = (input: EstimateInput) => activationTotal(layerActivation(input, dims(input), false));
  assert.equal(per(gpt(1, false)), 34 * h);
  assert.equal(per(gpt(2, false)), 10 * h + (24 * h) / 2);
  assert.equal(per(gpt(4, true)), (34 * h) / 4);
});

test('selective recompute: mlp keeps only its input, layernorm drops the QKV and FC1 inputs, core_attn drops s² scores', () => {
  const input = tiny();
  const D = dims(input);
  const a = layerActivation(input, D, false);
  assert.equal(selectiveBytes(a, ['core_attn'], D), 208);
  assert.equal(selectiveBytes(a, ['mlp'], D), 208 - 112 + 16);
  assert.equal(selectiveBytes(a, ['layernorm'], D), 208 - 32);
  const unfused = tiny({ runtime: { attention: 'unfused' } });
  const u = layerActivation(unfused, dims(unfused), false);
  // s² terms: (4 + 1)·a·s per token = 5·2·4 = 40
  assert.equal(activationTotal(u), 208 + 40);
  assert.equal(selectiveBytes(u, ['core_attn'], dims(unfused)), 208);
});

test('frozen linears keep no inputs; LoRA with dropout keeps dropout(x) and its mask', () => {
  const frozen = tiny({ training: { tuning: 'frozen-linears' } });
  // drops the QKV input 16, FC1 input 16, FC2 input 32
  assert.equal(activationTotal(layerActivation(frozen, dims(frozen), false)), 208 - 64);
  const lora0 = tiny({ training: { tuning: 'lora', lora: { rank: 2, dropout: 0, targets: 'all-linear' } } });
  // without dropout lora_A keeps x itself (as full FT) plus its 2-element output (4 B) per linear
  assert.equal(activationTotal(layerActivation(lora0, dims(lora0), false)), 208 + 4 * 4);
  const lora = tiny({ training: { tuning: 'lora', lora: { rank: 2, dropout: 0.05, targets: 'all-linear' } } });
  // 3 B instead of 2 B per element of the QKV, FC1 and FC2 inputs (+8 +8 +16), a dropout copy of O (+24), outputs 16
  assert.equal(activationTotal(layerActivation(lora, dims(lora), false)), 208 + 8 + 8 + 16 + 24 + 16);
});

test('MoE layer activations: top-k routed copies, fp32 router probabilities, moe_act and moe recompute', () => {
  const input = tiny({ model: { moe: { experts: 4, topk: 2, ffn: 8 } } });
  const D = dims(input);
  const a = layerActivation(input, D, true);
  // norms 32 + QKV input 16 + attention 48 + 2 routed × (FC1 input 16 + FC1 output 32 + FC2 input 16) + 12·4 router
  assert.equal(a.moe, 2 * 64 + 48);
  assert.equal(activationTotal(a), 32 + 16 + 48 + 176);
  assert.equal(selectiveBytes(a, ['moe_act'], D), 272 - 2 * 16);
  assert.equal(selectiveBytes(a, ['moe'], D), 272 - 176);
  const skew = tiny({ model: { moe: { experts: 4, topk: 2, ffn: 8, imbalance: 2 } } });
  assert.equal(layerActivation(skew, dims(skew), true).moe, 4 * 64 + 48);
});

test('pipeline in flight: 1F1B min(p − r, m); interleaved (p−r−1)·2 + (v−1)·p + 1, capped at m·v', () => {
  assert.deepEqual([0, 1, 2, 3].map((r) => inFlight(4, r, 8)), [4, 3, 2, 1]);
  assert.deepEqual([0, 1, 2, 3].map((r) => inFlight(4, r, 2)), [2, 2, 2, 1]);
  assert.equal(inFlight(1, 0, 16), 1);
  // the reference's example: p 4, v 8, m 4 → the last stage holds 29 chunk-micro-batches
  assert.equal(inFlight(4, 3, 4, 8), 29);
  assert.equal(inFlight(4, 0, 4, 8), 32);
});

test('stage layout: even split, first/last stage overrides, interleaved chunks', () => {
  assert.deepEqual(stageLayout(8, 2), [[[0, 1, 2, 3]], [[4, 5, 6, 7]]]);
  assert.deepEqual(stageLayout(10, 4, 1, 1, 1).map((s) => s[0]!.length), [1, 4, 4, 1]);
  assert.deepEqual(stageLayout(24, 2, 1, undefined, 11).map((s) => s[0]!.length), [13, 11]);
  assert.deepEqual(stageLayout(8, 2, 2), [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]);
});

test('loss: 6 B per logit (2 B with TE fusion), bf16 output-layer gradient without accumulation fusion, MTP losses', () => {
  // T = 4 tokens, V 32: logits 6·32·4 = 768; inputs 2·(2·8·4) = 128; weight grad 2·32·8 = 512
  const base = tiny();
  assert.deepEqual(lossBytes(base, dims(base)), { logits: 768, weightGrad: 0, inputs: 128 });
  const noFusion = tiny({ training: { gradAccumulationFusion: false } });
  assert.equal(lossBytes(noFusion, dims(noFusion)).weightGrad, 512);
  const te = tiny({ training: { crossEntropy: 'te' } });
  assert.equal(lossBytes(te, dims(te)).logits, 256);
  const mtp = tiny({ model: { mtpLayers: 1 } });
  assert.equal(lossBytes(mtp, dims(mtp)).logits, 2 * 768);
  const tp2 = tiny({ parallel: { world: 2, tp: 2, sequenceParallel: true } });
  assert.deepEqual(lossBytes(tp2, dims(tp2)), { logits: 384, weightGrad: 0, inputs: 64 });
  const cls = tiny({ model: { vocabLogits: false } });
  assert.equal(lossBytes(cls, dims(cls)).logits, 0);
});

test('peak: stored activations + max(loss, temporaries) + states; full recompute keeps only layer inputs', () => {
  // one stage, T 4: stored 2·208·4 = 1664; loss 768 + 128 = 896; temps = one layer 832
  const s = estimateStages(tiny({ runtime: { miscMiB: 0 } }))[0]!;
  assert.equal(s.stored, 1664);
  assert.equal(s.loss, 896);
  assert.equal(s.temps, 832);
  assert.equal(s.fwdBwdPeak, 18 * 1704 + 1664 + 896);
  assert.equal(s.peakAt, 'loss');
  // full uniform 1: 2 layer inputs of 2h·T = 64 B; temps = layer + recomputed layer
  const f = estimateStages(tiny({ recompute: { granularity: 'full', method: 'uniform', numLayers: 1 }, runtime: { miscMiB: 0 } }))[0]!;
  assert.equal(f.stored, 128);
  assert.equal(f.temps, 2 * 832);
  assert.equal(f.peakAt, 'backward');
  // block 1: one checkpointed layer input + one full layer
  const b = estimateStages(tiny({ recompute: { granularity: 'full', method: 'block', numLayers: 1 }, runtime: { miscMiB: 0 } }))[0]!;
  assert.equal(b.stored, 64 + 832);
});

test('foreach AdamW: step() needs 4 B per optimizer-shard parameter and can be the peak', () => {
  const fused = estimateStages(tiny({ runtime: { miscMiB: 0 } }))[0]!;
  const foreach = estimateStages(tiny({ training: { fusedAdam: false }, runtime: { miscMiB: 0 } }))[0]!;
  assert.equal(fused.stepPeak, 18 * 1704);
  assert.equal(foreach.stepPeak, 22 * 1704);
  assert.equal(foreach.peakAt, 'optimizer-step');
  const r = estimateMemory(tiny({ training: { fusedAdam: false }, runtime: { miscMiB: 0 } })).worst;
  assert.equal(r.activations, 0);
  assert.ok(Math.abs(r.optimizer * 2 ** 30 - 16 * 1704) < 2 ** 30 / 1000);
});

test('fragmentation and device overheads: expandable segments, MoE, PP; no NCCL on one GPU', () => {
  assert.equal(fragmentation(tiny()), 0.05);
  assert.equal(fragmentation(tiny({ runtime: { expandableSegments: true } })), 0.01);
  assert.equal(fragmentation(tiny({ parallel: { world: 2, pp: 2 } })), 0.07);
  assert.equal(fragmentation(tiny({ model: { moe: { experts: 4, topk: 2, ffn: 8 } } })), 0.11);
  assert.deepEqual(deviceOverheadGiB(tiny()), { context: 0.75, nccl: 0, extra: 0 });
  assert.equal(deviceOverheadGiB(tiny({ parallel: { world: 2 } })).nccl, 2.6);
  assert.equal(deviceOverheadGiB(tiny({ parallel: { world: 2, ep: 2 }, model: { moe: { experts: 4, topk: 2, ffn: 8 } } })).nccl, 4.9);
});

test('the result: one row per stage, ranks by stage, sums add up, worst is the largest device figure', () => {
  // big enough that every term shows at 0.001 GiB: h 4096, f 16384, V 64000, 8 layers, 4096 tokens
  const input = tiny({
    model: { layers: 8, hidden: 4096, heads: 32, queryGroups: 8, ffn: 16384, vocab: 64000 },
    parallel: { world: 8, pp: 4 },
    batch: { seqLength: 4096, numMicroBatches: 8 },
  });
  const r = estimateMemory(input);
  assert.deepEqual(r.perRank.map((x) => [x.stage, x.rank]), [[0, 0], [1, 2], [2, 4], [3, 6]]);
  for (const x of r.perRank) {
    const sum = x.weights + x.grads + x.optimizer + x.activations + x.logits + x.overhead;
    assert.ok(Math.abs(sum - x.allocated) < 0.005, `stage ${x.stage}`);
    assert.ok(x.reserved > x.allocated && x.device > x.reserved);
    assert.equal(x.logits > 0, x.stage === 3);
  }
  assert.equal(r.worst.device, Math.max(...r.perRank.map((x) => x.device)));
  assert.ok(r.assumptions.some((s) => /1F1B pipeline \(PP 4, 8 micro-batches\): stages keep 4\/3\/2\/1/.test(s)));
});

test('invalid inputs throw EstimateInputError', () => {
  assert.throws(() => estimateMemory(tiny({ parallel: { world: 3, tp: 2 } })), EstimateInputError);
  assert.throws(() => estimateMemory(tiny({ model: { hidden: 0 } })), EstimateInputError);
  assert.throws(() => estimateMemory(tiny({ parallel: { world: 2, ep: 4 }, model: { moe: { experts: 4, topk: 2, ffn: 8 } } })), EstimateInputError);
});

test('fitsOn: fits with margin, tight within max(2 GiB, 5%), over', () => {
  const row = (device: number): RankEstimate => ({ rank: 0, stage: 0, weights: 0, grads: 0, optimizer: 0, activations: 0, logits: 0, overhead: 0, allocated: device, reserved: device, device });
  const res = (device: number): EstimateResult => ({ perRank: [row(device)], worst: row(device), assumptions: [] });
  assert.equal(fitsOn(res(70), 80).level, 'fits');
  assert.equal(fitsOn(res(77), 80).level, 'tight');
  assert.equal(fitsOn(res(77), 80).fits, true);
  assert.equal(fitsOn(res(81), 80).level, 'over');
  assert.equal(fitsOn(res(81), 80).fits, false);
  assert.equal(fitsOn(res(81), 80).headroomGiB, -1);
  assert.equal(fitsOn(res(20), 24).marginGiB, 2);
  assert.equal(fitsOn(res(130), 140).marginGiB, 7);
});
