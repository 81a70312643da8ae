// Which part of a config an argument belongs to, for the outline: model, data, training, parallelism,
// checkpoint, logging (ENV is its own group).
import { ArgSpec } from '../catalog/schema';

export type Group = 'model' | 'data' | 'training' | 'parallelism' | 'checkpoint' | 'logging';

export const GROUP_ORDER: Group[] = ['model', 'data', 'training', 'parallelism', 'checkpoint', 'logging'];

export const GROUP_TITLES: Record<Group, { en: string; zh: string }> = {
  model: { en: 'Model', zh: '模型' },
  data: { en: 'Data', zh: '数据' },
  training: { en: 'Training', zh: '训练' },
  parallelism: { en: 'Parallelism', zh: '并行' },
  checkpoint: { en: 'Checkpoints', zh: '检查点' },
  logging: { en: 'Logging', zh: '日志' },
};

const RULES: Array<[RegExp, Group]> = [
  [/(^|_)(tensor|pipeline|context|expert|data|sequence)_(model_)?parallel|_parallel_size$|^sequence_parallel$|^(tp|pp|cp|ep|etp|vpp)_|virtual_pipeline|decoder_(first|last)_pipeline|pipeline_model_parallel_layout|overlap_(grad_reduce|param_gather|p2p_comm)|tp_comm|use_distributed_optimizer|distributed_|megatron_fsdp|fsdp|deepspeed|zero_|ddp_|nccl|^account_for_/, 'parallelism'],
  [/^(save|load|output_dir|mcore_model|mcore_adapter|adapters|ckpt|resume|finetune|no_save|no_load|save_|load_|async_save|dist_ckpt|use_persistent_ckpt|to_mcore|to_hf|merge_lora|exist_ok|push_to_hub|hub_)/, 'checkpoint'],
  [/^(log|logging|report_to|wandb|swanlab|tensorboard|eval_|evaluation|metric|profile|disable_tqdm|run_name|callbacks|acc_)/, 'logging'],
  [/^(model|model_|torch_dtype|attn_impl|attention_backend|rope|max_position|new_special_tokens|num_labels|task_type|quant|bnb_|hqq_|trust_remote|local_repo|device_map|init_strategy|use_hf|hub_token|model_revision|model_type|experts_impl)/, 'model'],
  [/^(dataset|val_dataset|data_|split_dataset|streaming|packing|padding|max_length|truncation|template|system|lazy_tokenize|cached_dataset|interleave|shuffle|columns|remove_unused|dataloader|num_workers|group_by_length|load_from_cache|strict|enable_thinking|loss_scale|agent_template|norm_bbox|response_prefix|use_chat_template|sequence_packing|max_pixels|dataset_num_proc|custom_)/, 'data'],
];

export function argumentGroup(spec: ArgSpec): Group {
  const n = spec.name;
  for (const [re, g] of RULES) if (re.test(n)) return g;
  if (/ModelArguments|QuantizeArguments/.test(spec.sourceClass)) return 'model';
  if (/DataArguments|TemplateArguments/.test(spec.sourceClass)) return 'data';
  return 'training';
}
