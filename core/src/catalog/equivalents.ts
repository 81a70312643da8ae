// Names that mean the same thing in the Hugging Face-style `swift` trainers and in Megatron-SWIFT, so that
// `learning_rate` in a `megatron sft` config can be answered with "use `lr`". A suggestion is only made when
// the target name exists in the command's catalog.

/** swift (transformers Trainer) name -> Megatron-SWIFT name(s), most likely first */
const SWIFT_TO_MEGATRON: Record<string, string[]> = {
  learning_rate: ['lr'],
  per_device_train_batch_size: ['micro_batch_size'],
  per_device_eval_batch_size: ['micro_batch_size'],
  train_batch_size: ['global_batch_size'],
  gradient_accumulation_steps: ['global_batch_size'],
  max_steps: ['train_iters'],
  lr_scheduler_type: ['lr_decay_style'],
  warmup_ratio: ['lr_warmup_fraction'],
  warmup_steps: ['lr_warmup_iters'],
  max_grad_norm: ['clip_grad'],
  gradient_checkpointing: ['recompute_granularity'],
  logging_steps: ['log_interval'],
  save_steps: ['save_interval'],
  eval_steps: ['eval_interval'],
  output_dir: ['save'],
  num_train_epochs: ['max_epochs'],
  dataloader_num_workers: ['num_workers'],
  resume_from_checkpoint: ['mcore_model', 'load'],
  deepspeed: ['tensor_model_parallel_size', 'pipeline_model_parallel_size'],
  adam_epsilon: ['adam_eps'],
  min_learning_rate: ['min_lr'],
  ddp_timeout: ['distributed_timeout_minutes'],
  ddp_backend: ['distributed_backend'],
};

const MEGATRON_TO_SWIFT: Record<string, string[]> = {};
for (const [swift, megatronNames] of Object.entries(SWIFT_TO_MEGATRON)) {
  for (const m of megatronNames) (MEGATRON_TO_SWIFT[m] ??= []).push(swift);
}

/** Names of the other family that correspond to `name` (not filtered by catalog). */
export function equivalentNames(name: string, targetIsMegatron: boolean): string[] {
  return (targetIsMegatron ? SWIFT_TO_MEGATRON[name] : MEGATRON_TO_SWIFT[name]) ?? [];
}
