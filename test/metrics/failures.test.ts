// Why a run stopped: each kind of failure recognised in realistic log tails (test/metrics/fixtures/*.log), and not
// recognised where it is absent; every rule message maps to its id in reference/constraints.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CONSTRAINT_INFO, CONSTRAINT_PATTERNS, RENAMED_IN_V4 } from '../../core/src/metrics/failure-patterns';
import { Failure, FailureKind, recognizeFailures } from '../../core/src/metrics/failures';
import { SHARED } from '../helpers';
import { LOG_FIXTURES, readLogFixture } from './util';

const only = (fs: Failure[], kind: FailureKind) => fs.filter((f) => f.kind === kind);
const kinds = (fs: Failure[]) => fs.map((f) => f.kind);

interface ConstraintRef {
  id: string;
  args: string[];
  env: string[];
}
const CONSTRAINTS: ConstraintRef[] = JSON.parse(fs.readFileSync(path.join(SHARED, 'reference', 'constraints.json'), 'utf8'));

test('a healthy run log (warnings, NCCL INFO, progress, eval lines) has no failure', () => {
  assert.deepEqual(recognizeFailures(readLogFixture('healthy-run.log')), []);
  assert.deepEqual(recognizeFailures(''), []);
});

test('CUDA out of memory, torch 2.x message on two ranks: one failure with the numbers, then torchrun\'s summary', () => {
  const text = readLogFixture('cuda-oom-torch2.log');
  const fs = recognizeFailures(text);
  assert.deepEqual(kinds(fs), ['cuda-oom', 'child-failed']);
  const oom = fs[0]!;
  assert.deepEqual(oom.cudaOom, { requestedGiB: 3.89, gpu: 0, totalGiB: 79.11, freeGiB: 2.17, allocatedGiB: 72.4, reservedUnallocatedGiB: 3.53 });
  assert.deepEqual(oom.ranks, [0, 1]);
  assert.deepEqual(oom.lines, [17, 21]);
  assert.match(text.split('\n')[oom.line - 1]!, /torch\.OutOfMemoryError/);
  assert.match(oom.summary, /tried to allocate 3\.89 GiB with 2\.17 GiB free of 79\.11 GiB/);
  assert.match(oom.summary, /expandable_segments/);
  const child = fs[1]!;
  assert.deepEqual(
    child.processes!.map((p) => [p.rank, p.localRank, p.exitCode, p.signal ?? null, p.rootCause, p.pid]),
    [
      [0, 0, 1, null, true, 2145781],
      [1, 1, 1, null, false, 2145782],
      [2, 2, -15, 'SIGTERM', false, 2145783],
    ],
  );
  assert.equal(child.processes![0]!.host, 'gpu-node-07');
  assert.match(child.summary, /rank 0 exited with code 1/);
});

test('CUDA out of memory, the pre-2.1 message with (GPU 0; ... total capacity; ...)', () => {
  const [oom, ...rest] = recognizeFailures(readLogFixture('cuda-oom-legacy.log'));
  assert.deepEqual(rest, []);
  assert.equal(oom!.kind, 'cuda-oom');
  assert.equal(oom!.cudaOom!.gpu, 0);
  assert.equal(oom!.cudaOom!.requestedGiB, 20 / 1024);
  assert.equal(oom!.cudaOom!.totalGiB, 79.35);
  assert.equal(oom!.cudaOom!.freeGiB, 5.19 / 1024);
  assert.equal(oom!.line, 7);
  // no OOM: a message that only mentions memory
  assert.deepEqual(only(recognizeFailures('[INFO:swift] memory(GiB): 71.2\nmax_memory_reserved: 75 GiB\n'), 'cuda-oom'), []);
  // CUDA libraries' own out-of-memory errors
  assert.deepEqual(kinds(recognizeFailures('RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`')), ['cuda-oom']);
});

