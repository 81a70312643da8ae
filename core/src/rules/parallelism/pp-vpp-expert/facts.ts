// Values of a config with optional pending changes (to try a quick fix before offering it), and the model facts
// the pipeline / expert rules read, per version.
import { defaultValue } from '../../../args/argparse';
import { pyStr } from '../../../config/pyyaml';
import type { RuleContext } from '../../context';
import { modelLabel } from '../../shared/model';

/** name -> new value; null removes the key (its default applies) */
export type Changes = Record<string, string | number | boolean | null>;

/** Typed argument values like RuleContext's, seen through a set of pending changes. */
export class Values {
  constructor(
    readonly ctx: RuleContext,
    readonly changes: Changes = {},
  ) {}

  isSet(name: string): boolean {
    if (name in this.changes) return this.changes[name] !== null;
    return this.ctx.isSet(name);
  }

  value(name: string): unknown {
    if (name in this.changes) {
      const c = this.changes[name];
      if (c === null) {
        const spec = this.ctx.spec(name);
        return spec ? defaultValue(spec) : undefined;
      }
      return this.ctx.spec(name) ? c : undefined;
    }
    return this.ctx.value(name);
  }

  int(name: string): number | undefined {
    const v = this.value(name);
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name);
    return typeof v === 'boolean' ? v : undefined;
  }

  str(name: string): string | undefined {
    const v = this.value(name);
    return typeof v === 'string' ? v : undefined;
  }

  num(name: string): number | undefined {
    const v = this.value(name);
    return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
  }
}

/** Keys of megatron_extra_kwargs (4.5.2) that change the pipeline split behind the config's back. */
const SPLIT_OVERRIDES = [
  'num_layers',
  'pipeline_model_parallel_size',
  'virtual_pipeline_model_parallel_size',
  'num_layers_in_first_pipeline_stage',
  'num_layers_in_last_pipeline_stage',
  'account_for_embedding_in_pipeline_split',
  'account_for_loss_in_pipeline_split',
  'pipeline_model_parallel_layout',
  'mtp_num_layers',
];

/** megatron_extra_kwargs as a mapping (4.5.2), {} when absent, undefined when it cannot be read. */
export function extraKwargs(v: Values): Record<string, unknown> | undefined {
  if (v.ctx.version === '3.4.1' || !v.ctx.spec('megatron_extra_kwargs')) return {};
  if (!v.ctx.isSet('megatron_extra_kwargs')) return {};
  const raw = v.ctx.value('megatron_extra_kwargs');
  if (raw === null || raw === undefined) return raw === null ? {} : undefined;
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  return undefined;
}

export interface LayerCount {
  count: number;
  /** where it came from, for messages */
  from: string;
}

/** The decoder layers Megatron builds: 3.4.1 `num_layers` or config.json; 4.5.2 config.json (or megatron_extra_kwargs). */
export function layerCount(v: Values): LayerCount | undefined {
  const ctx = v.ctx;
  if (ctx.version === '3.4.1') {
    const own = v.int('num_layers');
    if (own !== undefined && own > 0) return { count: own, from: 'your `num_layers`' };
  } else {
    const extra = extraKwargs(v);
    if (!extra) return undefined;
    if (SPLIT_OVERRIDES.some((k) => k !== 'num_layers' && k in extra)) return undefined;
    if ('num_layers' in extra) {
      const n = extra.num_layers;
      return typeof n === 'number' && Number.isInteger(n) && n > 0 ? { count: n, from: '`megatron_extra_kwargs`' } : undefined;
    }
  }
  const facts = ctx.model();
  const n = facts?.numLayers;
  if (n === undefined || !Number.isInteger(n) || n <= 0) return undefined;
  return { count: n, from: modelLabel(ctx) };
}

const EXPERT_KEYS_V4 = ['num_experts', 'n_routed_experts', 'moe_num_experts', 'num_local_experts'];
const NESTED = ['text_config', 'llm_config', 'thinker_config'];

function configs(raw: Record<string, unknown>): Array<Record<string, unknown>> {
  const out = [raw];
  for (const k of NESTED) {
    const sub = raw[k];
    if (sub && typeof sub === 'object' && !Array.isArray(sub)) out.push(sub as Record<string, unknown>);
  }
  return out;
}

function hasExpertHint(raw: Record<string, unknown>): boolean {
  for (const c of configs(raw)) {
    for (const [k, val] of Object.entries(c)) {
      if (!/expert/i.test(k)) continue;
      if (val === null || val === undefined || val === false || val === 0) continue;
      return true;
    }
  }
  return false;
}

export type ExpertInfo = { kind: 'moe'; count: number; from: string } | { kind: 'dense'; from: string };

