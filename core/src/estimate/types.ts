// Inputs and outputs of the per-rank GPU memory estimate (Megatron-SWIFT training step).
// Method: shared/reference/memory-estimation.md §2 (weights/optimizer bytes per parameter, per-tensor activation
// accounting, pipeline in-flight counts, loss term, allocator and non-PyTorch overheads).

/** Dtype of the model parameters (Megatron `bf16` / `fp16`, else fp32). */
export type ParamDtype = 'bf16' | 'fp16' | 'fp32';
/** Dtypes of the precision-aware optimizer's states. */
export type StateDtype = 'fp32' | 'fp16' | 'bf16' | 'fp8';

export interface MoeShape {
  /** routed experts */
  experts: number;
  /** experts per token */
  topk: number;
  /** FFN size of one routed expert */
  ffn: number;
  /** FFN size of the shared expert(s) together; 0 / undefined when there is none */
  sharedFfn?: number;
  /** the shared expert has a sigmoid gate (Qwen2-MoE): h more replicated parameters */
  sharedGate?: boolean;
  /** the first k decoder layers are dense (DeepSeek `first_k_dense_replace`) */
  firstDenseLayers?: number;
  /**
   * tokens routed to the most loaded expert rank relative to the balanced average (ι in §2.4); 1 = balanced.
   * Dropless routing early in training can reach 1.5–2.
   */
  imbalance?: number;
  /** the un-permutation keeps the expert output alive (u in §2.4); megatron-core 0.18 measured as false */
  unpermuteKeepsOutput?: boolean;
}