test('NCCL watchdog timeout on two ranks, then SIGABRT from torchrun', () => {
  const fs = recognizeFailures(readLogFixture('nccl-timeout.log'));
  assert.deepEqual(kinds(fs), ['nccl-timeout', 'child-failed']);
  const t = fs[0]!;
  assert.deepEqual(t.nccl, { ranForMs: 1800087, opType: 'ALLREDUCE', seqNum: 12287, timeoutMs: 1800000 });
  assert.deepEqual(t.ranks, [2, 3]);
  assert.equal(t.line, 2);
  assert.match(t.summary, /timed out after 30 min/);
  assert.deepEqual(fs[1]!.processes!.map((p) => [p.rank, p.exitCode, p.signal]), [[3, -6, 'SIGABRT']]);
  assert.match(fs[1]!.summary, /aborted \(SIGABRT/);
  // negative: NCCL INFO lines and a configured timeout are no failure
  assert.deepEqual(recognizeFailures('NCCL INFO Using network IB\n[INFO:swift] ddp_timeout: 18000000\nNCCL_TIMEOUT=1800\n'), []);
});

test('NCCL error (unhandled system error) with the version and the shared-memory hint', () => {
  const fs = recognizeFailures(readLogFixture('nccl-error.log'));
  assert.deepEqual(kinds(fs), ['nccl-error']);
  assert.deepEqual(fs[0]!.nccl, { error: 'unhandled system error (run with NCCL_DEBUG=INFO for details)', ncclVersion: '2.21.5' });
  assert.deepEqual(fs[0]!.ranks, [1]);
  assert.match(fs[0]!.summary, /shared memory/);
  assert.deepEqual(recognizeFailures('NCCL version 2.21.5+cuda12.4\n'), []);
});

test('rendezvous timeout (processes never met): marks MASTER_ADDR and friends', () => {
  const fs = recognizeFailures(readLogFixture('rendezvous-timeout.log'));
  assert.deepEqual(kinds(fs), ['rendezvous-timeout']);
  assert.deepEqual(fs[0]!.keys, ['MASTER_ADDR', 'MASTER_PORT', 'NNODES', 'NODE_RANK']);
  assert.equal(fs[0]!.line, 5);
});

test('Megatron-LM validate_args assertion (3.x): the rule id and keys, once for all ranks', () => {
  const fs = recognizeFailures(readLogFixture('megatron-v3-assert.log'));
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.kind, 'constraint');
  assert.equal(fs[0]!.constraintId, 'world-size-divisible-by-tp-pp-cp');
  assert.deepEqual(fs[0]!.keys, ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'context_parallel_size']);
  assert.deepEqual(fs[0]!.ranks, [0, 3]);
  assert.deepEqual(fs[0]!.lines, [13, 17]);
  assert.match(fs[0]!.details, /world size \(6\) is not divisible/);
});

test('bare asserts are recognised by the source line the traceback prints (Python 3.10 and 3.12 styles)', () => {
  const fs = recognizeFailures(readLogFixture('bare-asserts.log'));
  assert.deepEqual(fs.map((f) => [f.constraintId, f.lines]), [
    ['min-lr-not-above-lr', [7, 8]],
    ['lr-warmup-shorter-than-decay', [14, 16]],
  ]);
  assert.deepEqual(fs[0]!.keys, ['min_lr', 'lr']);
  // the same source line without an AssertionError after it (e.g. printed code) is no failure
  assert.deepEqual(recognizeFailures('    assert args.min_lr <= args.lr\nINFO next line\n'), []);
  // an unknown bare assert is still reported, as a Python error with its place
  const other = recognizeFailures('Traceback (most recent call last):\n  File "/x/megatron/core/foo.py", line 9, in bar\n    assert x is not None\nAssertionError\n');
  assert.deepEqual(kinds(other), ['python-error']);
  assert.match(other[0]!.summary, /AssertionError \(core\/foo\.py:9\): assert x is not None/);
});

test('ms-swift 4 ValueError for a rule (global batch size), and a message only quoted in a traceback is not one', () => {
  const fs = recognizeFailures(readLogFixture('swift-v4-valueerror.log'));
  assert.deepEqual(fs.map((f) => [f.kind, f.constraintId, f.line]), [['constraint', 'global-batch-divisible-by-micro-times-dp', 8]]);
  assert.deepEqual(fs[0]!.keys, ['global_batch_size', 'micro_batch_size']);
});

test('unknown arguments from remaining_argv: unknown keys and ms-swift 3.x names apart', () => {
  const fs = recognizeFailures(readLogFixture('remaining-argv.log'));
  assert.deepEqual(fs.map((f) => [f.kind, f.constraintId, f.keys]), [
    ['unknown-arguments', 'unknown-argument', ['learning_rate']],
    ['unknown-arguments', 'argument-renamed-in-v4', ['train_type', 'max_epochs']],
  ]);
  assert.ok(fs.every((f) => f.line === 6));
  // 3.4.1 given a YAML file: the YAML path is the leftover
  const yaml = recognizeFailures("ValueError: remaining_argv: ['examples/sft.yaml']");
  assert.deepEqual(yaml.map((f) => [f.kind, f.constraintId, f.keys]), [['constraint', 'yaml-config-unsupported-before-v4-1', undefined]]);
  // ignore_args_error: the same list as a warning is still worth showing
  assert.deepEqual(recognizeFailures("[WARNING:swift] remaining_argv: ['--foo', '1']")[0]!.keys, ['foo']);
  // negative: an empty list, and the run command line that merely contains the flags
  assert.deepEqual(recognizeFailures('ValueError: remaining_argv: []\n'), []);
  assert.deepEqual(recognizeFailures('run sh: `python sft.py --train_type lora --max_epochs 3`\n'), []);
});

