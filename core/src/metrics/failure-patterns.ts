// The messages ms-swift, Megatron-LM and megatron-core print when a rule of reference/constraints.md is broken,
// mapped to the rule's id (the diagnostic code the editor puts on the config) and the keys to mark.
//
// Messages are taken from the sources the constraints cite (ms-swift v3.4.1 / v4.5.2, Megatron-LM core_r0.12.0 /
// core_r0.18.0). Where the check is a bare `assert` without a message, Python's traceback shows the source line
// right before "AssertionError", so `assert` patterns match that source line (and need an AssertionError after it).
// Messages written as adjacent string literals lose the space between them ("parallelism" "are" →
// "parallelismare"), so patterns stop before such joins.

export interface ConstraintPattern {
  /** the constraint id in reference/constraints.json */
  id: string;
  re: RegExp;
  /** the pattern is a bare assert's source line: only counts when an AssertionError follows */
  assertLine?: boolean;
  /** only when one of the 12 lines before mentions this (frames of the traceback) */
  context?: RegExp;
  /** keys to mark; the rule's default when absent */
  keys?: string[];
}

export interface ConstraintInfo {
  /** plain words: what went wrong and what to change */
  summary: string;
  keys: string[];
}

/** Per rule: a plain summary and the config keys (or ENV variables) to mark. */
export const CONSTRAINT_INFO: Record<string, ConstraintInfo> = {
  'launch-requires-nproc-per-node': {
    summary: 'torch.distributed was started without torchrun: set NPROC_PER_NODE (1 for a single GPU) so the launcher uses torchrun.',
    keys: ['NPROC_PER_NODE'],
  },
  'nproc-exceeds-visible-devices': {
    summary: 'A rank asked for a GPU that does not exist ("invalid device ordinal"): NPROC_PER_NODE is larger than the number of GPUs in CUDA_VISIBLE_DEVICES.',
    keys: ['NPROC_PER_NODE', 'CUDA_VISIBLE_DEVICES'],
  },
  'yaml-config-unsupported-before-v4-1': {
    summary: 'This ms-swift cannot read a YAML config file (it arrived as a leftover argument): pass the keys as --flags, or use ms-swift 4.1 or newer.',
    keys: [],
  },
  'yaml-null-or-empty-values': {
    summary: 'An argument got no value (an empty or null YAML value becomes a bare --flag): give it a value or remove the key.',
    keys: [],
  },
  'unknown-argument': {
    summary: 'ms-swift does not know these arguments and stopped while parsing them.',
    keys: [],
  },
  'argument-renamed-in-v4': {
    summary: 'These are ms-swift 3.x argument names that ms-swift 4 renamed or removed.',
    keys: [],
  },
  'value-not-in-choices': {
    summary: 'An argument has a value that is not one of its choices.',
    keys: [],
  },
  'model-required': {
    summary: 'No model to load: set `model` (or `mcore_model` / `load` for a converted checkpoint).',
    keys: ['model'],
  },
  'model-type-unsupported': {
    summary: 'Megatron-SWIFT does not support this model (type).',
    keys: ['model', 'model_type'],
  },
  'dataset-required': {
    summary: 'No training dataset: set `dataset` (or `cached_dataset`).',
    keys: ['dataset', 'cached_dataset'],
  },
  'world-size-divisible-by-tp-pp-cp': {
    summary: 'The number of GPUs (world size) is not divisible by tensor × pipeline × context parallel size.',
    keys: ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'context_parallel_size'],
  },
  'world-size-divisible-by-etp-ep-pp': {
    summary: 'The number of GPUs is not divisible by expert-tensor × expert × pipeline parallel size.',
    keys: ['expert_model_parallel_size', 'expert_tensor_parallel_size', 'pipeline_model_parallel_size'],
  },
  'tp-divides-attention-heads': {
    summary: "Tensor parallel size does not divide the model's number of attention heads.",
    keys: ['tensor_model_parallel_size'],
  },
  'tp-vs-query-groups': {
    summary: "Tensor parallel size does not fit the model's number of query groups (KV heads).",
    keys: ['tensor_model_parallel_size'],
  },
  'hidden-size-divisible-by-heads': {
    summary: "The model's hidden size is not divisible by its number of attention heads (Megatron validate_args).",
    keys: [],
  },
  'tp-divides-vocab-size': {
    summary: "Tensor parallel size does not divide the model's vocabulary size.",
    keys: ['tensor_model_parallel_size'],
  },
  'tp-divides-ffn-hidden-size': {
    summary: "A layer size (typically the FFN hidden size) is not divisible by the tensor parallel size.",
    keys: ['tensor_model_parallel_size', 'expert_tensor_parallel_size'],
  },
  'tp-cp-divides-linear-attention-heads': {
    summary: "Tensor × context parallel size does not divide the model's linear-attention heads.",
    keys: ['tensor_model_parallel_size', 'context_parallel_size'],
  },
  'tp-comm-overlap-requires-sequence-parallel': {
    summary: 'tp_comm_overlap needs sequence_parallel: true.',
    keys: ['tp_comm_overlap', 'sequence_parallel'],
  },
  'moe-tp-requires-sequence-parallel': {
    summary: 'MoE training with tensor parallelism needs sequence_parallel: true (failed on the first step).',
    keys: ['sequence_parallel', 'tensor_model_parallel_size'],
  },
  'ep-tp-requires-sequence-parallel': {
    summary: 'Expert parallelism together with tensor parallelism needs sequence_parallel: true.',
    keys: ['sequence_parallel', 'expert_model_parallel_size', 'tensor_model_parallel_size'],
  },
  'pp-divides-num-layers': {
    summary: "The model's number of layers is not divisible by the pipeline parallel size.",
    keys: ['pipeline_model_parallel_size'],
  },
  'uneven-pp-layer-split': {
    summary: 'The first/last pipeline stage layer counts do not leave an even split for the other stages.',
    keys: ['decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers', 'pipeline_model_parallel_size'],
  },
  'uneven-pp-requires-pp-gt-1': {
    summary: 'decoder_first/last_pipeline_num_layers need pipeline_model_parallel_size > 1.',
    keys: ['decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers', 'pipeline_model_parallel_size'],
  },
  'pp-split-options-conflict': {
    summary: 'Pipeline split options conflict (layout, first/last stage layers, account_for_* options).',
    keys: ['pipeline_model_parallel_layout', 'decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers', 'account_for_embedding_in_pipeline_split', 'account_for_loss_in_pipeline_split'],
  },
  'vpp-requires-pp-gt-1': {
    summary: 'Virtual pipeline parallelism needs pipeline_model_parallel_size > 1.',
    keys: ['virtual_pipeline_model_parallel_size', 'pipeline_model_parallel_size'],
  },
  'vpp-divides-layers-per-stage': {
    summary: 'The layers of each pipeline stage are not divisible by the virtual pipeline size.',
    keys: ['virtual_pipeline_model_parallel_size', 'pipeline_model_parallel_size'],
  },
  'pp-layout-stage-count': {
    summary: 'pipeline_model_parallel_layout does not have a multiple of pipeline_model_parallel_size stages.',
    keys: ['pipeline_model_parallel_layout', 'pipeline_model_parallel_size'],
  },
  'vpp-microbatch-count': {
    summary: 'With virtual pipeline parallelism the number of micro-batches does not fit the interleaved schedule.',
    keys: ['global_batch_size', 'micro_batch_size', 'virtual_pipeline_model_parallel_size', 'microbatch_group_size_per_vp_stage'],
  },
  'vpp-p2p-overlap-vs-batch': {
    summary: 'overlap_p2p_comm and batch_p2p_comm cannot both be on.',
    keys: ['overlap_p2p_comm', 'batch_p2p_comm'],
  },
  'cp-seq-length-multiple': {
    summary: 'With context parallelism the sequence length must be a multiple of 2 × context_parallel_size.',
    keys: ['max_length', 'context_parallel_size'],
  },
  'seq-length-exceeds-max-position-embeddings': {
    summary: "max_length is longer than the model's max_position_embeddings.",
    keys: ['max_length'],
  },
  'expert-parallel-requires-moe': {
    summary: 'expert_model_parallel_size > 1 needs a mixture-of-experts model.',
    keys: ['expert_model_parallel_size'],
  },
  'num-experts-divisible-by-ep': {
    summary: "The model's number of experts is not a multiple of expert_model_parallel_size.",
    keys: ['expert_model_parallel_size'],
  },
  'expert-parallel-rejects-fp16': {
    summary: 'Expert parallelism does not support fp16: use bf16.',
    keys: ['expert_model_parallel_size', 'fp16', 'torch_dtype'],
  },
  'moe-bias-requires-etp-1': {
    summary: 'MoE layers with bias need expert_tensor_parallel_size: 1.',
    keys: ['expert_tensor_parallel_size'],
  },
  'global-batch-divisible-by-micro-times-dp': {
    summary: 'global_batch_size is not divisible by micro_batch_size × data parallel size.',
    keys: ['global_batch_size', 'micro_batch_size'],
  },
  'batch-sizes-positive': {
    summary: 'micro_batch_size and global_batch_size must be positive.',
    keys: ['micro_batch_size', 'global_batch_size'],
  },
  'recompute-method-requires-full': {
    summary: 'recompute_method only works with recompute_granularity: full.',
    keys: ['recompute_method', 'recompute_granularity'],
  },
  'recompute-full-requires-method': {
    summary: 'recompute_granularity: full needs recompute_method (uniform or block).',
    keys: ['recompute_granularity', 'recompute_method'],
  },
  'recompute-full-requires-num-layers': {
    summary: 'recompute_granularity: full needs recompute_num_layers.',
    keys: ['recompute_granularity', 'recompute_num_layers'],
  },
  'recompute-num-layers-requires-full': {
    summary: 'recompute_num_layers only works with recompute_granularity: full.',
    keys: ['recompute_num_layers', 'recompute_granularity'],
  },
  'recompute-uniform-divides-stage-layers': {
    summary: 'recompute_num_layers with recompute_method: uniform must divide the layers of each pipeline stage.',
    keys: ['recompute_num_layers', 'recompute_method'],
  },
  'recompute-modules-allowed': {
    summary: 'recompute_modules lists a module that cannot be recomputed.',
    keys: ['recompute_modules'],
  },
  'recompute-moe-act-requires-grouped-gemm': {
    summary: 'Recomputing moe_act needs moe_grouped_gemm: true.',
    keys: ['recompute_modules', 'moe_grouped_gemm'],
  },
  'recompute-mla-up-proj-requires-mla': {
    summary: 'Recomputing mla_up_proj needs a multi-latent-attention model.',
    keys: ['recompute_modules'],
  },
  'recompute-shared-experts-vs-overlap': {
    summary: 'Recomputing shared_experts does not work with moe_shared_expert_overlap.',
    keys: ['recompute_modules', 'moe_shared_expert_overlap'],
  },
  'moe-layer-recompute-conflicts-with-full': {
    summary: 'moe_layer_recompute cannot be combined with recompute_granularity: full.',
    keys: ['moe_layer_recompute', 'recompute_granularity'],
  },
  'recompute-fp8-delayed-moe-act-layernorm': {
    summary: 'fp8 delayed scaling cannot recompute moe_act or layernorm.',
    keys: ['fp8_recipe', 'recompute_modules'],
  },
  'fp16-bf16-exclusive': {
    summary: 'fp16 and bf16 were both requested: choose one.',
    keys: ['fp16', 'bf16', 'torch_dtype'],
  },
  'grouped-gemm-requires-bf16-ampere': {
    summary: 'Grouped GEMM for MoE needs bf16 on an Ampere or newer GPU.',
    keys: ['moe_grouped_gemm'],
  },
  'fp8-fp4-param-gather-and-exclusivity': {
    summary: 'fp8/fp4 parameter gather needs the matching fp8/fp4 mode, and fp8 and fp4 cannot be used together.',
    keys: ['fp8_param_gather', 'fp4_param_gather', 'fp8_format', 'fp4_format'],
  },
  'precision-aware-optimizer-requirements': {
    summary: 'use_precision_aware_optimizer needs the adam optimizer with the distributed optimizer (and a recent Transformer Engine).',
    keys: ['use_precision_aware_optimizer', 'optimizer', 'use_distributed_optimizer'],
  },
  'gradient-accumulation-fusion-requires-apex': {
    summary: 'Gradient accumulation fusion needs APEX with its CUDA extensions: install it, or turn the fusion off.',
    keys: ['no_gradient_accumulation_fusion', 'gradient_accumulation_fusion'],
  },
  'overlap-param-gather-requires-distributed-optimizer': {
    summary: 'overlap_param_gather needs use_distributed_optimizer: true.',
    keys: ['overlap_param_gather', 'use_distributed_optimizer'],
  },
  'overlap-param-gather-requires-overlap-grad-reduce': {
    summary: 'overlap_param_gather needs overlap_grad_reduce: true.',
    keys: ['overlap_param_gather', 'overlap_grad_reduce'],
  },
  'megatron-fsdp-optimizer-choice': {
    summary: 'Megatron-FSDP supports only the adam and sgd optimizers.',
    keys: ['use_megatron_fsdp', 'optimizer'],
  },
  'megatron-fsdp-cuda-device-max-connections': {
    summary: 'Megatron-FSDP needs CUDA_DEVICE_MAX_CONNECTIONS > 1.',
    keys: ['use_megatron_fsdp'],
  },
  'muon-no-overlap': {
    summary: 'The muon optimizer cannot overlap gradient reduce or parameter gather: use dist_muon or turn the overlaps off.',
    keys: ['optimizer', 'overlap_grad_reduce', 'overlap_param_gather'],
  },
  'weight-decay-incr-style-bounds': {
    summary: 'The weight-decay schedule settings do not fit weight_decay_incr_style.',
    keys: ['weight_decay_incr_style', 'start_weight_decay', 'end_weight_decay'],
  },
  'min-lr-not-above-lr': {
    summary: 'min_lr is larger than lr.',
    keys: ['min_lr', 'lr'],
  },
  'lr-warmup-init-not-above-lr': {
    summary: 'lr_warmup_init is larger than lr.',
    keys: ['lr_warmup_init', 'lr'],
  },
  'lr-warmup-shorter-than-decay': {
    summary: 'The learning-rate warmup is not shorter than the decay (check lr_warmup_iters / lr_warmup_fraction against lr_decay_iters and train_iters).',
    keys: ['lr_warmup_iters', 'lr_warmup_fraction', 'lr_decay_iters', 'train_iters'],
  },
  'wsd-requires-decay-iters': {
    summary: 'lr_decay_style: WSD needs lr_wsd_decay_iters.',
    keys: ['lr_decay_style', 'lr_wsd_decay_iters'],
  },
  'train-iters-required-v3': {
    summary: 'ms-swift 3.x Megatron training needs train_iters.',
    keys: ['train_iters', 'max_epochs'],
  },
  'train-iters-or-epochs-required': {
    summary: 'Neither train_iters nor num_train_epochs is set, so the learning-rate schedule has no length.',
    keys: ['train_iters', 'num_train_epochs'],
  },
  'streaming-requires-train-iters': {
    summary: 'A streaming dataset needs train_iters.',
    keys: ['train_iters', 'streaming'],
  },
  'streaming-save-strategy-epoch': {
    summary: 'A streaming dataset cannot use save_strategy: epoch.',
    keys: ['save_strategy', 'streaming'],
  },
  'streaming-val-requires-eval-iters': {
    summary: 'A streaming validation dataset needs eval_iters.',
    keys: ['eval_iters', 'streaming'],
  },
  'checkpoint-path-must-exist': {
    summary: 'The checkpoint folder to load does not exist.',
    keys: ['load', 'mcore_model'],
  },
  'v3-load-dir-missing-tracker': {
    summary: "The `load` folder has no latest_checkpointed_iteration.txt, so Megatron loads nothing (and exits, or trains from random weights). Point `load` at a converted Megatron checkpoint.",
    keys: ['load'],
  },
  'v3-load-without-finetune': {
    summary: 'Loading a converted checkpoint without finetune: true tries to restore optimizer/RNG state it does not have.',
    keys: ['finetune', 'no_load_optim', 'no_load_rng', 'load'],
  },
  'resume-needs-optimizer-state': {
    summary: 'Resuming needs the optimizer state, but the checkpoint has none: set finetune: true (or no_load_optim: true).',
    keys: ['finetune', 'no_load_optim', 'mcore_model'],
  },
  'resume-tp-pp-change-with-distributed-optimizer': {
    summary: 'The checkpoint was saved with another TP/PP layout, which the distributed optimizer state cannot be resharded to.',
    keys: ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'no_load_optim', 'finetune'],
  },
  'save-total-limit-constraints': {
    summary: 'save_total_limit must be at least 2 and cannot be used with async_save.',
    keys: ['save_total_limit', 'async_save'],
  },
  'lora-llm-requirements': {
    summary: 'tuner_type: lora_llm has requirements that are not met (multimodal model, merge_lora, no_save_optim).',
    keys: ['tuner_type', 'merge_lora', 'no_save_optim', 'language_model_only'],
  },
  'freeze-parameters-ratio-with-pp': {
    summary: 'freeze_parameters_ratio does not work with pipeline parallelism.',
    keys: ['freeze_parameters_ratio', 'pipeline_model_parallel_size'],
  },
  'apply-wd-to-qk-layernorm-model-type': {
    summary: 'apply_wd_to_qk_layernorm is only supported for qwen3_next and qwen3_5 models.',
    keys: ['apply_wd_to_qk_layernorm'],
  },
  'export-output-dir-exists': {
    summary: 'The export output folder already exists: choose another output_dir or set exist_ok: true.',
    keys: ['output_dir', 'exist_ok'],
  },
  'attention-backend-choices': {
    summary: 'attention_backend has a value that is not supported.',
    keys: ['attention_backend'],
  },
  'attention-backend-local-unsupported-v3': {
    summary: 'attention_backend: local is not supported by ms-swift 3.x.',
    keys: ['attention_backend'],
  },
  'flash-attention-package-required': {
    summary: 'Flash attention was requested but flash-attn is not installed.',
    keys: ['attention_backend', 'use_flash_attn'],
  },
  'flash-attention-learnable-softmax': {
    summary: "Flash attention does not support this model's learnable softmax: use another attention_backend.",
    keys: ['attention_backend'],
  },
  'deterministic-mode-requirements': {
    summary: 'deterministic_mode rules out flash attention and cross-entropy fusion, and needs NCCL_ALGO set.',
    keys: ['deterministic_mode', 'use_flash_attn', 'cross_entropy_loss_fusion'],
  },
  'moe-token-dispatcher-choices': {
    summary: 'moe_token_dispatcher_type has a value that is not supported.',
    keys: ['moe_token_dispatcher_type'],
  },
  'moe-allgather-with-variable-seq-lengths': {
    summary: 'The allgather token dispatcher does not support variable sequence lengths: use alltoall.',
    keys: ['moe_token_dispatcher_type'],
  },
  'moe-deepep-requires-flex': {
    summary: 'DeepEP needs moe_token_dispatcher_type: flex (and TP × EP > 1, no padding to capacity).',
    keys: ['moe_enable_deepep', 'moe_token_dispatcher_type'],
  },
  'moe-shared-expert-overlap-dispatcher': {
    summary: 'moe_shared_expert_overlap needs the alltoall (or flex) token dispatcher.',
    keys: ['moe_shared_expert_overlap', 'moe_token_dispatcher_type'],
  },
  'moe-capacity-factor-load-balancing': {
    summary: 'moe_expert_capacity_factor only works with aux_loss-style or none load balancing.',
    keys: ['moe_expert_capacity_factor', 'moe_router_load_balancing_type'],
  },
  'moe-pad-to-capacity-requires-capacity-factor': {
    summary: 'moe_pad_expert_input_to_capacity needs moe_expert_capacity_factor.',
    keys: ['moe_pad_expert_input_to_capacity', 'moe_expert_capacity_factor'],
  },
  'moe-aux-loss-coeff-list-length': {
    summary: 'moe_aux_loss_coeff needs one value per moe_router_load_balancing_type.',
    keys: ['moe_aux_loss_coeff', 'moe_router_load_balancing_type'],
  },
  'moe-topk1-requires-pre-softmax': {
    summary: 'moe_router_topk: 1 needs moe_router_pre_softmax: true.',
    keys: ['moe_router_pre_softmax', 'moe_router_topk'],
  },
  'streaming-zero-workers-v3': {
    summary: 'A streaming dataset with num_workers: 0 cannot use a prefetch factor or persistent workers.',
    keys: ['num_workers', 'dataloader_prefetch_factor', 'dataloader_persistent_workers'],
  },
  'lazy-tokenize-vs-packing-streaming': {
    summary: 'lazy_tokenize cannot be used with packing or streaming.',
    keys: ['lazy_tokenize', 'packing', 'streaming'],
  },
  'group-by-length-requires-no-padding-free': {
    summary: 'group_by_length does not work with padding_free (or packing).',
    keys: ['group_by_length', 'padding_free', 'packing'],
  },
  'group-by-length-requires-shuffle': {
    summary: 'group_by_length needs the training dataloader to shuffle.',
    keys: ['group_by_length', 'train_dataloader_shuffle'],
  },
  'template-must-support-padding-free': {
    summary: "The model's template does not support padding_free or packing.",
    keys: ['padding_free', 'packing', 'template'],
  },
  'truncation-split-pretrain-only': {
    summary: 'truncation_strategy: split is only supported for pre-training (and not with lazy_tokenize).',
    keys: ['truncation_strategy', 'lazy_tokenize'],
  },
  'cached-dataset-no-streaming': {
    summary: 'A cached dataset cannot be streamed.',
    keys: ['cached_dataset', 'streaming'],
  },
  'grpo-generation-batch-size': {
    summary: 'GRPO generation_batch_size does not fit global_batch_size, steps_per_generation and num_generations.',
    keys: ['generation_batch_size', 'steps_per_generation', 'global_batch_size', 'num_generations'],
  },
  'grpo-dp-alignment': {
    summary: 'GRPO rollout prompts do not split evenly over the data-parallel ranks and micro-batches.',
    keys: ['generation_batch_size', 'num_generations', 'micro_batch_size'],
  },
  'grpo-requires-vllm-mode': {
    summary: 'GRPO rollouts need vllm_mode (server or colocate).',
    keys: ['vllm_mode', 'use_vllm'],
  },
  'grpo-unsupported-options': {
    summary: 'An option is not supported by Megatron GRPO.',
    keys: ['async_generate', 'sync_ref_model', 'num_iterations', 'use_vllm', 'loss_type', 'soft_cache_length'],
  },
  'grpo-truncation-strategy': {
    summary: "GRPO needs truncation_strategy 'left' or 'delete'.",
    keys: ['truncation_strategy'],
  },
  'grpo-colocate-vllm-tp-divides-world': {
    summary: 'vllm_tensor_parallel_size must divide the number of GPUs.',
    keys: ['vllm_tensor_parallel_size', 'vllm_mode'],
  },
};

