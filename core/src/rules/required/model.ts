// A training run needs a model (directly, or through a checkpoint's args.json), and the model type needs a Megatron
// implementation in the selected ms-swift version.
import { KnownVersion } from '../../catalog/schema';
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { MEGATRON_COMMANDS, Rule } from '../types';
import { MEGATRON_MODEL_SUPPORT } from './megatron-models';

/** The argument exists here and holds a non-empty value. */
function given(ctx: RuleContext, name: string): boolean {
  if (!ctx.spec(name)) return false;
  const v = ctx.value(name);
  if (typeof v === 'string') return v.trim() !== '' && !(ctx.mode === 'yaml' && v === 'None' && ctx.entry(name)?.py?.t === 'null');
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== undefined;
}

/** `swift export` only touches Megatron when converting weights. */
function isMegatronExport(ctx: RuleContext): boolean {
  return ctx.command === 'swift export' && (ctx.bool('to_mcore') === true || ctx.bool('to_hf') === true);
}

function appliesHere(ctx: RuleContext): boolean {
  if (ctx.command === 'swift export') return isMegatronExport(ctx);
  // with use_ray the training arguments live in the Ray YAML named by --config
  return !(ctx.command === 'megatron rlhf' && ctx.bool('use_ray') === true);
}

const COMMANDS = [...MEGATRON_COMMANDS, 'swift export'] as const;

export const modelRequired: Rule = {
  id: 'model-required',
  title: 'No model to train',
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  commands: COMMANDS,
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/model_args.py:152-154',
    'modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/base_args.py:187-192',
    'modelscope/ms-swift@v4.5.2:swift/arguments/base_args/model_args.py:219-221',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:28-36',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:51-53',
    'modelscope/ms-swift@v3.4.1:swift/llm/utils.py:286-296',
    'modelscope/ms-swift@v4.5.2:swift/arguments/base_args/base_args.py:236-244',
    'modelscope/ms-swift@v4.5.2:swift/model/utils.py:328-338',
  ],
  *check(ctx) {
    if (!appliesHere(ctx)) return;
    // any of these names the model directly or through the args.json of the checkpoint it points at
    const sources = ctx.version === '3.4.1' ? ['model', 'load', 'mcore_model', 'adapters'] : ['model', 'mcore_model', 'adapters', 'mcore_adapter'];
    if (sources.some((n) => given(ctx, n))) return;
    // a 3.x `load` in a 4.5.2 config: argument-renamed-in-v4 already asks to rename it to `mcore_model`
    if (ctx.version !== '3.4.1' && ctx.doc.entries.some((e) => e.key === 'load')) return;
    const alternatives = sources.filter((n) => n !== 'model' && ctx.spec(n)).map((n) => `\`${n}\``);
    yield {
      message:
        `No model is given: set \`model\` (a ModelScope/Hugging Face id or a local folder)` +
        (alternatives.length ? `, or ${alternatives.join(' / ')} pointing at a checkpoint whose args.json names it` : '') +
        `. Without one ms-swift stops with a ValueError asking for --model; it ${stageText('args', ctx.version)}.`,
      key: 'model',
    };
  },
};

/** A model's ms-swift type in this version and whether it has a Megatron implementation; undefined when unknown. */
export function megatronSupport(version: KnownVersion, modelType: string | undefined, modelId: string | undefined): { type: string; supported: boolean; via: 'model_type' | 'model' } | undefined {
  const table = MEGATRON_MODEL_SUPPORT[version];
  if (modelType !== undefined) {
    if (table.supported.includes(modelType)) return { type: modelType, supported: true, via: 'model_type' };
    if (Object.prototype.hasOwnProperty.call(table.unsupported, modelType)) return { type: modelType, supported: false, via: 'model_type' };
    return undefined;
  }
  if (modelId === undefined) return undefined;
  const id = modelId.trim().replace(/\/+$/, '').toLowerCase();
  for (const [type, ids] of Object.entries(table.unsupported)) {
    if (ids.some((i) => i.toLowerCase() === id)) return { type, supported: false, via: 'model' };
  }
  return undefined;
}

export const modelTypeUnsupported: Rule = {
  id: 'model-type-unsupported',
  title: 'Model type has no Megatron implementation',
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  commands: COMMANDS,
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/gpt/__init__.py:10-40',
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/register.py:38-46',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:23-25',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:826-829',
  ],
  *check(ctx) {
    if (!appliesHere(ctx)) return;
    const explicitType = ctx.isSet('model_type') ? ctx.str('model_type') : undefined;
    const model = ctx.str('model');
    const s = megatronSupport(ctx.version, explicitType?.trim() || undefined, model);
    if (!s || s.supported) return;
    const table = MEGATRON_MODEL_SUPPORT[ctx.version];
    const what = s.via === 'model' ? `\`${model}\` is an ms-swift \`${s.type}\` model, a type` : `\`model_type\` ${s.type} is a model type`;
    const newer = ctx.version === '3.4.1' && MEGATRON_MODEL_SUPPORT['4.5.2'].supported.includes(s.type) ? ' ms-swift 4.5.2 supports it.' : '';
    const failure =
      ctx.version === '3.4.1'
        ? 'ms-swift finds no Megatron model for it and crashes right after parsing the arguments'
        : `ms-swift stops with "not supported" while parsing the arguments`;
    yield {
      message:
        `${what} without a Megatron implementation in ms-swift ${ctx.version} (the "Support Megatron" column of its supported-models ` +
        `table): ${failure}, before any training. Train it with \`swift sft\` instead, or pick a model of a supported type ` +
        `(${table.supported.length} types, e.g. ${table.supported.filter((t) => /^(qwen3|qwen2_5|llama3_1|deepseek|qwen3_moe|glm4_moe)$/.test(t)).join(', ')}).${newer}`,
      key: s.via === 'model_type' ? 'model_type' : 'model',
    };
  },
};