test('argparse errors: ambiguous prefix, invalid choice, unrecognized arguments', () => {
  const fs = recognizeFailures(readLogFixture('argparse-errors.log'));
  assert.deepEqual(fs.map((f) => [f.kind, f.constraintId, f.keys, f.line]), [
    ['unknown-arguments', 'argument-renamed-in-v4', ['save'], 3],
    ['constraint', 'value-not-in-choices', ['recompute_granularity'], 5],
    ['unknown-arguments', 'unknown-argument', ['use-flash-attn-3', 'fp8-recipe'], 7],
  ]);
  assert.deepEqual(recognizeFailures('sft.py: error: argument --attention_backend: invalid choice: \'flash4\' (choose from ...)')[0]!.constraintId, 'attention-backend-choices');
  assert.deepEqual(recognizeFailures('sft.py: error: argument --lr: expected one argument').map((f) => [f.constraintId, f.keys]), [['yaml-null-or-empty-values', ['lr']]]);
  assert.deepEqual(recognizeFailures("sft.py: error: argument --micro_batch_size: invalid int value: 'two'").map((f) => [f.kind, f.keys]), [['argument-error', ['micro_batch_size']]]);
  assert.deepEqual(recognizeFailures('usage: sft.py [-h] [--model MODEL]\n'), []);
});

test('missing packages: module name, pip hint, and the flash-attention rule', () => {
  const fs = recognizeFailures(readLogFixture('missing-package.log'));
  assert.deepEqual(fs.map((f) => [f.kind, f.package, f.constraintId ?? null, f.line]), [
    ['missing-package', 'flash_attn_interface', 'flash-attention-package-required', 4],
    ['missing-package', 'megatron', null, 8],
  ]);
  assert.match(fs[1]!.summary, /megatron-core/);
  assert.deepEqual(recognizeFailures("ImportError: cannot import name 'get_te_version' from 'megatron.core.utils'").map((f) => [f.kind, f.package]), [['missing-package', 'megatron.core.utils']]);
  // negative: an import that worked, and a traceback source line that imports
  assert.deepEqual(recognizeFailures('[INFO:swift] flash_attn is available: True\n'), []);
});

test('missing files: checkpoint folder (rule checkpoint-path-must-exist), dataset, other paths', () => {
  const fs = recognizeFailures(readLogFixture('file-not-found.log'));
  assert.deepEqual(fs.map((f) => [f.path, f.constraintId ?? null, f.keys ?? null, f.line]), [
    ['/data/ckpt/Qwen3-8B-mcore', 'checkpoint-path-must-exist', ['mcore_model'], 8],
    ['/data/sft/train-v2.jsonl', null, ['dataset'], 12],
    ['/data/sft/val.jsonl', null, null, 16],
  ]);
  assert.ok(fs.every((f) => f.kind === 'file-not-found'));
  const model = recognizeFailures("ValueError: path: '/models/Qwen3-8B' not found");
  assert.deepEqual(model.map((f) => [f.kind, f.keys, f.path]), [['file-not-found', ['model'], '/models/Qwen3-8B']]);
  assert.deepEqual(recognizeFailures('[INFO:swift] Loading the model using model_dir: /models/Qwen3-8B\n'), []);
});

test('SIGKILL in torchrun\'s summary: likely host out of memory', () => {
  const fs = recognizeFailures(readLogFixture('host-oom-sigkill.log'));
  assert.deepEqual(kinds(fs), ['host-oom']);
  assert.deepEqual(fs[0]!.processes!.map((p) => [p.rank, p.exitCode, p.signal, p.host]), [[0, -9, 'SIGKILL', 'dsw-4412-5d9f8c']]);
  assert.match(fs[0]!.summary, /host ran out of CPU memory/);
  assert.equal(fs[0]!.line, 5);
  // the kernel's own message
  assert.deepEqual(kinds(recognizeFailures('[1187.221] Out of memory: Killed process 3389 (python3) total-vm:912345678kB')), ['host-oom']);
  // negative: SIGTERM only (stopped by the agent or the scheduler) is a failed child, not OOM
  const term = recognizeFailures(readLogFixture('cuda-oom-torch2.log'));
  assert.ok(!kinds(term).includes('host-oom'));
});

test('the agent line alone (no summary block) still gives exit code and signal', () => {
  const fs = recognizeFailures('E1128 08:13:57.102000 3321 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -11) local_rank: 2 (pid: 4242) of binary: /usr/bin/python3\n');
  assert.deepEqual(fs.map((f) => [f.kind, f.processes!.map((p) => [p.localRank, p.exitCode, p.signal])]), [['child-failed', [[2, -11, 'SIGSEGV']]]]);
  assert.deepEqual(recognizeFailures('torchrun finished: all ranks exited with code 0\n'), []);
});

test('v3: missing latest_checkpointed_iteration.txt (exit status 0, but nothing was trained)', () => {
  const fs = recognizeFailures(readLogFixture('v3-missing-tracker.log'));
  assert.deepEqual(fs.map((f) => [f.constraintId, f.lines, f.keys]), [['v3-load-dir-missing-tracker', [2, 4], ['load']]]);
});

