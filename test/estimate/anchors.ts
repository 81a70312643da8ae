// The ms-swift documentation/example anchors of shared/reference/memory-estimation.md §4.3, written as run configs
// (the scripts' flags as YAML keys), with what ms-swift reports for them and what the reference's own estimate gave.
export interface Anchor {
  id: string;
  source: string;
  config: string;
  /** GiB per GPU as the example/doc reports it (nvidia-smi or memory(GiB); the reference treats both as GiB) */
  reported: number;
  /** the reference's device estimate (GiB) and its error, for the record */
  referenceEstimate: number;
  /** tokens per micro-batch the reference assumed where the data is padding-free (data-dependent) */
  tokensPerMicroBatch?: number;
  moe: boolean;
}

const env = (n: number, extra = '') =>
  `ENV:\n  NPROC_PER_NODE: "${n}"\n  CUDA_VISIBLE_DEVICES: "${Array.from({ length: n }, (_, i) => i).join(',')}"\n${extra}`;
const EXP = '  PYTORCH_CUDA_ALLOC_CONF: "expandable_segments:True"\n';
const DATA = 'dataset:\n  - liucong/Chinese-DeepSeek-R1-Distill-data-110k-SFT\n';
const FULL_RC = 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n';

export const ANCHORS: Anchor[] = [
  {
    id: 'A1',
    source: 'docs Megatron-SWIFT-Training.md@v3.4.1:117-134, Qwen2.5-14B 8×A800 "8*64GB"',
    config:
      `# megatron sft ms-swift=3.4.1\n${env(8)}model: Qwen/Qwen2.5-14B\n${DATA}tensor_model_parallel_size: 4\nsequence_parallel: true\n` +
      'micro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\nrecompute_granularity: selective\n' +
      'cross_entropy_loss_fusion: true\nattention_backend: flash\ntrain_iters: 2000\nfinetune: true\n',
    reported: 64,
    referenceEstimate: 62.9,
    moe: false,
  },
  {
    id: 'A2',
    source: 'same doc table + examples/train/megatron/moe.sh@v3.4.1, Qwen1.5-MoE-A2.7B 8×A800 "8*66GB"',
    config:
      `# megatron sft ms-swift=3.4.1\n${env(8)}model: Qwen/Qwen1.5-MoE-A2.7B-Chat\n${DATA}tensor_model_parallel_size: 2\nexpert_model_parallel_size: 4\n` +
      'sequence_parallel: true\nmoe_grouped_gemm: true\nmicro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\n' +
      'recompute_granularity: selective\ncross_entropy_loss_fusion: true\ntrain_iters: 2000\nfinetune: true\n',
    reported: 66,
    referenceEstimate: 70.6,
    moe: true,
  },
  {
    id: 'A3',
    source: 'examples/megatron/long_text.sh@v4.5.2, Qwen2.5-7B 4×A100 32k "4 * 50GB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(4, EXP)}model: Qwen/Qwen2.5-7B\ndataset:\n  - ZhipuAI/LongWriter-6k\ntensor_model_parallel_size: 4\nsequence_parallel: true\n` +
      `micro_batch_size: 1\nglobal_batch_size: 8\npacking: true\nmax_length: 32768\n${FULL_RC}cross_entropy_loss_fusion: true\nattention_backend: flash\ntrain_iters: 1000\n`,
    reported: 50,
    referenceEstimate: 44.4,
    moe: false,
  },
  {
    id: 'A4',
    source: 'examples/megatron/lora/dense.sh@v4.5.2:1 "full: 2 * 70GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(2, EXP)}model: Qwen/Qwen2.5-7B-Instruct\ndataset:\n  - AI-ModelScope/alpaca-gpt4-data-zh#500\n  - swift/self-cognition#500\n` +
      `tuner_type: full\ntensor_model_parallel_size: 2\nsequence_parallel: true\nmicro_batch_size: 16\nglobal_batch_size: 16\n${FULL_RC}` +
      'cross_entropy_loss_fusion: true\nmax_length: 2048\nnum_train_epochs: 1\n',
    reported: 70,
    referenceEstimate: 71.2,
    tokensPerMicroBatch: 6144,
    moe: false,
  },
  {
    id: 'A4L',
    source: 'examples/megatron/lora/dense.sh@v4.5.2:2 "lora: 2 * 14GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(2, EXP)}model: Qwen/Qwen2.5-7B-Instruct\ndataset:\n  - AI-ModelScope/alpaca-gpt4-data-zh#500\n  - swift/self-cognition#500\n` +
      `tuner_type: lora\nlora_rank: 8\nlora_alpha: 32\ntarget_modules: all-linear\ntensor_model_parallel_size: 2\nsequence_parallel: true\n` +
      `micro_batch_size: 16\nglobal_batch_size: 16\n${FULL_RC}cross_entropy_loss_fusion: true\nmax_length: 2048\nnum_train_epochs: 1\n`,
    reported: 14,
    referenceEstimate: 14.0,
    tokensPerMicroBatch: 6144,
    moe: false,
  },
  {
    id: 'A5',
    source: 'examples/megatron/base_to_chat.sh@v4.5.2 "8 * 65GiB" (= A1 on 4.x)',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen2.5-14B\n${DATA}tensor_model_parallel_size: 4\nsequence_parallel: true\n` +
      'micro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\nrecompute_granularity: selective\n' +
      'cross_entropy_loss_fusion: true\nattention_backend: flash\ntrain_iters: 2000\n',
    reported: 65,
    referenceEstimate: 60.7,
    moe: false,
  },
  {
    id: 'A6',
    source: 'examples/megatron/dense/72b_offload.sh@v4.5.2 "8 * 65GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen2.5-72B-Instruct\n${DATA}tensor_model_parallel_size: 8\nsequence_parallel: true\n` +
      `micro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\n${FULL_RC}cross_entropy_loss_fusion: true\n` +
      'optimizer_cpu_offload: true\nuse_precision_aware_optimizer: true\noptimizer_offload_fraction: 1\nattention_backend: flash\nnum_train_epochs: 5\n',
    reported: 65,
    referenceEstimate: 56.9,
    moe: false,
  },
  {
    id: 'A7',
    source: 'examples/megatron/dense/qwen3_32b.sh@v4.5.2 "8 * 80GiB" (may be the card)',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen3-32B\n${DATA}tensor_model_parallel_size: 8\nsequence_parallel: true\n` +
      `micro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\n${FULL_RC}cross_entropy_loss_fusion: true\nattention_backend: flash\nnum_train_epochs: 5\n`,
    reported: 80,
    referenceEstimate: 74.3,
    moe: false,
  },
  {
    id: 'A8',
    source: 'examples/megatron/moe/qwen3_moe_offload.sh@v4.5.2 "4 * 75GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(4, EXP)}model: Qwen/Qwen3-30B-A3B\n${DATA}expert_model_parallel_size: 4\nmoe_permute_fusion: true\nmoe_grouped_gemm: true\n` +
      `moe_aux_loss_coeff: 1.0e-3\nmicro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmax_length: 8192\n${FULL_RC}` +
      'cross_entropy_loss_fusion: true\nsequence_parallel: true\noptimizer_cpu_offload: true\nuse_precision_aware_optimizer: true\n' +
      'optimizer_offload_fraction: 1\nattention_backend: flash\nnum_train_epochs: 3\n',
    reported: 75,
    referenceEstimate: 64.0,
    moe: true,
  },
  {
    id: 'A9',
    source: 'examples/megatron/moe/qwen3_moe.sh@v4.5.2, docs Quick-start.md@v4.5.2:261-271 "16 * 60GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\nENV:\n  NNODES: "2"\n  NPROC_PER_NODE: "8"\n${EXP}model: Qwen/Qwen3-30B-A3B\n${DATA}pipeline_model_parallel_size: 2\n` +
      `expert_model_parallel_size: 8\nmoe_permute_fusion: true\nmoe_grouped_gemm: true\nmoe_aux_loss_coeff: 1.0e-3\nmicro_batch_size: 1\n` +
      `global_batch_size: 16\npacking: true\nmax_length: 8192\n${FULL_RC}cross_entropy_loss_fusion: true\nsequence_parallel: true\n` +
      'attention_backend: flash\nnum_train_epochs: 3\n',
    reported: 60,
    referenceEstimate: 45.5,
    moe: true,
  },
  {
    id: 'A10',
    source: 'examples/megatron/moe/moe.sh@v4.5.2 "8 * 57GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen1.5-MoE-A2.7B-Chat\n${DATA}pipeline_model_parallel_size: 2\n` +
      'decoder_last_pipeline_num_layers: 11\nexpert_model_parallel_size: 4\nmoe_permute_fusion: true\nmoe_grouped_gemm: true\n' +
      `moe_aux_loss_coeff: 1.0e-3\nmicro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nmoe_router_dtype: fp32\n${FULL_RC}` +
      'cross_entropy_loss_fusion: true\nmax_length: 8192\nsequence_parallel: true\nattention_backend: flash\nnum_train_epochs: 1\n',
    reported: 57,
    referenceEstimate: 45.5,
    moe: true,
  },
  {
    id: 'A11',
    source: 'examples/megatron/fp8/benchmark.sh@v4.5.2:1-3 "BF16: 8 * 52GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen3-14B\n${DATA}tensor_model_parallel_size: 4\nmicro_batch_size: 1\n` +
      'global_batch_size: 16\npacking: true\nrecompute_granularity: selective\ncross_entropy_loss_fusion: true\ncross_entropy_fusion_impl: native\n' +
      'max_length: 8192\nsequence_parallel: true\nuse_precision_aware_optimizer: true\nexp_avg_dtype: bf16\nexp_avg_sq_dtype: bf16\n' +
      'attention_backend: flash\nnum_train_epochs: 1\n',
    reported: 52,
    referenceEstimate: 53.1,
    moe: false,
  },
  {
    id: 'A11-FP8',
    source: 'examples/megatron/fp8/benchmark.sh@v4.5.2:1-3 "FP8: 8 * 58GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen3-14B\n${DATA}fp8_recipe: blockwise\nfp8_format: e4m3\nfp8_param_gather: true\n` +
      'tensor_model_parallel_size: 4\nmicro_batch_size: 1\nglobal_batch_size: 16\npacking: true\nrecompute_granularity: selective\n' +
      'cross_entropy_loss_fusion: true\ncross_entropy_fusion_impl: native\nmax_length: 8192\nsequence_parallel: true\n' +
      'use_precision_aware_optimizer: true\nexp_avg_dtype: bf16\nexp_avg_sq_dtype: bf16\nattention_backend: flash\nnum_train_epochs: 1\n',
    reported: 58,
    referenceEstimate: 60.0,
    moe: false,
  },
  {
    id: 'A12',
    source: 'examples/megatron/lora/moe.sh@v4.5.2 "2 * 62GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(2, EXP)}model: Qwen/Qwen3-30B-A3B\ndataset:\n  - swift/Qwen3-SFT-Mixin#2000\ntuner_type: lora\nlora_rank: 8\n` +
      'lora_alpha: 32\ntarget_modules: all-linear\nexpert_model_parallel_size: 2\nmoe_permute_fusion: true\nmoe_grouped_gemm: true\n' +
      `moe_aux_loss_coeff: 1.0e-3\nmicro_batch_size: 8\nglobal_batch_size: 16\n${FULL_RC}cross_entropy_loss_fusion: true\n` +
      'max_length: 2048\nsequence_parallel: true\nattention_backend: flash\nnum_train_epochs: 1\n',
    reported: 62,
    referenceEstimate: 54.9,
    moe: true,
  },
  {
    id: 'A13',
    source: 'examples/megatron/lora/qwen3_235b.sh@v4.5.2 "8 * 80GiB"',
    config:
      `# megatron sft ms-swift=4.5.2\n${env(8, EXP)}model: Qwen/Qwen3-235B-A22B-Instruct-2507\ndataset:\n  - swift/self-cognition#1000\ntuner_type: lora\n` +
      'lora_rank: 8\nlora_alpha: 32\ntarget_modules: all-linear\nmoe_permute_fusion: true\ntensor_model_parallel_size: 4\n' +
      'expert_tensor_parallel_size: 1\nexpert_model_parallel_size: 8\nmoe_grouped_gemm: true\nmoe_aux_loss_coeff: 1.0e-3\n' +
      `micro_batch_size: 8\nglobal_batch_size: 16\n${FULL_RC}cross_entropy_loss_fusion: true\nmax_length: 2048\nsequence_parallel: true\n` +
      'attention_backend: flash\nnum_train_epochs: 1\n',
    reported: 80,
    referenceEstimate: 70.0,
    moe: true,
  },
];