/** The routed experts Megatron sees, or that the model has none; undefined when unknown. */
export function expertInfo(v: Values): ExpertInfo | undefined {
  const ctx = v.ctx;
  const facts = ctx.model();
  if (ctx.version === '3.4.1') {
    const own = v.int('num_experts');
    if (own !== undefined && own > 0) return { kind: 'moe', count: own, from: 'your `num_experts`' };
    if (!facts?.raw) return undefined;
    // ms-swift 3.4.1 maps only config.json's `num_experts`
    const n = facts.raw.num_experts;
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) return { kind: 'moe', count: n, from: modelLabel(ctx) };
    if (n === undefined || n === null) return hasExpertHint(facts.raw) ? undefined : { kind: 'dense', from: modelLabel(ctx) };
    return undefined;
  }
  const extra = extraKwargs(v);
  if (!extra) return undefined;
  if ('num_moe_experts' in extra) {
    const n = extra.num_moe_experts;
    if (n === null) return { kind: 'dense', from: '`megatron_extra_kwargs`' };
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? { kind: 'moe', count: n, from: '`megatron_extra_kwargs`' } : undefined;
  }
  if (!facts?.raw) return undefined;
  for (const c of configs(facts.raw)) {
    for (const k of EXPERT_KEYS_V4) {
      const n = c[k];
      if (n === undefined || n === null) continue;
      return typeof n === 'number' && Number.isInteger(n) && n > 0 ? { kind: 'moe', count: n, from: modelLabel(ctx) } : undefined;
    }
  }
  if (isGptOss(v)) return undefined;
  return hasExpertHint(facts.raw) ? undefined : { kind: 'dense', from: modelLabel(ctx) };
}

function isGptOss(v: Values): boolean {
  const raw = v.ctx.model()?.raw;
  if (!raw) return false;
  return configs(raw).some((c) => c.model_type === 'gpt_oss');
}

/**
 * 4.5.2: the model is MoE and its expert linear layers carry biases (mcore-bridge sets add_bias_linear for
 * gpt_oss and from config.json's mlp_bias). undefined when unknown.
 */
export function moeHasBias(v: Values): { yes: boolean; why: string } | undefined {
  const ctx = v.ctx;
  const extra = extraKwargs(v);
  if (!extra) return undefined;
  const raw = ctx.model()?.raw;
  const gptOss = isGptOss(v);
  const experts = expertInfo(v);
  const moe = gptOss || experts?.kind === 'moe';
  if (!moe) return experts?.kind === 'dense' ? { yes: false, why: 'dense' } : undefined;
  if (typeof extra.add_bias_linear === 'boolean') return { yes: extra.add_bias_linear, why: '`megatron_extra_kwargs` sets `add_bias_linear`' };
  if (gptOss) return { yes: true, why: `${modelLabel(ctx)} is a gpt-oss model, whose expert layers have biases` };
  if (!raw) return undefined;
  const bias = configs(raw).map((c) => c.mlp_bias).find((b) => b !== undefined && b !== null);
  if (bias === true) return { yes: true, why: `${modelLabel(ctx)} sets \`mlp_bias: true\` in config.json` };
  return { yes: false, why: 'no bias' };
}

/** ms-swift 3.4.1: whether training runs in fp16 (fp16 set, or derived from torch_dtype float16/float32). */
export function fp16Effective(v: Values): { yes: boolean; key: 'fp16' | 'torch_dtype' | 'model'; text: string } | undefined {
  const ctx = v.ctx;
  const own = v.bool('fp16');
  if (own !== undefined) return { yes: own, key: 'fp16', text: `\`fp16: ${own}\`` };
  let dtype: string | undefined;
  let key: 'torch_dtype' | 'model' = 'torch_dtype';
  if ('torch_dtype' in v.changes) {
    const c = v.changes.torch_dtype;
    dtype = typeof c === 'string' ? c : undefined;
  } else {
    // 3.4.1's argparse cannot convert torch_dtype (type-mismatch reports that); read what the user meant
    const e = ctx.entry('torch_dtype');
    if (e?.py && e.py.t !== 'null') dtype = pyStr(e.py);
  }
  if (dtype === undefined) {
    dtype = ctx.model()?.torchDtype;
    key = 'model';
  }
  if (dtype === undefined) return undefined;
  const d = dtype.replace(/^torch\./, '').toLowerCase();
  const text = key === 'model' ? `${modelLabel(ctx)} stores \`torch_dtype: ${dtype}\`` : `\`torch_dtype: ${dtype}\``;
  if (['float16', 'fp16', 'half', 'float32', 'fp32', 'float'].includes(d)) return { yes: true, key, text };
  if (['bfloat16', 'bf16'].includes(d)) return { yes: false, key, text };
  return undefined;
}
