// estimateForConfig on real-looking configs: dense, MoE and LoRA, ms-swift 3.4.1 and 4.5.2 names, model facts from
// the bundled table or config.json on disk, the reasons it gives when it cannot estimate, and the what-if helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileView } from '../../core/src/files';
import { estimateForConfig, estimateInputForConfig } from '../../core/src/estimate/config';
import { EstimateResult, EstimateUnknown } from '../../core/src/estimate/types';
import { whatIf, whatIfs, WhatIf } from '../../core/src/estimate/whatif';
import { fitsOn } from '../../core/src/estimate/fit';
import { REPO_ROOT } from '../helpers';

function ok(r: EstimateResult | EstimateUnknown): EstimateResult {
  if ('unknown' in r) throw new Error(`no estimate: ${r.unknown}`);
  return r;
}
function reason(r: EstimateResult | EstimateUnknown): string {
  assert.ok('unknown' in r, 'expected no estimate');
  return r.unknown;
}
function example(name: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8');
}
function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-estimate-'));
}

/** the documented Qwen2.5-14B full-parameter run: 8 GPUs, TP4 + SP, packing 8192 ("8 * 64GB", "8 * 65GiB") */
const Q14 = `# megatron sft ms-swift=4.5.2
ENV:
  NPROC_PER_NODE: "8"
  CUDA_VISIBLE_DEVICES: "0,1,2,3,4,5,6,7"
model: Qwen/Qwen2.5-14B
dataset:
  - liucong/Chinese-DeepSeek-R1-Distill-data-110k-SFT
tensor_model_parallel_size: 4
sequence_parallel: true
micro_batch_size: 1
global_batch_size: 16
packing: true
max_length: 8192
recompute_granularity: selective
cross_entropy_loss_fusion: true
train_iters: 2000
`;

test('the Qwen2.5-14B TP4 8-GPU anchor lands near the documented ~64 GB per GPU', () => {
  const r = ok(estimateForConfig(Q14));
  assert.equal(r.perRank.length, 1);
  assert.equal(r.worst.stage, 0);
  assert.ok(Math.abs(r.worst.device / 64 - 1) <= 0.15, `${r.worst.device} GiB`);
  // weights: 14.8 B params / TP4 ≈ 3.69 B on the rank, 2 B each ≈ 6.9 GiB; fp32 grads twice that
  assert.ok(Math.abs(r.worst.weights - 6.88) < 0.1, String(r.worst.weights));
  assert.ok(Math.abs(r.worst.grads - 2 * r.worst.weights) < 0.01);
  // distributed optimizer over DP 2: 12 B / 2 per parameter = 3 × the bf16 weights
  assert.ok(Math.abs(r.worst.optimizer - 3 * r.worst.weights) < 0.01);
  assert.ok(r.assumptions.some((s) => /Packing: every micro-batch holds micro_batch_size 1 × 8192 tokens/.test(s)));
  assert.ok(r.assumptions.some((s) => /TP 4 × PP 1 × CP 1 × DP 2/.test(s)));
  assert.equal(fitsOn(r, 80).fits, true);
  assert.equal(fitsOn(r, 48).fits, false);
});

test('ms-swift 3.4.1 names: the same run written for 3.4.1 gives the same allocated memory', () => {
  const v3 = Q14.replace('ms-swift=4.5.2', 'ms-swift=3.4.1');
  const a = ok(estimateForConfig(Q14));
  const b = ok(estimateForConfig(v3));
  assert.equal(a.worst.allocated, b.worst.allocated);
  assert.ok(b.assumptions.some((s) => /ms-swift 3\.4\.1/.test(s)));
});