/** Multi-latent attention (DeepSeek-V2/V3): replaces the q/k/v widths. */
export interface MlaShape {
  qLoraRank?: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

export interface ModelShape {
  layers: number;
  hidden: number;
  heads: number;
  /** KV heads (num_query_groups); = heads without GQA */
  queryGroups: number;
  /** head dim (kv_channels); default hidden / heads */
  headDim?: number;
  /** dense MLP size */
  ffn: number;
  vocab: number;
  /** embedding and output layer share one matrix */
  tiedEmbeddings: boolean;
  /** SwiGLU / gated MLP (three matrices); default true */
  gated?: boolean;
  /** bias on Q, K, V (Qwen2/2.5) */
  qkvBias?: boolean;
  /** RMSNorm on q and k (Qwen3) */
  qkNorm?: boolean;
  normalization?: 'RMSNorm' | 'LayerNorm';
  moe?: MoeShape;
  mla?: MlaShape;
  /** multi-token-prediction layers on the last stage (each adds a layer and a loss) */
  mtpLayers?: number;
  /** vocabulary padded to a multiple of this × TP (Megatron's make_vocab_size_divisible_by); default 1 */
  vocabDivisibleBy?: number;
  /** the task computes vocabulary logits (false for embedding / seq_cls / reward models); default true */
  vocabLogits?: boolean;
}

export interface ParallelConfig {
  world: number;
  tp: number;
  pp: number;
  cp?: number;
  ep?: number;
  /** expert tensor parallel size; default 1 */
  etp?: number;
  /** virtual pipeline stages (model chunks) per pipeline rank */
  vpp?: number;
  sequenceParallel: boolean;
  /** decoder_first_pipeline_num_layers */
  firstStageLayers?: number;
  /** decoder_last_pipeline_num_layers */
  lastStageLayers?: number;
}

export interface BatchConfig {
  microBatchSize: number;
  /** tokens of one sample (packing length / max_length) before the CP split */
  seqLength: number;
  /** micro-batches per step on one DP rank (global_batch_size / (micro_batch_size × DP)); default = PP */
  numMicroBatches?: number;
  /** tokens per micro-batch multiplier (DPO/KTO put chosen and rejected through together: 2); default 1 */
  sequencesPerSample?: number;
}

export type RecomputeGranularity = 'none' | 'selective' | 'full';

export interface RecomputeConfig {
  granularity: RecomputeGranularity;
  /** selective: core_attn, mlp, moe, moe_act, layernorm, shared_experts, mla_up_proj */
  modules?: string[];
  /** full: uniform (chunks of n layers) or block (the first n layers of each stage) */
  method?: 'uniform' | 'block';
  /** full: recompute_num_layers (default 1) */
  numLayers?: number;
}

export interface LoraConfig {
  rank: number;
  dropout: number;
  /** which linears get adapters; 'all-linear' = QKV, projection, FC1, FC2 (and the experts') */
  targets: 'all-linear' | Array<'qkv' | 'proj' | 'fc1' | 'fc2'>;
  /** adapters on routed experts too (all-linear in ms-swift 4.5.2); default true */
  experts?: boolean;
}

export interface PrecisionAwareConfig {
  mainParams: 'fp32' | 'fp16';
  expAvg: StateDtype;
  expAvgSq: StateDtype;
}

export interface TrainingConfig {
  /**
   * full: everything trains. lora: the base is frozen, adapters train. frozen-linears: the decoder's linear layers
   * are frozen and nothing is added (the measurement harness' "LoRA-like base"); embeddings and norms train.
   */
  tuning: 'full' | 'lora' | 'frozen-linears';
  lora?: LoraConfig;
  params: ParamDtype;
  /** FP8 (TransformerEngine) training */
  fp8?: { paramGather: boolean };
  /** the gradient buffer's dtype (ms-swift: fp32 main grads); default fp32 unless params are fp16 */
  gradDtype?: 'fp32' | 'bf16' | 'fp16';
  distributedOptimizer: boolean;
  /** adam (default), sgd (one state), muon (one state) */
  optimizer?: 'adam' | 'sgd' | 'muon';
  precisionAware?: PrecisionAwareConfig;
  /** fraction of the optimizer states and master weights kept on the CPU (optimizer_cpu_offload) */
  optimizerOffloadFraction?: number;
  /**
   * TE/apex FusedAdam or torch fused=True: no transient in step(). false = torch's foreach AdamW, which needs
   * +4 B per optimizer-shard parameter during step() (§2.3). Default true.
   */
  fusedAdam?: boolean;
  /** gradient_accumulation_fusion (needs apex); off adds a bf16 output-layer weight gradient at the loss. Default true */
  gradAccumulationFusion?: boolean;
  /** cross_entropy_fusion_impl te works in place on bf16 logits; default native (= unfused memory) */
  crossEntropy?: 'native' | 'te';
  /** a frozen copy of the model for DPO/KTO references (full FT): + 2 B per parameter */
  referenceModel?: boolean;
  /** use_megatron_fsdp: parameters and gradients are sharded over DP too */
  megatronFsdp?: boolean;
}

export interface RuntimeConfig {
  /** transformer implementation: TE (ρ = 0) or megatron-core `local` spec (ρ = 1: the mixed QKV buffer stays alive) */
  backend: 'te' | 'local';
  /** flash/fused attention keeps no s² scores; unfused/local attention does */
  attention?: 'flash' | 'unfused';
  /** hidden_dropout > 0 adds two 1-byte masks per layer */
  hiddenDropout?: number;
  /** PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True */
  expandableSegments: boolean;
  /** CUDA context per process; default 0.75 GiB */
  cudaContextGiB?: number;
  /** NCCL buffers per process; default 2.6 GiB (dense), 4.9 GiB (EP all-to-all), 0 for a single process */
  ncclGiB?: number;
  /** other device memory on each GPU (e.g. a colocated vLLM engine) */
  extraDeviceGiB?: number;
  /** allocated extras outside the terms (RoPE tables, buffers, small tensors); default 100 MiB */
  miscMiB?: number;
}

export interface EstimateInput {
  model: ModelShape;
  parallel: ParallelConfig;
  batch: BatchConfig;
  recompute: RecomputeConfig;
  training: TrainingConfig;
  runtime: RuntimeConfig;
  /** assumptions made while building the input (printed with the result) */
  assumptions?: string[];
}

/** Memory of one pipeline stage's ranks, GiB. allocated = weights + grads + optimizer + activations + logits + overhead. */
export interface RankEstimate {
  /** the first global rank of this stage (Megatron orders ranks tp, cp, ep, dp, pp: the stage changes slowest) */
  rank: number;
  /** pipeline stage (0-based) */
  stage: number;
  /** parameters on the GPU (bf16 weights, frozen base, FP8 weight caches, reference model) */
  weights: number;
  /** gradient buffers */
  grads: number;
  /** optimizer states and master weights on the GPU (sharded); the foreach-Adam transient when step() is the peak */
  optimizer: number;
  /** activations alive at the peak: stored micro-batches in flight + backward temporaries beyond the loss term */
  activations: number;
  /** the loss/logits term at the peak (fp32 softmax of the logits, stages that compute a loss) */
  logits: number;
  /** allocated extras: RoPE tables, buffers, small tensors */
  overhead: number;
  /** peak of PyTorch's max_memory_allocated */
  allocated: number;
  /** peak of max_memory_reserved (allocator fragmentation added; ms-swift's `memory(GiB)`) */
  reserved: number;
  /** what nvidia-smi shows for the process (CUDA context and NCCL buffers added) */
  device: number;
}

export interface EstimateResult {
  /** one entry per pipeline stage */
  perRank: RankEstimate[];
  /** the stage with the largest device memory */
  worst: RankEstimate;
  assumptions: string[];
}

/** Why an estimate could not be made. */
export interface EstimateUnknown {
  unknown: string;
}

export function isUnknown<T extends object>(r: T | EstimateUnknown): r is EstimateUnknown {
  return typeof (r as EstimateUnknown).unknown === 'string';
}
