// Tuner choices ms-swift 4.5.2 checks or adjusts while parsing arguments: lora_llm requirements, and adapters that
// switch a `full` run to LoRA.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { modelKind } from '../data/multimodal';

export const loraLlmRequirements: Rule = {
  id: 'lora-llm-requirements',
  title: 'tuner_type lora_llm requirements',
  area: 'checkpoint',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:873-879',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:768-772',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('tuner_type') !== 'lora_llm') return;
    const stage = stageText('args', ctx.version);
    const toLora = ctx.setValueFix('tuner_type', 'lora', 'Use `tuner_type: lora`');
    if (ctx.bool('language_model_only') === true) {
      yield {
        key: 'language_model_only',
        message: `\`tuner_type: lora_llm\` cannot be used with \`language_model_only: true\`: ms-swift raises a ValueError and ${stage}. Use \`tuner_type: lora\` instead.`,
        fixes: [{ ...toLora, preferred: true }, ctx.setValueFix('language_model_only', 'false', 'Set `language_model_only: false`')],
      };
    }
    const kind = modelKind(ctx);
    if (kind && !kind.multimodal) {
      yield {
        key: 'tuner_type',
        range: ctx.valueRange('tuner_type'),
        message:
          `\`tuner_type: lora_llm\` (LoRA on the language model, full training of the vision parts) is only for multimodal models, ` +
          `and ${kind.label} is text-only (config from ${kind.origin}): ms-swift raises a ValueError and ${stage}. Use \`tuner_type: lora\`.`,
        fixes: [{ ...toLora, preferred: true }],
      };
    }
    const merge = ctx.bool('merge_lora');
    const mergeEffective = merge ?? ctx.bool('save_safetensors');
    if (mergeEffective === false) {
      const why = merge === false ? '`merge_lora` is false' : '`merge_lora` follows `save_safetensors`, which is false';
      yield {
        key: ctx.isSet('merge_lora') ? 'merge_lora' : ctx.isSet('save_safetensors') ? 'save_safetensors' : 'tuner_type',
        message: `\`tuner_type: lora_llm\` saves merged weights only, so it needs \`merge_lora: true\`; ${why}. ms-swift raises a ValueError and ${stage}.`,
        fixes: [ctx.setValueFix('merge_lora', 'true', 'Set `merge_lora: true`', true)],
      };
    }
    if (ctx.bool('no_save_optim') === false) {
      yield {
        key: ctx.isSet('no_save_optim') ? 'no_save_optim' : 'tuner_type',
        message:
          `\`tuner_type: lora_llm\` needs \`no_save_optim: true\` (its checkpoints cannot hold optimizer state), and \`no_save_optim\` ` +
          `is ${ctx.isSet('no_save_optim') ? 'false' : 'false by default'}: ms-swift raises a ValueError and ${stage}.`,
        fixes: [ctx.setValueFix('no_save_optim', 'true', 'Set `no_save_optim: true`', true)],
      };
    }
  },
};

const ADAPTER_KEYS = ['adapters', 'ref_adapters', 'mcore_adapter', 'mcore_ref_adapter'] as const;

export const adaptersSwitchToLora: Rule = {
  id: 'adapters-switch-to-lora',
  title: 'Adapters given with tuner_type full switch to LoRA',
  area: 'checkpoint',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:880-885'],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('tuner_type') !== 'full') return;
    const given = ADAPTER_KEYS.filter((k) => {
      if (!ctx.spec(k)) return false;
      const v = ctx.value(k);
      return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v !== '';
    });
    if (given.length === 0) return;
    const fixes: Fix[] = [ctx.setValueFix('tuner_type', 'lora', 'Set `tuner_type: lora`', true)];
    const list = given.map((k) => `\`${k}\``).join(' and ');
    const tuner = ctx.isSet('tuner_type') ? '`tuner_type: full`' : '`tuner_type` is `full` (the default)';
    yield {
      key: ctx.isSet('tuner_type') ? 'tuner_type' : given[0],
      message:
        `${list} ${given.length > 1 ? 'are' : 'is'} given while ${tuner}: ms-swift switches the run to \`tuner_type: lora\`` +
        (given.includes('adapters')
          ? ' and takes the LoRA rank, alpha, dropout, bias and rsLoRA settings from the adapter\'s adapter_config.json, overriding the ones in this config'
          : '') +
        `. Say \`tuner_type: lora\` to make that explicit, or remove the adapters for full training.`,
      fixes,
    };
  },
};