test('3.4.1 train_type: Megatron-SWIFT 3.4.1 has no LoRA, so `train_type: lora` still trains every parameter', () => {
  const v3 = Q14.replace('ms-swift=4.5.2', 'ms-swift=3.4.1') + 'train_type: lora\n';
  const r = ok(estimateForConfig(v3));
  assert.ok(r.worst.grads > 10);
  assert.ok(r.assumptions.some((s) => /3\.4\.1's Megatron trainer has no LoRA: `train_type: lora` is ignored/.test(s)));
  const v4 = ok(estimateForConfig(Q14 + 'tuner_type: lora\n'));
  assert.ok(v4.worst.grads < 0.1, String(v4.worst.grads));
  assert.ok(v4.worst.allocated < r.worst.allocated / 2);
});

test('3.4.1 architecture arguments override the model facts (num_layers)', () => {
  const base = Q14.replace('ms-swift=4.5.2', 'ms-swift=3.4.1');
  const half = ok(estimateForConfig(base + 'num_layers: 24\n'));
  const full = ok(estimateForConfig(base));
  assert.ok(half.worst.weights < full.worst.weights * 0.6);
  assert.ok(half.assumptions[0]!.includes('24 layers'));
});

test('dense 4.5.2 example (padding-free, mbs 16 × max_length 2048): worst case stated; a typical token count lowers it', () => {
  const text = example('qwen2.5-7b-sft.megatron.yaml');
  const worst = ok(estimateForConfig(text));
  assert.ok(worst.assumptions.some((s) => /padding-free .*worst case assumed, micro_batch_size 16 × 2048 tokens/.test(s)));
  assert.ok(worst.assumptions.some((s) => /32,768 tokens per micro-batch on each rank/.test(s)));
  assert.ok(worst.assumptions.some((s) => /expandable_segments on/.test(s)), 'the example sets PYTORCH_CUDA_ALLOC_CONF');
  const typical = ok(estimateForConfig(text, { tokensPerMicroBatch: 6144 }));
  assert.ok(typical.worst.logits < worst.worst.logits / 4);
  assert.ok(typical.worst.device < worst.worst.device);
  // the documented "full: 2 * 70GiB" for this run (lora/dense.sh) at typical data
  assert.ok(Math.abs(typical.worst.device / 70 - 1) <= 0.15, String(typical.worst.device));
});

test('MoE LoRA example: experts sharded over EP; LoRA leaves only the adapters trainable; routing caveat stated', () => {
  const text = example('qwen3-30b-a3b-moe-lora.megatron.yaml');
  const r = ok(estimateForConfig(text));
  assert.ok(r.worst.weights > 5 && r.worst.grads < 0.5 && r.worst.optimizer < 1, JSON.stringify(r.worst));
  assert.ok(r.assumptions.some((s) => /128 experts top-8/.test(s)));
  assert.ok(r.assumptions.some((s) => /MoE routing assumed balanced/.test(s)));
  assert.ok(r.assumptions.some((s) => /LoRA: base weights frozen/.test(s)));
  const ep8 = ok(estimateForConfig(text.replace('expert_model_parallel_size: 4', 'expert_model_parallel_size: 8')));
  assert.ok(ep8.worst.weights < r.worst.weights * 0.7, `${ep8.worst.weights} vs ${r.worst.weights}`);
  // full-parameter training of the same model needs far more
  const full = ok(estimateForConfig(text.replace('tuner_type: lora', 'tuner_type: full')));
  assert.ok(full.worst.allocated > 2 * r.worst.allocated);
});

test('pipeline parallel: one row per stage, ranks by stage, the worst stage named', () => {
  const text = Q14.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 2\npipeline_model_parallel_size: 2');
  const r = ok(estimateForConfig(text));
  assert.deepEqual(r.perRank.map((x) => [x.stage, x.rank]), [[0, 0], [1, 4]]);
  assert.equal(r.worst.device, Math.max(...r.perRank.map((x) => x.device)));
  assert.equal(r.perRank[0]!.logits, 0);
  assert.ok(r.perRank[1]!.logits > 0);
  // micro-batches: gbs 16 / (mbs 1 × DP 2) = 8; stage 0 keeps 2 in flight
  assert.ok(r.assumptions.some((s) => /1F1B pipeline \(PP 2, 8 micro-batches\): stages keep 2\/1/.test(s)));
});

test('interleaved pipeline (VPP) keeps more chunk-micro-batches on the first stage; CP splits the tokens', () => {
  const pp = Q14.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 2\npipeline_model_parallel_size: 4').replace('NPROC_PER_NODE: "8"', 'NPROC_PER_NODE: "8"');
  const plain = ok(estimateForConfig(pp));
  const vpp = ok(estimateForConfig(pp + 'virtual_pipeline_model_parallel_size: 2\n'));
  // 1F1B stage 0: 4 micro-batches of 12 layers; interleaved: (4−1)·2 + (2−1)·4 + 1 = 11 chunks of 6 layers
  assert.ok(vpp.assumptions.some((s) => /Interleaved pipeline \(PP 4, VPP 2, 16 micro-batches\): stages keep 11\/9\/7\/5/.test(s)));
  assert.ok(Math.abs(vpp.perRank[0]!.activations / plain.perRank[0]!.activations - (11 * 6) / (4 * 12) ) < 0.05);
  const cp = ok(estimateForConfig(Q14.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 4\ncontext_parallel_size: 2')));
  const base = ok(estimateForConfig(Q14));
  assert.ok(cp.assumptions.some((s) => /4,096 tokens per micro-batch on each rank \(micro_batch_size 1 × 8192 tokens ÷ CP 2\)/.test(s)));
  assert.ok(cp.worst.activations < base.worst.activations * 0.6);
  // CP leaves DP 1 but the distributed optimizer still shards over DP × CP = 2
  assert.equal(cp.worst.optimizer, base.worst.optimizer);
});

test('full recompute, LoRA, expandable segments and the distributed optimizer move the estimate the right way', () => {
  const base = ok(estimateForConfig(Q14));
  const fullRc = ok(estimateForConfig(Q14.replace('recompute_granularity: selective', 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1')));
  assert.ok(fullRc.worst.activations < base.worst.activations / 4);
  const exp = ok(estimateForConfig(Q14.replace('ENV:\n', 'ENV:\n  PYTORCH_CUDA_ALLOC_CONF: "expandable_segments:True"\n')));
  assert.equal(exp.worst.allocated, base.worst.allocated);
  assert.ok(exp.worst.reserved < base.worst.reserved);
  const noDist = ok(estimateForConfig(Q14 + 'use_distributed_optimizer: false\n'));
  assert.ok(Math.abs(noDist.worst.optimizer - 2 * base.worst.optimizer) < 0.01);
});

test('precision options: fp16 adds an fp32 gradient copy to the optimizer; precision-aware bf16 moments shrink it; FP8 adds weight caches', () => {
  const base = ok(estimateForConfig(Q14));
  const pa = ok(estimateForConfig(Q14 + 'use_precision_aware_optimizer: true\nexp_avg_dtype: bf16\nexp_avg_sq_dtype: bf16\n'));
  assert.ok(Math.abs(pa.worst.optimizer / base.worst.optimizer - 8 / 12) < 0.01);
  const fp8 = ok(estimateForConfig(Q14 + 'fp8_format: e4m3\nfp8_recipe: blockwise\n'));
  assert.ok(fp8.worst.weights > base.worst.weights * 1.8);
  assert.ok(fp8.worst.activations < base.worst.activations);
  const offload = ok(estimateForConfig(Q14 + 'optimizer_cpu_offload: true\nuse_precision_aware_optimizer: true\noptimizer_offload_fraction: 1\n'));
  assert.equal(offload.worst.optimizer, 0);
  assert.ok(offload.assumptions.some((s) => /optimizer_cpu_offload: 100%/.test(s)));
  const fp16 = ok(estimateForConfig(Q14 + 'fp16: true\nbf16: false\n'));
  assert.ok(Math.abs(fp16.worst.grads - base.worst.grads / 2) < 0.01, 'fp16 gradient buffer');
  assert.ok(Math.abs(fp16.worst.optimizer / base.worst.optimizer - 16 / 12) < 0.01, 'master weights, moments and fp32 gradients');
});

test('without apex, ms-swift 4 turns gradient accumulation fusion off: the output-layer gradient joins the loss term', () => {
  const withApex = ok(estimateForConfig(Q14, { python: { packages: { apex: '0.1', 'transformer-engine': '2.4' } } }));
  const noApex = ok(estimateForConfig(Q14, { python: { packages: { 'transformer-engine': '2.4' } } }));
  assert.ok(noApex.worst.logits > withApex.worst.logits);
  assert.ok(noApex.assumptions.some((s) => /apex is not installed/.test(s)));
});

test('DPO sends chosen and rejected together and keeps a reference model for full training; LoRA uses the base', () => {
  const dpo = Q14.replace('# megatron sft', '# megatron rlhf') + 'rlhf_type: dpo\n';
  const full = ok(estimateForConfig(dpo));
  const sft = ok(estimateForConfig(Q14));
  assert.ok(full.assumptions.some((s) => /DPO: chosen and rejected/.test(s)));
  assert.ok(full.assumptions.some((s) => /16,384 tokens per micro-batch/.test(s)));
  assert.ok(Math.abs(full.worst.weights - 2 * sft.worst.weights) < 0.01);
  const lora = ok(estimateForConfig(dpo + 'tuner_type: lora\n'));
  assert.ok(!lora.assumptions.some((s) => /reference model/.test(s)));
});

test('GRPO colocate: vLLM takes vllm_gpu_memory_utilization of the card when the card size is given', () => {
  const grpo = Q14.replace('# megatron sft', '# megatron rlhf') + 'rlhf_type: grpo\nuse_vllm: true\nvllm_mode: colocate\nvllm_gpu_memory_utilization: 0.4\n';
  const without = ok(estimateForConfig(grpo));
  const withCard = ok(estimateForConfig(grpo, { gpuMemoryGiB: 80 }));
  assert.ok(Math.abs(withCard.worst.device - without.worst.device - 32) < 0.01);
  assert.ok(without.assumptions.some((s) => /not counted: the card size is unknown/.test(s)));
});

test('model facts from config.json on disk (a local model folder), origin named in the assumptions', () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'my-model'));
  fs.writeFileSync(
    path.join(dir, 'my-model', 'config.json'),
    JSON.stringify({ model_type: 'llama', num_hidden_layers: 4, hidden_size: 1024, intermediate_size: 4096, num_attention_heads: 8, num_key_value_heads: 8, vocab_size: 32000, tie_word_embeddings: false }),
  );
  const text = Q14.replace('model: Qwen/Qwen2.5-14B', 'model: ./my-model');
  assert.match(reason(estimateForConfig(text)), /unknown model `\.\/my-model` \(from `model`\): it is not in the bundled table/);
  const r = ok(estimateForConfig(text, { files: nodeFileView(), baseDir: dir }));
  assert.ok(r.assumptions[0]!.includes(path.join(dir, 'my-model', 'config.json')), r.assumptions[0]);
  assert.ok(r.assumptions[0]!.includes('4 layers, hidden 1024'));
  assert.ok(r.worst.weights < 0.1);
});

test('3.4.1 example with `load` of an mcore checkpoint: unknown without its folder; args.json names the model', () => {
  const text = example('qwen2.5-7b-sft.v3.megatron.yaml');
  const dir = tmp();
  const why = reason(estimateForConfig(text, { files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } }));
  assert.match(why, /unknown model `Qwen2\.5-7B-Instruct-mcore` \(from `load`\)/);
  assert.ok(why.includes(path.join(dir, 'Qwen2.5-7B-Instruct-mcore', 'config.json')), why);
  fs.mkdirSync(path.join(dir, 'Qwen2.5-7B-Instruct-mcore'));
  fs.writeFileSync(path.join(dir, 'Qwen2.5-7B-Instruct-mcore', 'args.json'), JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct' }));
  const r = ok(estimateForConfig(text, { files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } }));
  assert.ok(r.assumptions[0]!.includes('28 layers, hidden 3584'));
  // 3.4.1 without packing pads to the longest sample: mbs 4 × 2048 worst case
  assert.ok(r.assumptions.some((s) => /padded to the longest sample: worst case assumed, micro_batch_size 4 × 2048/.test(s)));
});

test('an unknown hub id says which caches and config.json it looked for', () => {
  const dir = tmp();
  const text = Q14.replace('Qwen/Qwen2.5-14B', 'someone/not-a-model');
  const bare = reason(estimateForConfig(text));
  assert.match(bare, /unknown model `someone\/not-a-model` \(from `model`\): it is not in the bundled table/);
  const why = reason(estimateForConfig(text, { files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } }));
  assert.ok(why.includes(path.join(dir, '.cache', 'modelscope', 'hub', 'models', 'someone', 'not-a-model', 'config.json')), why);
  assert.ok(why.includes('models--someone--not-a-model'), why);
});

test('clear reasons: no world size, world not divisible, not a Megatron training command, no model', () => {
  const noWorld = Q14.replace('  NPROC_PER_NODE: "8"\n', '');
  assert.match(reason(estimateForConfig(noWorld)), /world size is unknown: set NPROC_PER_NODE/);
  assert.ok(ok(estimateForConfig(noWorld, { launch: { visibleGpus: 8 } })).worst.device > 0);
  assert.match(reason(estimateForConfig(Q14.replace('NPROC_PER_NODE: "8"', 'NPROC_PER_NODE: "6"'))), /6 is not a multiple of TP 4 × PP 1 × CP 1/);
  assert.match(reason(estimateForConfig('# swift sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B\n')), /covers Megatron-SWIFT training .* not `swift sft`/);
  assert.match(reason(estimateForConfig(Q14.replace('model: Qwen/Qwen2.5-14B\n', ''))), /names no model/);
});

test('Qwen3 (head dim ≠ hidden / heads) and a vocabulary-free task', () => {
  const q3 = ok(estimateForConfig(Q14.replace('Qwen/Qwen2.5-14B', 'Qwen/Qwen3-32B').replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 8')));
  assert.ok(q3.assumptions[0]!.includes('64 heads / 8 KV groups'));
  const cls = ok(estimateForConfig(Q14 + 'task_type: seq_cls\n'));
  assert.equal(cls.worst.logits < 0.1, true);
});

test('the estimator input keeps the config facts the what-ifs need', () => {
  const built = estimateInputForConfig(Q14);
  assert.ok(!('unknown' in built));
  if ('unknown' in built) return;
  assert.equal(built.facts.globalBatchSize, 16);
  assert.equal(built.facts.dp, 2);
  assert.equal(built.input.batch.numMicroBatches, 8);
  assert.equal(built.input.runtime.backend, 'te');
});

function applied(w: WhatIf | EstimateUnknown | undefined): WhatIf {
  assert.ok(w && !('unknown' in w), 'expected the change to apply');
  return w as WhatIf;
}

test('what-if: full recompute and the next valid TP save memory; the values to set are given', () => {
  const base = ok(estimateForConfig(Q14));
  const rc = applied(whatIf(Q14, 'full-recompute'));
  assert.deepEqual(rc.set, { recompute_granularity: 'full', recompute_method: 'uniform', recompute_num_layers: 1 });
  assert.ok(rc.savesGiB > 5, String(rc.savesGiB));
  assert.equal(rc.before.device, base.worst.device);
  assert.equal(Math.round((base.worst.device - rc.deviceGiB) * 1000) / 1000, rc.savesGiB);
  // the next TP after 4 that divides 40 heads, 8 KV groups, FFN 13824 and the 8 GPUs is 8
  const tp = applied(whatIf(Q14, 'raise-tp'));
  assert.deepEqual(tp.set, { tensor_model_parallel_size: 8 });
  assert.ok(tp.deviceGiB < base.worst.device);
  // the full-recompute config cannot get "more" full recompute
  const already = Q14.replace('recompute_granularity: selective', 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1');
  assert.equal(whatIf(already, 'full-recompute'), undefined);
});

test('what-if: a smaller micro batch (valid for the global batch), the distributed optimizer only when it is off', () => {
  const text = example('qwen2.5-7b-sft.megatron.yaml');
  const mbs = applied(whatIf(text, 'lower-micro-batch'));
  assert.deepEqual(mbs.set, { micro_batch_size: 8 });
  assert.ok(mbs.savesGiB > 0);
  assert.equal(whatIf(Q14, 'lower-micro-batch'), undefined, 'micro_batch_size 1 cannot go lower');
  assert.equal(whatIf(Q14, 'distributed-optimizer'), undefined, 'already on');
  const off = applied(whatIf(Q14 + 'use_distributed_optimizer: false\n', 'distributed-optimizer'));
  assert.deepEqual(off.set, { use_distributed_optimizer: true });
  assert.ok(off.savesGiB > 5);
  // TP cannot rise past the 2 GPUs of the node
  assert.equal(whatIf(text, 'raise-tp'), undefined);
});

test('what-ifs: every applicable change, largest saving first; unknown configs give the reason', () => {
  const all = whatIfs(Q14 + 'use_distributed_optimizer: false\n');
  assert.ok(Array.isArray(all));
  if (!Array.isArray(all)) return;
  assert.deepEqual(all.map((w) => w.kind).sort(), ['distributed-optimizer', 'full-recompute', 'raise-tp']);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.savesGiB >= all[i]!.savesGiB);
  const unknown = whatIfs(Q14.replace('Qwen/Qwen2.5-14B', 'someone/nothing'));
  assert.ok(!Array.isArray(unknown) && /unknown model/.test(unknown.unknown));
});