test('every log fixture is used by a test above and gives what it is named after', () => {
  const expected: Record<string, FailureKind[]> = {
    'argparse-errors.log': ['unknown-arguments', 'constraint', 'unknown-arguments'],
    'bare-asserts.log': ['constraint', 'constraint'],
    'cuda-oom-legacy.log': ['cuda-oom'],
    'cuda-oom-torch2.log': ['cuda-oom', 'child-failed'],
    'file-not-found.log': ['file-not-found', 'file-not-found', 'file-not-found'],
    'healthy-run.log': [],
    'host-oom-sigkill.log': ['host-oom'],
    'megatron-v3-assert.log': ['constraint'],
    'missing-package.log': ['missing-package', 'missing-package'],
    'nccl-error.log': ['nccl-error'],
    'nccl-timeout.log': ['nccl-timeout', 'child-failed'],
    'remaining-argv.log': ['unknown-arguments', 'unknown-arguments'],
    'rendezvous-timeout.log': ['rendezvous-timeout'],
    'swift-v4-valueerror.log': ['constraint'],
    'v3-missing-tracker.log': ['constraint'],
  };
  assert.deepEqual(fs.readdirSync(LOG_FIXTURES).sort(), Object.keys(expected).sort());
  for (const [file, want] of Object.entries(expected)) assert.deepEqual(kinds(recognizeFailures(readLogFixture(file))), want, file);
});

test('only the last maxLines lines are read; line numbers still count from the start', () => {
  const text = 'x\n'.repeat(50) + readLogFixture('swift-v4-valueerror.log');
  assert.equal(recognizeFailures(text, { maxLines: 10 })[0]!.line, 58);
  assert.deepEqual(recognizeFailures(readLogFixture('swift-v4-valueerror.log') + 'y\n'.repeat(50), { maxLines: 10 }), []);
});

test('constraint table: every id, key and renamed name is taken from reference/constraints.json', () => {
  const byId = new Map(CONSTRAINTS.map((c) => [c.id, c]));
  for (const id of new Set([...Object.keys(CONSTRAINT_INFO), ...CONSTRAINT_PATTERNS.map((p) => p.id)])) {
    const c = byId.get(id);
    assert.ok(c, `${id} is a rule of constraints.json`);
    const allowed = new Set([...c.args, ...c.env]);
    const keys = [...(CONSTRAINT_INFO[id]?.keys ?? []), ...CONSTRAINT_PATTERNS.filter((p) => p.id === id).flatMap((p) => p.keys ?? [])];
    if (!c.args.includes('*')) for (const k of keys) assert.ok(allowed.has(k), `${id}: ${k} is one of its arguments or variables`);
    assert.ok(CONSTRAINT_INFO[id], `${id} has a summary`);
  }
  assert.deepEqual([...RENAMED_IN_V4].sort(), [...byId.get('argument-renamed-in-v4')!.args].sort());
});