/** ms-swift 3.x names that 4.x renamed or removed (rule argument-renamed-in-v4). */
export const RENAMED_IN_V4: ReadonlySet<string> = new Set([
  'save', 'save_interval', 'load', 'log_interval', 'eval_interval', 'max_epochs', 'num_workers', 'train_type',
  'distributed_backend', 'distributed_timeout_minutes', 'no_masked_softmax_fusion', 'no_bias_dropout_fusion',
  'no_bias_swiglu_fusion', 'no_rope_fusion', 'no_gradient_accumulation_fusion', 'use_flash_attn', 'no_initialization',
  'manual_gc_interval', 'ckpt_format', 'auto_detect_ckpt_format', 'exit_on_missing_checkpoint', 'dataloader_type',
  'seq_length',
]);

const a = (id: string, src: string, extra: Partial<ConstraintPattern> = {}): ConstraintPattern => ({
  id,
  re: new RegExp('^' + src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s*') + '\\s*(#.*)?$'),
  assertLine: true,
  ...extra,
});

/** Message patterns, tried in order on every line (first match wins for a line). */
export const CONSTRAINT_PATTERNS: ConstraintPattern[] = [
  // launcher
  { id: 'launch-requires-nproc-per-node', re: /environment variable (RANK|WORLD_SIZE|MASTER_ADDR|MASTER_PORT|LOCAL_RANK) expected, but not set/ },
  { id: 'nproc-exceeds-visible-devices', re: /CUDA error: invalid device ordinal/ },
  // argument parsing (remaining_argv and argparse errors are handled in failures.ts)
  { id: 'model-required', re: /Please set --model <model_id_or_path>/ },
  { id: 'model-required', re: /You did not pass `--mcore_model\/--model` to read weights/, keys: ['model', 'mcore_model', 'perform_initialization'] },
  { id: 'model-type-unsupported', re: /Model: .* is not supported\./ },
  { id: 'dataset-required', re: /Please input the training dataset/ },
  // parallel sizes
  { id: 'world-size-divisible-by-etp-ep-pp', re: /world_size \(\d+\) is not divisible by expert_tensor_model_pipeline_parallel size/ },
  { id: 'world-size-divisible-by-tp-pp-cp', re: /world size \(\d+\) is not divisible by total_model_size/ },
  { id: 'world-size-divisible-by-tp-pp-cp', re: /world_size \(\d+\) is not divisible by \d+\s*$/ },
  { id: 'tp-divides-attention-heads', re: /num_attention_heads \(\d+\) must be a multiple of tensor_model_parallel_size/ },
  { id: 'tp-vs-query-groups', re: /num_query_groups \(\d+\) must be a multiple (or divisor )?of tensor_model_parallel_size/ },
  a('hidden-size-divisible-by-heads', 'assert args.hidden_size % args.num_attention_heads == 0'),
  { id: 'tp-divides-vocab-size', re: /AssertionError: \d+ is not divisible by \d+/, context: /vocab/i },
  { id: 'tp-divides-ffn-hidden-size', re: /AssertionError: \d+ is not divisible by \d+/ },
  { id: 'tp-cp-divides-linear-attention-heads', re: /linear_num_(key|value)_heads=\d+ must be a multiple of/ },
  { id: 'tp-comm-overlap-requires-sequence-parallel', re: /Tensor parallel communication\/GEMM overlap can happen only when\s*sequence parallelism is enabled/ },
  { id: 'moe-tp-requires-sequence-parallel', re: /During training, performance may degrade if MoE and tensor parallelism/ },
  { id: 'ep-tp-requires-sequence-parallel', re: /When using expert parallelism and tensor parallelism, sequence parallelism must be used/ },
  { id: 'pp-divides-num-layers', re: /Number of layers should be divisible by the pipeline-model-parallel size/ },
  { id: 'pp-divides-num-layers', re: /num_layers=\d+ should be divisible by config\.pipeline_model_parallel_size=/ },
  { id: 'uneven-pp-requires-pp-gt-1', re: /pipeline_model_parallel_size must be greater than 1 if you want to set/ },
  { id: 'uneven-pp-layer-split', re: /num_layers_in_(first|last)_pipeline_stage must be larger than 0/ },
  { id: 'uneven-pp-layer-split', re: /number of layers at (first|last) stage: \d+\s*must be divisible by virtual pipeline/ },
  { id: 'uneven-pp-layer-split', re: /number of layers at middle stage: \d+ must be divisible by/ },
  { id: 'uneven-pp-layer-split', re: /Mismatch: \d+ middle layers remaining but \d+/ },
  { id: 'pp-split-options-conflict', re: /num_layers_in_first_pipeline_stage and num_layers_in_last_pipeline_stage cannot be\s*set at the same time/ },
  { id: 'pp-split-options-conflict', re: /pipeline_model_parallel_layout cannot be set\s*with other pipeline layout arguments/ },
  { id: 'pp-split-options-conflict', re: /virtual_pipeline_model_parallel_size conflicts with\s*pipeline_model_parallel_layout/ },
  { id: 'vpp-requires-pp-gt-1', re: /pipeline-model-parallel size should be greater than 1 with interleaved schedule/ },
  { id: 'vpp-divides-layers-per-stage', re: /num_layers_per_pipeline_rank \d+\s+should be divisible by vp_size/ },
  { id: 'pp-layout-stage-count', re: /The length of pipeline_model_parallel_layout must be divisible\s*by pipeline_model_parallel_size/ },
  { id: 'vpp-microbatch-count', re: /The number of contiguous micro-batches in a virtual pipeline stage\s*should range in/ },
  { id: 'vpp-microbatch-count', re: /The remainder of M \(the total micro-batches\) divided by N/ },
  { id: 'vpp-p2p-overlap-vs-batch', re: /Can not use both overlap_p2p_comm and batch_p2p_comm/ },
  { id: 'cp-seq-length-multiple', re: /seq-length should be a multiple of 2 \* context-parallel-size/ },
  { id: 'seq-length-exceeds-max-position-embeddings', re: /max_position_embeddings \(\d+\) must be greater than or equal to seq_length/ },
  { id: 'expert-parallel-requires-moe', re: /num_experts must be non None to use expert model parallelism/ },
  { id: 'num-experts-divisible-by-ep', re: /Number of experts should be a multiple of expert model parallel_size/ },
  a('num-experts-divisible-by-ep', 'assert self.config.num_moe_experts % ep_size == 0'),
  { id: 'expert-parallel-rejects-fp16', re: /Expert parallelism is not supported with fp16 training/ },
  { id: 'moe-bias-requires-etp-1', re: /Bias in Moe is only supported when ETP==1/ },
  // batch sizes
  { id: 'global-batch-divisible-by-micro-times-dp', re: /global batch size \(\d+\) is not divisible by micro batch size/ },
  { id: 'global-batch-divisible-by-micro-times-dp', re: /global_batch_size must be >= `data_parallel_size \* micro_batch_size`/ },
  { id: 'global-batch-divisible-by-micro-times-dp', re: /number of microbatches should be at least 1/ },
  a('batch-sizes-positive', 'assert args.micro_batch_size > 0'),
  a('batch-sizes-positive', 'assert args.global_batch_size > 0'),
  a('batch-sizes-positive', 'assert args.micro_batch_size is not None'),
  // recompute
  { id: 'recompute-method-requires-full', re: /recompute method is not yet supported for\s*selective recomputing granularity/ },
  { id: 'recompute-full-requires-method', re: /recompute_method must be "block" or "uniform"/ },
  { id: 'recompute-full-requires-method', re: /recompute_method: \S+ must be "block" or "uniform"/ },
  { id: 'recompute-full-requires-num-layers', re: /recompute_num_layers must be between\s*1 and num_layers_per_pipeline_rank/ },
  { id: 'recompute-num-layers-requires-full', re: /recompute_num_layers must be None/ },
  { id: 'recompute-modules-allowed', re: /Invalid choices for recompute_modules/ },
  { id: 'recompute-moe-act-requires-grouped-gemm', re: /moe_act in recompute_modules is only supported with moe_grouped_gemm/ },
  { id: 'recompute-mla-up-proj-requires-mla', re: /mla_up_proj in recompute_modules is only supported with/ },
  { id: 'recompute-shared-experts-vs-overlap', re: /shared_experts recompute cannot work with --moe-shared-expert-overlap/ },
  { id: 'moe-layer-recompute-conflicts-with-full', re: /Do not set --moe-layer-recompute with full recompute granularity/ },
  { id: 'recompute-fp8-delayed-moe-act-layernorm', re: /Delayed scaling does not support moe_act and layernorm recompute/ },
  // precision
  { id: 'fp16-bf16-exclusive', re: /Only one of self\.fp16: \w+ and self\.bf16 \w+ should be True/ },
  a('fp16-bf16-exclusive', 'assert not args.bf16'),
  a('fp16-bf16-exclusive', 'assert not args.fp16'),
  { id: 'grouped-gemm-requires-bf16-ampere', re: /Currently GroupedGEMM for MoE only supports bf16 dtype/ },
  { id: 'grouped-gemm-requires-bf16-ampere', re: /Unsupported compute capability for GroupedGEMM kernels/ },
  { id: 'fp8-fp4-param-gather-and-exclusivity', re: /fp[48]_param must be used together with fp[48] mode/ },
  { id: 'fp8-fp4-param-gather-and-exclusivity', re: /fp4 and fp8 cannot be used simultaneously/ },
  { id: 'precision-aware-optimizer-requirements', re: /--use-precision-aware-optimizer only supported with/ },
  { id: 'precision-aware-optimizer-requirements', re: /Current FusedAdam of TE doesn't support --use-precision-aware-optimizer/ },
  { id: 'gradient-accumulation-fusion-requires-apex', re: /was called with gradient_accumulation_fusion set\s*to True but the custom CUDA extension/ },
  // optimizer / DDP overlap
  { id: 'overlap-param-gather-requires-distributed-optimizer', re: /--overlap-param-gather only supported with distributed optimizer/ },
  { id: 'overlap-param-gather-requires-overlap-grad-reduce', re: /Must use --overlap-param-gather with --overlap-grad-reduce/ },
  { id: 'megatron-fsdp-optimizer-choice', re: /Megatron-FSDP does not support the ".*" optimizer yet/ },
  { id: 'megatron-fsdp-cuda-device-max-connections', re: /Megatron-FSDP requires `CUDA_DEVICE_MAX_CONNECTIONS > 1`/ },
  { id: 'muon-no-overlap', re: /Muon optimizer does not support overlap (grad reduce|param gather)/ },
  a('weight-decay-incr-style-bounds', 'assert self.start_weight_decay is None'),
  a('weight-decay-incr-style-bounds', 'assert self.end_weight_decay is None'),
  a('weight-decay-incr-style-bounds', 'assert self.start_weight_decay is not None'),
  a('weight-decay-incr-style-bounds', 'assert self.end_weight_decay is not None'),
  a('weight-decay-incr-style-bounds', 'assert self.end_wd >= self.start_wd'),
  a('weight-decay-incr-style-bounds', 'assert self.start_wd >= 0.0'),
  // learning-rate schedule and length
  a('min-lr-not-above-lr', 'assert args.min_lr <= args.lr'),
  a('min-lr-not-above-lr', 'assert self.max_lr >= self.min_lr'),
  a('lr-warmup-init-not-above-lr', 'assert self.init_lr <= self.max_lr', { keys: ['lr_warmup_init', 'lr'] }),
  a('lr-warmup-shorter-than-decay', 'assert self.lr_warmup_steps < self.lr_decay_steps'),
  a('lr-warmup-shorter-than-decay', 'assert self.lr_decay_steps > 0'),
  a('wsd-requires-decay-iters', 'assert self.wsd_decay_steps is not None'),
  { id: 'train-iters-required-v3', re: /either train-iters or train-samples should be provided/ },
  { id: 'train-iters-or-epochs-required', re: /TypeError: unsupported operand type\(s\) for \*: 'NoneType' and 'int'/, context: /args\.(lr_decay_iters|train_iters) \* args\.global_batch_size|get_optimizer_param_scheduler/ },
  { id: 'streaming-requires-train-iters', re: /You are using a streaming training dataset\. Please explicitly specify `--train_iters`/ },
  { id: 'streaming-save-strategy-epoch', re: /streaming dataset is not supported with `--save_strategy epoch`/ },
  { id: 'streaming-val-requires-eval-iters', re: /You are using a streaming validation dataset\. Please explicitly specify `--eval_iters`/ },
  // checkpoints
  { id: 'v3-load-dir-missing-tracker', re: /WARNING: could not find the metadata file .*latest_checkpointed_iteration\.txt/ },
  { id: 'v3-load-dir-missing-tracker', re: />> '--exit-on-missing-checkpoint' set \.\.\. exiting\. <</ },
  { id: 'v3-load-without-finetune', re: /Unable to load optimizer from checkpoint .*Specify --no-load-optim or --finetune/, keys: ['finetune', 'no_load_optim', 'load'] },
  { id: 'v3-load-without-finetune', re: /Unable to load rng state from checkpoint .*Specify --no-load-rng or --finetune/, keys: ['finetune', 'no_load_rng', 'load'] },
  { id: 'resume-tp-pp-change-with-distributed-optimizer', re: /\(TP, PP\) mismatch after resume .* not supported for DistributedOptimizer/ },
  { id: 'resume-needs-optimizer-state', re: /^KeyError: 'optimizer'/, context: /_load_optimizer_state_dict|state_dict\['optimizer'\]/ },
  { id: 'save-total-limit-constraints', re: /async_save is not supported with save_total_limit/ },
  { id: 'save-total-limit-constraints', re: /save_total_limit must be greater than or equal to 2/ },
  { id: 'lora-llm-requirements', re: /`tuner_type="lora_llm"` is (only supported for multimodal models|not supported when `language_model_only=True`)/ },
  { id: 'lora-llm-requirements', re: /`(merge_lora|no_save_optim)` must be True when using `--tuner_type lora_llm`/ },
  { id: 'freeze-parameters-ratio-with-pp', re: /`freeze_parameters_ratio` is not supported when `pipeline_model_parallel_size` > 1/ },
  { id: 'apply-wd-to-qk-layernorm-model-type', re: /apply_wd_to_qk_layernorm is only supported for/ },
  { id: 'export-output-dir-exists', re: /FileExistsError: args\.output_dir: `.*` already exists/ },
  // attention
  { id: 'attention-backend-local-unsupported-v3', re: /--attention-backend local is only supported with --spec local/ },
  { id: 'attention-backend-choices', re: /Unsupported flash attention version: \d+/ },
  { id: 'flash-attention-package-required', re: /flash-attn v\d is not installed/ },
  { id: 'flash-attention-package-required', re: /The '?flash[-_]attn'? distribution was not found/ },
  { id: 'flash-attention-learnable-softmax', re: /does not support learnable softmax_type/ },
  { id: 'deterministic-mode-requirements', re: /Flash attention can not be used in deterministic mode/ },
  { id: 'deterministic-mode-requirements', re: /Cross Entropy Fusion is currently not deterministic/ },
  { id: 'deterministic-mode-requirements', re: /NCCL_ALGO must be one of/ },
  // MoE
  { id: 'moe-allgather-with-variable-seq-lengths', re: /does not support\s*variable sequence length, please use alltoall dispatcher instead/ },
  { id: 'moe-deepep-requires-flex', re: /DeepEP backend is only supported with flex token dispatcher/ },
  { id: 'moe-deepep-requires-flex', re: /DeepEP dispatcher requires TPxEP > 1/ },
  { id: 'moe-deepep-requires-flex', re: /Flex token dispatcher with deepep backend does not support\s*moe_pad_expert_input_to_capacity/ },
  { id: 'moe-shared-expert-overlap-dispatcher', re: /moe_shared_expert_overlap only works with alltoall/ },
  { id: 'moe-capacity-factor-load-balancing', re: /moe_expert_capacity_factor only works with aux_loss/ },
  { id: 'moe-pad-to-capacity-requires-capacity-factor', re: /moe_expert_capacity_factor must be set to use moe_pad_expert_input_to_capacity/ },
  { id: 'moe-aux-loss-coeff-list-length', re: /moe_aux_loss_coeff must be a list of the same length as/ },
  { id: 'moe-topk1-requires-pre-softmax', re: /Please use --moe-router-pre-softmax when topk is 1/ },
  // data
  { id: 'streaming-zero-workers-v3', re: /prefetch_factor option could only be specified in multiprocessing|persistent_workers option needs num_workers > 0/ },
  { id: 'lazy-tokenize-vs-packing-streaming', re: /(Packing|Streaming) and lazy_tokenize are incompatible/ },
  { id: 'group-by-length-requires-no-padding-free', re: /group_by_length is not compatible with padding_free/ },
  { id: 'group-by-length-requires-shuffle', re: /shuffle must be True when group_by_length is True/ },
  { id: 'template-must-support-padding-free', re: /Template `.*` does not support padding free or packing/ },
  { id: 'truncation-split-pretrain-only', re: /`--truncation_strategy split` (is currently only supported for pre-training|does not support lazy_tokenize)/ },
  { id: 'cached-dataset-no-streaming', re: /Cached dataset does not support streaming/ },
  // RLHF
  { id: 'grpo-generation-batch-size', re: /generation_batch_size \(\d+\) must (equal global_batch_size|be divisible by (global_batch_size|num_generations))/ },
  { id: 'grpo-generation-batch-size', re: /steps_per_generation must be > 0/ },
  { id: 'grpo-dp-alignment', re: /num_rollout_prompt \(\d+\) = generation_batch_size .* must be divisible by dp_size/ },
  { id: 'grpo-dp-alignment', re: /per_device_num_rollout_prompt \(\d+\) must be >= 1|Per-device rollout prompt count \(\d+\) = .*must be divisible by micro_batch_size|per_device_generation_batch_size \(\d+\) must be >= 1/ },
  { id: 'grpo-colocate-vllm-tp-divides-world', re: /vllm_tensor_parallel_size \(\d+\) must divide world size/ },
  { id: 'grpo-requires-vllm-mode', re: /Invalid vllm_mode: / },
  { id: 'grpo-unsupported-options', re: /(async_generate|sync_ref_model|num_iterations > 1) is not supported for Megatron GRPO/ },
  { id: 'grpo-unsupported-options', re: /use_vllm must be True for Megatron GRPO|The soft_cache_length must be set when using soft overlong rewards|REAL loss requires that the training micro_batch_size/ },
  { id: 'grpo-truncation-strategy', re: /GRPO requires `truncation_strategy 'left' or 'delete'`/ },
];
