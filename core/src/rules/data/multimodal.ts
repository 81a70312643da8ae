// Is the model multimodal, and does the chat template ms-swift 4.5.2 picks for it support padding-free batches?
// Answered from the model's config.json (architectures[0], model_type, sub-configs) when ctx.model() knows it;
// undefined when it cannot be told (the rules then stay silent).
import { RuleContext } from '../context';
import { AMBIGUOUS_ARCHITECTURES, DECLARED_PADDING_FREE, MULTIMODAL_ARCHITECTURES, TEMPLATE_TYPES, TEXT_ARCHITECTURES_WITHOUT_PADDING_FREE } from './template-support';

/** config.json keys that make ms-swift treat a config as multimodal (swift/utils/hf_config.py:11-12, 72-83) */
const MULTIMODAL_KEYS = ['language_config', 'llm_config', 'text_config', 'vit_config', 'vision_config', 'audio_config', 'thinker_config'];

/** HF model_type of well-known multimodal families -> padding-free support of their template (used without architectures) */
const MULTIMODAL_MODEL_TYPES: Readonly<Record<string, boolean>> = {
  qwen2_vl: true, qwen2_5_vl: true, qwen3_vl: true, qwen3_vl_moe: true, qwen3_5: true, qwen3_5_moe: true, qwen2_5_omni: true,
  qwen3_omni_moe: true, internvl_chat: true, internvl: true, glm4v: true, glm4v_moe: true, kimi_vl: true,
  gemma3: false, gemma3n: false, gemma4: false, llama4: false, mllama: false, mistral3: false, llava: false, llava_next: false,
  llava_onevision: false, idefics3: false, paligemma: false, deepseek_vl_v2: false,
};

/** a short form of ModelFacts.origin for messages: "the bundled table (Qwen/Qwen2.5-7B-Instruct)" or the config path */
export function shortOrigin(origin: string): string {
  const m = /^bundled table \(([^;)]+)/.exec(origin);
  return m ? `the bundled table (${m[1]})` : origin;
}

export interface ModelKind {
  multimodal: boolean;
  /** the template ms-swift picks for it supports padding_free/packing; undefined when unknown */
  paddingFree: boolean | undefined;
  /** how the model was recognised, for messages: "Gemma3ForConditionalGeneration (multimodal)" */
  label: string;
  /** where the config came from */
  origin: string;
  /** the template, when it is known by name */
  template?: string;
}

export function modelKind(ctx: RuleContext): ModelKind | undefined {
  const f = ctx.model();
  if (!f) return undefined;
  const raw = f.raw ?? {};
  const archs = raw.architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === 'string' ? (archs[0] as string) : undefined;
  const type = f.modelType;
  const origin = shortOrigin(f.origin);
  if (arch) {
    if (Object.prototype.hasOwnProperty.call(MULTIMODAL_ARCHITECTURES, arch)) {
      return { multimodal: true, paddingFree: MULTIMODAL_ARCHITECTURES[arch] ?? undefined, label: `${arch} (multimodal)`, origin };
    }
    if (AMBIGUOUS_ARCHITECTURES.has(arch)) return undefined;
    const text = TEXT_ARCHITECTURES_WITHOUT_PADDING_FREE[arch];
    if (text) return { multimodal: false, paddingFree: false, label: arch, origin, template: text };
  }
  if (type === 'gpt_oss') return { multimodal: false, paddingFree: false, label: 'gpt_oss', origin, template: 'gpt_oss' };
  const mmKeys = MULTIMODAL_KEYS.some((k) => raw[k] !== undefined && raw[k] !== null);
  if (!arch && type && Object.prototype.hasOwnProperty.call(MULTIMODAL_MODEL_TYPES, type) && (mmKeys || type !== 'gemma3')) {
    return { multimodal: true, paddingFree: MULTIMODAL_MODEL_TYPES[type], label: `${type} (multimodal)`, origin };
  }
  // a multimodal config ms-swift has no registered model for: it refuses the model anyway
  if (mmKeys) return undefined;
  if (!arch && !type) return undefined;
  return { multimodal: false, paddingFree: true, label: arch ?? type!, origin };
}

/** whether the model is multimodal, when known */
export function isMultimodal(ctx: RuleContext): boolean | undefined {
  return modelKind(ctx)?.multimodal;
}

export interface TemplateSupport {
  paddingFree: boolean;
  /** "The template `gemma3_vision`" or "The template of Gemma3ForConditionalGeneration (multimodal)" */
  what: string;
}

/** padding-free support of the template the run uses (the `template` argument, else the model's); undefined when unknown */
export function templatePaddingFree(ctx: RuleContext): TemplateSupport | undefined {
  const name = ctx.str('template');
  if (name) {
    if (!TEMPLATE_TYPES.has(name)) return undefined;
    const declared = DECLARED_PADDING_FREE[name];
    if (declared !== undefined) return { paddingFree: declared, what: `The template \`${name}\`` };
    const kind = modelKind(ctx);
    if (!kind) return undefined;
    return {
      paddingFree: !kind.multimodal,
      what: `The template \`${name}\` (it does not declare padding-free support, which counts as unsupported for the multimodal ${kind.label})`,
    };
  }
  const kind = modelKind(ctx);
  if (!kind || kind.paddingFree === undefined) return undefined;
  const what = kind.template
    ? `The template \`${kind.template}\` of ${kind.label} (config from ${kind.origin})`
    : `The ms-swift template of ${kind.label} (config from ${kind.origin})`;
  return { paddingFree: kind.paddingFree, what };
}