/** One realistic line (or traceback tail) per message pattern, from the sources the rules cite. */
const MESSAGES: Array<[string, string]> = [
  ['launch-requires-nproc-per-node', 'ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable RANK expected, but not set'],
  ['nproc-exceeds-visible-devices', 'torch.AcceleratorError: CUDA error: invalid device ordinal'],
  ['model-required', "ValueError: Please set --model <model_id_or_path>`, model: None"],
  ['model-required', 'ValueError: You did not pass `--mcore_model/--model` to read weights, so you need to set `--perform_initialization true` to allow the model to initialize weights properly.'],
  ['model-type-unsupported', 'ValueError: Model: /models/tiny-llm is not supported.'],
  ['dataset-required', 'ValueError: self.dataset: [], self.cached_dataset: []. Please input the training dataset.'],
  ['world-size-divisible-by-etp-ep-pp', 'RuntimeError: world_size (8) is not divisible by expert_tensor_model_pipeline_parallel size (16)'],
  ['world-size-divisible-by-etp-ep-pp', 'RuntimeError: decoder world_size (8) is not divisible by expert_tensor_model_pipeline_parallel size (16)'],
  ['world-size-divisible-by-tp-pp-cp', 'AssertionError: world size (6) is not divisible by total_model_size (encoder_model_size=0 + decoder_model_size=4)'],
  ['world-size-divisible-by-tp-pp-cp', 'RuntimeError: world_size (6) is not divisible by 4'],
  ['tp-divides-attention-heads', 'ValueError: num_attention_heads (28) must be a multiple of tensor_model_parallel_size (8).'],
  ['tp-vs-query-groups', 'ValueError: num_query_groups (4) must be a multiple or divisor of tensor_model_parallel_size (3).'],
  ['hidden-size-divisible-by-heads', '  File "/m/megatron/training/arguments.py", line 690, in validate_args\n    assert args.hidden_size % args.num_attention_heads == 0\nAssertionError'],
  ['tp-divides-vocab-size', '  File "/m/megatron/core/tensor_parallel/layers.py", line 203, in __init__\n    VocabUtility.vocab_range_from_global_vocab_size(\n  File "/m/megatron/core/utils.py", line 309, in divide\n    ensure_divisibility(numerator, denominator)\nAssertionError: 151936 is not divisible by 3'],
  ['tp-divides-ffn-hidden-size', '  File "/m/megatron/core/tensor_parallel/layers.py", line 765, in __init__\n    self.output_size_per_partition = divide(output_size, world_size)\nAssertionError: 18944 is not divisible by 3'],
  ['tp-cp-divides-linear-attention-heads', 'AssertionError: self.linear_num_key_heads=16 must be a multiple of (self.tensor_model_parallel_size=3 * self.context_parallel_size=1).'],
  ['tp-comm-overlap-requires-sequence-parallel', 'ValueError: Tensor parallel communication/GEMM overlap can happen only when sequence parallelism is enabled'],
  ['moe-tp-requires-sequence-parallel', 'ValueError: During training, performance may degrade if MoE and tensor parallelismare enabled without also enabling sequence parallelism.'],
  ['ep-tp-requires-sequence-parallel', 'ValueError: When using expert parallelism and tensor parallelism, sequence parallelism must be used'],
  ['pp-divides-num-layers', 'AssertionError: Number of layers should be divisible by the pipeline-model-parallel size'],
  ['pp-divides-num-layers', 'AssertionError: num_layers=28 should be divisible by config.pipeline_model_parallel_size=3'],
  ['uneven-pp-requires-pp-gt-1', 'ValueError: pipeline_model_parallel_size must be greater than 1 if you want to set decoder_first_pipeline_num_layers or decoder_last_pipeline_num_layers.'],
  ['uneven-pp-layer-split', 'ValueError: num_layers_in_first_pipeline_stage must be larger than 0'],
  ['uneven-pp-layer-split', 'ValueError: number of layers at first stage: 5must be divisible by virtual pipelineparallel degree 2'],
  ['uneven-pp-layer-split', 'ValueError: number of layers at middle stage: 21 must be divisible bythe middle pipeline model parallel size 2'],
  ['uneven-pp-layer-split', 'ValueError: Mismatch: 21 middle layers remaining but 2 middle stages'],
  ['pp-split-options-conflict', 'ValueError: num_layers_in_first_pipeline_stage and num_layers_in_last_pipeline_stage cannot beset at the same time with account_for_embedding_in_pipeline_splitand account_for_loss_in_pipeline_split'],
  ['pp-split-options-conflict', 'ValueError: pipeline_model_parallel_layout cannot be set with other pipeline layout arguments. self.num_layers_in_first_pipeline_stage=4,'],
  ['pp-split-options-conflict', 'AssertionError: virtual_pipeline_model_parallel_size conflicts with pipeline_model_parallel_layout, (self.virtual_pipeline_model_parallel_size=2,  detected_vpp_size=4)'],
  ['vpp-requires-pp-gt-1', 'RuntimeError: pipeline-model-parallel size should be greater than 1 with interleaved schedule'],
  ['vpp-divides-layers-per-stage', 'AssertionError: num_layers_per_pipeline_rank 7             should be divisible by vp_size 2'],
  ['pp-layout-stage-count', 'AssertionError: The length of pipeline_model_parallel_layout must be divisible by pipeline_model_parallel_size (num_stages=6, self.pipeline_model_parallel_size=4)'],
  ['vpp-microbatch-count', 'ValueError: The number of contiguous micro-batches in a virtual pipeline stageshould range in [PP=4 , M=2]'],
  ['vpp-microbatch-count', 'RuntimeError: The remainder of M (the total micro-batches) divided by N (number of contiguous micro-batches in a virtual pipeline stage) should be 0, or larger than or equal to the pipeline-parallel size, but it is 1.'],
  ['vpp-p2p-overlap-vs-batch', 'ValueError: Can not use both overlap_p2p_comm and batch_p2p_comm'],
  ['cp-seq-length-multiple', 'AssertionError: seq-length should be a multiple of 2 * context-parallel-size if context-parallel-size > 1.'],
  ['seq-length-exceeds-max-position-embeddings', 'AssertionError: max_position_embeddings (4096) must be greater than or equal to seq_length (8192).'],
  ['expert-parallel-requires-moe', 'AssertionError: num_experts must be non None to use expert model parallelism'],
  ['num-experts-divisible-by-ep', 'AssertionError: Number of experts should be a multiple of expert model parallel_size.'],
  ['num-experts-divisible-by-ep', '  File "/m/megatron/core/transformer/moe/moe_layer.py", line 185, in __init__\n    assert self.config.num_moe_experts % ep_size == 0\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nAssertionError'],
  ['expert-parallel-rejects-fp16', 'AssertionError: Expert parallelism is not supported with fp16 training.'],
  ['moe-bias-requires-etp-1', 'AssertionError: Bias in Moe is only supported when ETP==1'],
  ['global-batch-divisible-by-micro-times-dp', 'AssertionError: global batch size (12) is not divisible by micro batch size (4) times data parallel size (2)'],
  ['global-batch-divisible-by-micro-times-dp', 'ValueError: global_batch_size must be >= `data_parallel_size * micro_batch_size` to have at least one micro-batch. global_batch_size: 4, data_parallel_size: 8, micro_batch_size: 1.'],
  ['global-batch-divisible-by-micro-times-dp', 'AssertionError: number of microbatches should be at least 1, got 0.'],
  ['batch-sizes-positive', '  File "/m/megatron/training/arguments.py", line 430, in validate_args\n    assert args.micro_batch_size > 0\nAssertionError'],
  ['batch-sizes-positive', '  File "/m/megatron/training/arguments.py", line 436, in validate_args\n    assert args.global_batch_size > 0\nAssertionError'],
  ['batch-sizes-positive', '  File "/m/megatron/training/arguments.py", line 429, in validate_args\n    assert args.micro_batch_size is not None\nAssertionError'],
  ['recompute-method-requires-full', 'ValueError: recompute method is not yet supported for selective recomputing granularity'],
  ['recompute-full-requires-method', 'ValueError: Using recompute_granularity: full so recompute_method must be "block" or "uniform"'],
  ['recompute-full-requires-method', 'ValueError: recompute_method: chunk must be "block" or "uniform".'],
  ['recompute-full-requires-num-layers', 'ValueError: When using recompute_granularity: full recompute_num_layers must be between 1 and num_layers_per_pipeline_rank: 28'],
  ['recompute-num-layers-requires-full', 'ValueError: When using recompute_granularity: selective recompute_num_layers must be None.'],
  ['recompute-modules-allowed', "AssertionError: Invalid choices for recompute_modules: {'attn'}. Allowed modules are: {'core_attn', 'mlp'}"],
  ['recompute-moe-act-requires-grouped-gemm', 'ValueError: moe_act in recompute_modules is only supported with moe_grouped_gemm.'],
  ['recompute-mla-up-proj-requires-mla', 'ValueError: mla_up_proj in recompute_modules is only supported with multi_latent_attention.'],
  ['recompute-shared-experts-vs-overlap', 'ValueError: shared_experts recompute cannot work with --moe-shared-expert-overlap.'],
  ['moe-layer-recompute-conflicts-with-full', 'ValueError: Do not set --moe-layer-recompute with full recompute granularity. '],
  ['recompute-fp8-delayed-moe-act-layernorm', 'ValueError: Delayed scaling does not support moe_act and layernorm recompute for fp8.'],
  ['fp16-bf16-exclusive', 'ValueError: Only one of self.fp16: True and self.bf16 True should be True.'],
  ['fp16-bf16-exclusive', '  File "/m/megatron/training/arguments.py", line 583, in validate_args\n    assert not args.bf16\nAssertionError'],
  ['fp16-bf16-exclusive', '  File "/m/megatron/training/arguments.py", line 593, in validate_args\n    assert not args.fp16\nAssertionError'],
  ['grouped-gemm-requires-bf16-ampere', 'AssertionError: Currently GroupedGEMM for MoE only supports bf16 dtype.'],
  ['grouped-gemm-requires-bf16-ampere', 'AssertionError: Unsupported compute capability for GroupedGEMM kernels.'],
  ['fp8-fp4-param-gather-and-exclusivity', 'ValueError: fp8_param must be used together with fp8 mode.'],
  ['fp8-fp4-param-gather-and-exclusivity', 'ValueError: fp4 and fp8 cannot be used simultaneously. Please choose one.'],
  ['precision-aware-optimizer-requirements', 'AssertionError: --use-precision-aware-optimizer only supported with distributed optimizer'],
  ['precision-aware-optimizer-requirements', "AssertionError: Current FusedAdam of TE doesn't support --use-precision-aware-optimizer, please update TE version."],
  ['gradient-accumulation-fusion-requires-apex', 'RuntimeError: ColumnParallelLinear was called with gradient_accumulation_fusion set to True but the custom CUDA extension fused_weight_gradient_mlp_cuda module is not found.'],
  ['overlap-param-gather-requires-distributed-optimizer', 'AssertionError: --overlap-param-gather only supported with distributed optimizer'],
  ['overlap-param-gather-requires-overlap-grad-reduce', 'AssertionError: Must use --overlap-param-gather with --overlap-grad-reduce'],
  ['megatron-fsdp-optimizer-choice', 'ValueError: Megatron-FSDP does not support the "muon" optimizer yet.'],
  ['megatron-fsdp-cuda-device-max-connections', 'ValueError: Megatron-FSDP requires `CUDA_DEVICE_MAX_CONNECTIONS > 1`, for example you can set `CUDA_DEVICE_MAX_CONNECTIONS=32`'],
  ['muon-no-overlap', 'AssertionError: Muon optimizer does not support overlap grad reduce. Use dist_muon instead.'],
  ['weight-decay-incr-style-bounds', '  File "/s/megatron_args.py", line 1120, in __post_init__\n    assert self.start_weight_decay is None\nAssertionError'],
  ['weight-decay-incr-style-bounds', '  File "/s/megatron_args.py", line 1121, in __post_init__\n    assert self.end_weight_decay is None\nAssertionError'],
  ['weight-decay-incr-style-bounds', '  File "/s/megatron_args.py", line 1124, in __post_init__\n    assert self.start_weight_decay is not None\nAssertionError'],
  ['weight-decay-incr-style-bounds', '  File "/s/megatron_args.py", line 1125, in __post_init__\n    assert self.end_weight_decay is not None\nAssertionError'],
  ['weight-decay-incr-style-bounds', '  File "/m/optimizer_param_scheduler.py", line 169, in __init__\n    assert self.end_wd >= self.start_wd\nAssertionError'],
  ['weight-decay-incr-style-bounds', '  File "/m/optimizer_param_scheduler.py", line 168, in __init__\n    assert self.start_wd >= 0.0\nAssertionError'],
  ['min-lr-not-above-lr', '  File "/m/arguments.py", line 712, in validate_args\n    assert args.min_lr <= args.lr\nAssertionError'],
  ['min-lr-not-above-lr', '  File "/m/optimizer_param_scheduler.py", line 151, in __init__\n    assert self.max_lr >= self.min_lr\nAssertionError'],
  ['lr-warmup-init-not-above-lr', '  File "/m/optimizer_param_scheduler.py", line 152, in __init__\n    assert self.init_lr <= self.max_lr\nAssertionError'],
  ['lr-warmup-shorter-than-decay', '  File "/m/optimizer_param_scheduler.py", line 160, in __init__\n    assert self.lr_warmup_steps < self.lr_decay_steps\nAssertionError'],
  ['lr-warmup-shorter-than-decay', '  File "/m/optimizer_param_scheduler.py", line 159, in __init__\n    assert self.lr_decay_steps > 0\nAssertionError'],
  ['wsd-requires-decay-iters', '  File "/m/optimizer_param_scheduler.py", line 164, in __init__\n    assert self.wsd_decay_steps is not None\nAssertionError'],
  ['train-iters-required-v3', 'Exception: either train-iters or train-samples should be provided.'],
  ['train-iters-or-epochs-required', '  File "/s/swift/megatron/utils/megatron_lm_utils.py", line 584, in get_optimizer_param_scheduler\n    wd_incr_steps = args.train_iters * args.global_batch_size\n                    ~~~~~~~~~~~~~~~~^~~~~~~~~~~~~~~~~~~~~~~~\nTypeError: unsupported operand type(s) for *: \'NoneType\' and \'int\''],
  ['streaming-requires-train-iters', 'ValueError: You are using a streaming training dataset. Please explicitly specify `--train_iters`.'],
  ['streaming-save-strategy-epoch', 'ValueError: streaming dataset is not supported with `--save_strategy epoch`.'],
  ['streaming-val-requires-eval-iters', 'ValueError: You are using a streaming validation dataset. Please explicitly specify `--eval_iters`.'],
  ['v3-load-dir-missing-tracker', 'WARNING: could not find the metadata file /models/x/latest_checkpointed_iteration.txt'],
  ['v3-load-dir-missing-tracker', ">> '--exit-on-missing-checkpoint' set ... exiting. <<"],
  ['v3-load-without-finetune', 'Unable to load optimizer from checkpoint /ckpt/iter_0000001. Specify --no-load-optim or --finetune to prevent attempting to load the optimizer state, exiting ...'],
  ['v3-load-without-finetune', 'Unable to load rng state from checkpoint /ckpt/iter_0000001. Specify --no-load-rng or --finetune to prevent attempting to load the rng state, exiting ...'],
  ['resume-tp-pp-change-with-distributed-optimizer', 'RuntimeError: (TP, PP) mismatch after resume ((2, 1) vs (4, 1) from checkpoint): not supported for DistributedOptimizer'],
  ['resume-needs-optimizer-state', "  File \"/s/swift/megatron/utils/megatron_lm_utils.py\", line 484, in load_mcore_checkpoint\n    _load_optimizer_state_dict(optimizer, state_dict['optimizer'])\n                                          ~~~~~~~~~~^^^^^^^^^^^^^\nKeyError: 'optimizer'"],
  ['save-total-limit-constraints', 'ValueError: async_save is not supported with save_total_limit.'],
  ['save-total-limit-constraints', 'ValueError: save_total_limit must be greater than or equal to 2.'],
  ['lora-llm-requirements', 'ValueError: `tuner_type="lora_llm"` is only supported for multimodal models.'],
  ['lora-llm-requirements', 'ValueError: `merge_lora` must be True when using `--tuner_type lora_llm`'],
  ['freeze-parameters-ratio-with-pp', 'ValueError: `freeze_parameters_ratio` is not supported when `pipeline_model_parallel_size` > 1'],
  ['apply-wd-to-qk-layernorm-model-type', 'ValueError: apply_wd_to_qk_layernorm is only supported for qwen3_next, qwen3_5 and qwen3_5_moe'],
  ['export-output-dir-exists', 'FileExistsError: args.output_dir: `/ckpt/Qwen3-8B-mcore` already exists.'],
  ['attention-backend-local-unsupported-v3', 'AssertionError: --attention-backend local is only supported with --spec local'],
  ['attention-backend-choices', 'AssertionError: Unsupported flash attention version: 5. Supported: flash_2, flash_3, flash_4.'],
  ['flash-attention-package-required', 'ValueError: flash-attn v3 is not installed. Detected installations: FA2=True, FA3=False, FA4=False.'],
  ['flash-attention-package-required', "importlib.metadata.PackageNotFoundError: No package metadata was found for The 'flash-attn' distribution was not found and is required by this application. "],
  ['flash-attention-learnable-softmax', 'ValueError: Attention backend "flash" does not support learnable softmax_type.'],
  ['deterministic-mode-requirements', 'AssertionError: Flash attention can not be used in deterministic mode.'],
  ['deterministic-mode-requirements', 'AssertionError: Cross Entropy Fusion is currently not deterministic.'],
  ['deterministic-mode-requirements', "AssertionError: NCCL_ALGO must be one of ['Ring', 'Tree']."],
  ['moe-allgather-with-variable-seq-lengths', 'ValueError: Token dispatcher type: allgather does not support variable sequence length, please use alltoall dispatcher instead.'],
  ['moe-deepep-requires-flex', 'ValueError: DeepEP backend is only supported with flex token dispatcher.'],
  ['moe-deepep-requires-flex', 'AssertionError: DeepEP dispatcher requires TPxEP > 1'],
  ['moe-deepep-requires-flex', 'ValueError: Flex token dispatcher with deepep backend does not support moe_pad_expert_input_to_capacity'],
  ['moe-shared-expert-overlap-dispatcher', 'ValueError: moe_shared_expert_overlap only works with alltoall token dispatcher.'],
  ['moe-capacity-factor-load-balancing', 'ValueError: moe_expert_capacity_factor only works with aux_loss or none load balancing'],
  ['moe-pad-to-capacity-requires-capacity-factor', 'ValueError: moe_expert_capacity_factor must be set to use moe_pad_expert_input_to_capacity'],
  ['moe-aux-loss-coeff-list-length', 'AssertionError: moe_aux_loss_coeff must be a list of the same length as moe_router_load_balancing_type'],
  ['moe-topk1-requires-pre-softmax', 'ValueError: Please use --moe-router-pre-softmax when topk is 1.'],
  ['streaming-zero-workers-v3', 'ValueError: prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.'],
  ['lazy-tokenize-vs-packing-streaming', 'ValueError: Packing and lazy_tokenize are incompatible.'],
  ['group-by-length-requires-no-padding-free', 'ValueError: group_by_length is not compatible with padding_free.'],
  ['group-by-length-requires-shuffle', 'ValueError: shuffle must be True when group_by_length is True'],
  ['template-must-support-padding-free', 'ValueError: Template `qwen2_vl` does not support padding free or packing.'],
  ['truncation-split-pretrain-only', 'ValueError: `--truncation_strategy split` is currently only supported for pre-training.'],
  ['cached-dataset-no-streaming', 'AssertionError: Cached dataset does not support streaming.'],
  ['grpo-generation-batch-size', 'ValueError: generation_batch_size (48) must be divisible by num_generations (16).'],
  ['grpo-generation-batch-size', 'ValueError: steps_per_generation must be > 0, got 0.'],
  ['grpo-dp-alignment', 'ValueError: num_rollout_prompt (3) = generation_batch_size (48) // num_generations (16) must be divisible by dp_size (2).'],
  ['grpo-dp-alignment', 'ValueError: per_device_num_rollout_prompt (0) must be >= 1, please adjust generation_batch_size/steps_per_generation/num_generations.'],
  ['grpo-colocate-vllm-tp-divides-world', 'ValueError: vllm_tensor_parallel_size (3) must divide world size (8) evenly.'],
  ['grpo-requires-vllm-mode', 'ValueError: Invalid vllm_mode: None'],
  ['grpo-unsupported-options', 'ValueError: async_generate is not supported for Megatron GRPO right now'],
  ['grpo-unsupported-options', 'AssertionError: use_vllm must be True for Megatron GRPO'],
  ['grpo-truncation-strategy', "ValueError: GRPO requires `truncation_strategy 'left' or 'delete'`, Current value: `truncation_strategy='right'`."],
];

test('each rule message (as ms-swift / Megatron print it) gives its rule id, with the rank prefix too', () => {
  for (const [id, text] of MESSAGES) {
    for (const t of [text, text.split('\n').map((l) => `[rank5]: ${l}`).join('\n')]) {
      const fs = recognizeFailures(t).filter((f) => f.constraintId !== undefined);
      assert.deepEqual(fs.map((f) => f.constraintId), [id], `${id}: ${t}`);
      assert.ok(fs[0]!.summary.length > 10);
    }
  }
  // every pattern is exercised by a message above
  const covered = new Set<number>();
  for (const [, text] of MESSAGES) {
    const lines = text.split('\n');
    CONSTRAINT_PATTERNS.forEach((p, i) => {
      if (lines.some((l) => p.re.test(p.assertLine ? l.trim() : l))) covered.add(i);
    });
  }
  const missing = CONSTRAINT_PATTERNS.filter((_, i) => !covered.has(i)).map((p) => `${p.id}: ${p.re}`);
  assert.deepEqual(missing, []);
});
