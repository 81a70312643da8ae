// Helpers shared by the moe, attention and rlhf rules: megatron_extra_kwargs overrides, the effective MoE
// settings of the model being built (config.json facts as ms-swift / mcore-bridge map them, then the
// arguments), installed Python packages, and fixes that set several keys (or an ENV variable) at once.
import { RuleContext } from '../context';
import { Fix } from '../types';

// ---- megatron_extra_kwargs (4.5.2) ------------------------------------------------------------------------

/** megatron_extra_kwargs as a mapping ({} in 3.4.1, when absent, or when it is not a JSON object) */
export function extraKwargs(ctx: RuleContext): Record<string, unknown> {
  if (ctx.version === '3.4.1' || !ctx.spec('megatron_extra_kwargs')) return {};
  const v = ctx.value('megatron_extra_kwargs');
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** a megatron_extra_kwargs entry (they override everything else when the model config is built); undefined when absent */
export function extra(ctx: RuleContext, key: string): unknown {
  const kw = extraKwargs(ctx);
  return Object.prototype.hasOwnProperty.call(kw, key) && kw[key] !== null ? kw[key] : undefined;
}

/** YAML text for megatron_extra_kwargs with `key` set to `value` (keeping the other entries) */
export function extraKwargsText(ctx: RuleContext, key: string, value: unknown): string {
  const json = JSON.stringify({ ...extraKwargs(ctx), [key]: value }).replace(/":/g, '": ').replace(/,"/g, ', "');
  return `'${json.replace(/'/g, "''")}'`;
}

// ---- the model's MoE settings ----------------------------------------------------------------------------

/** the key that names the model (model, mcore_model or load), for findings about the model itself */
export function modelKey(ctx: RuleContext): string {
  return ['model', 'mcore_model', 'load'].find((k) => ctx.isSet(k)) ?? 'model';
}

/** where the model facts came from, short: "bundled table" or the config.json path */
export function modelOrigin(ctx: RuleContext): string {
  const o = ctx.model()?.origin ?? '';
  return o.startsWith('bundled table') ? 'bundled table' : o;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** raw config.json value (top level, then text_config), skipping nulls */
export function rawField(ctx: RuleContext, key: string): unknown {
  const raw = ctx.model()?.raw;
  if (!raw) return undefined;
  const v = raw[key];
  return v === null ? undefined : v;
}

/** the model_type mcore-bridge uses for the language model (text_config / llm_config / thinker_config win) */
export function llmModelType(ctx: RuleContext): string | undefined {
  const raw = ctx.model()?.raw;
  if (!raw) return undefined;
  let t = typeof raw.model_type === 'string' ? raw.model_type : undefined;
  for (const k of ['text_config', 'llm_config', 'thinker_config']) {
    const sub = raw[k];
    if (sub && typeof sub === 'object' && typeof (sub as Record<string, unknown>).model_type === 'string') t = (sub as Record<string, unknown>).model_type as string;
  }
  return t;
}

/** the top-level model_type of config.json */
export function hfModelType(ctx: RuleContext): string | undefined {
  const t = rawField(ctx, 'model_type');
  return typeof t === 'string' ? t : ctx.model()?.modelType;
}

/** number of routed experts the run builds; undefined when unknown (or the model is dense: 0) */
export function numExperts(ctx: RuleContext): number | undefined {
  if (ctx.version === '3.4.1') {
    const arg = ctx.int('num_experts');
    if (arg !== undefined) return arg;
  } else {
    const e = num(extra(ctx, 'num_moe_experts'));
    if (e !== undefined) return e;
  }
  const m = ctx.model();
  if (!m) return undefined;
  return m.numExperts ?? 0;
}

export interface Top1Routing {
  topk: number;
  topkFrom: string;
  preSoftmax: boolean;
  preSoftmaxFrom: string;
  scoreFunction: string;
  scoreFrom: string;
}

const SIGMOID_LLM_TYPES = new Set(['glm4_moe', 'glm4_moe_lite', 'glm_moe_dsa', 'dots1']);
const SIGMOID_HF_TYPES = new Set(['glm4v_moe', 'llama4']);
const SEQ_AUX_LLM_TYPES = new Set(['deepseek', 'deepseek_v2', 'deepseek_v3', 'kimi_k2', 'deepseek_v32', 'dots1']);

/**
 * moe_router_topk, moe_router_pre_softmax and the score function as the model config ends up with them,
 * or undefined when one of them cannot be known (no model facts and not set explicitly).
 */
export function routing(ctx: RuleContext): Top1Routing | undefined {
  const m = ctx.model();
  let topk: number | undefined;
  let topkFrom = '';
  let pre: boolean | undefined;
  let preFrom = '';
  let score = 'softmax';
  let scoreFrom = 'the default';
  if (ctx.version === '3.4.1') {
    const t = ctx.int('moe_router_topk');
    if (t !== undefined) [topk, topkFrom] = [t, '`moe_router_topk`'];
    const p = ctx.bool('moe_router_pre_softmax');
    if (p !== undefined) [pre, preFrom] = [p, '`moe_router_pre_softmax`'];
  } else {
    const t = num(extra(ctx, 'moe_router_topk'));
    if (t !== undefined) [topk, topkFrom] = [t, '`megatron_extra_kwargs`'];
    const p = extra(ctx, 'moe_router_pre_softmax');
    if (typeof p === 'boolean') [pre, preFrom] = [p, '`megatron_extra_kwargs`'];
    const s = extra(ctx, 'moe_router_score_function');
    const llm = llmModelType(ctx);
    const hf = hfModelType(ctx);
    if (typeof s === 'string') [score, scoreFrom] = [s, '`megatron_extra_kwargs`'];
    else if ((llm && SIGMOID_LLM_TYPES.has(llm)) || (hf && SIGMOID_HF_TYPES.has(hf))) [score, scoreFrom] = ['sigmoid', `mcore-bridge (model_type ${hf})`];
    else if (m) {
      const sf = rawField(ctx, 'scoring_func');
      if (typeof sf === 'string') [score, scoreFrom] = [sf, 'scoring_func in config.json'];
      else if (rawField(ctx, 'moe_router_use_sigmoid') === true) [score, scoreFrom] = ['sigmoid', 'moe_router_use_sigmoid in config.json'];
    } else return undefined; // the model could force sigmoid routing
  }
  if (topk === undefined) {
    if (!m) return undefined;
    [topk, topkFrom] = m.moeRouterTopk !== undefined ? [m.moeRouterTopk, 'num_experts_per_tok in config.json'] : [2, "Megatron's default"];
  }
  if (pre === undefined) {
    if (!m) return undefined;
    [pre, preFrom] = m.normTopkProb !== undefined ? [!m.normTopkProb, `norm_topk_prob ${m.normTopkProb} in config.json`] : [false, "Megatron's default"];
  }
  return { topk, topkFrom, preSoftmax: pre, preSoftmaxFrom: preFrom, scoreFunction: score, scoreFrom };
}

/**
 * moe_router_load_balancing_type as the model config gets it: a string, or a list of two or more (4.5.2 turns a
 * one-item list into a string). 4.5.2 fills it from mcore-bridge (seq_aux_loss for DeepSeek-style models) when
 * unset; undefined when that matters and the model is unknown.
 */
export function loadBalancing(ctx: RuleContext): { value: string | string[]; from: 'argument' | 'extra' | 'model' | 'default' } | undefined {
  if (ctx.version === '3.4.1') {
    const v = ctx.str('moe_router_load_balancing_type');
    return { value: v ?? 'aux_loss', from: ctx.isSet('moe_router_load_balancing_type') ? 'argument' : 'default' };
  }
  const e = extra(ctx, 'moe_router_load_balancing_type');
  if (typeof e === 'string') return { value: e, from: 'extra' };
  if (Array.isArray(e) && e.every((x) => typeof x === 'string')) return { value: e.length === 1 ? (e[0] as string) : (e as string[]), from: 'extra' };
  const list = ctx.list('moe_router_load_balancing_type');
  if (list && list.length > 0 && list.every((x) => typeof x === 'string')) {
    return { value: list.length === 1 ? (list[0] as string) : (list as string[]), from: 'argument' };
  }
  if (!ctx.model()) return { value: 'aux_loss', from: 'default' }; // only DeepSeek-style models change it, to another valid type
  const llm = llmModelType(ctx);
  const hf = hfModelType(ctx);
  if ((llm && SEQ_AUX_LLM_TYPES.has(llm)) || hf === 'kimi_vl') return { value: 'seq_aux_loss', from: 'model' };
  return { value: 'aux_loss', from: 'default' };
}

/** moe_aux_loss_coeff as the model config gets it: a number, or a list of two or more */
export function auxLossCoeff(ctx: RuleContext): number | number[] | undefined {
  const e = extra(ctx, 'moe_aux_loss_coeff');
  if (typeof e === 'number') return e;
  if (Array.isArray(e) && e.every((x) => typeof x === 'number')) return e.length === 1 ? (e[0] as number) : (e as number[]);
  if (ctx.version === '3.4.1') {
    const v = ctx.num('moe_aux_loss_coeff');
    if (v !== undefined) return v;
    const c = num(rawField(ctx, 'router_aux_loss_coef'));
    return c ?? 0;
  }
  if (ctx.isSet('moe_aux_loss_coeff') && ctx.value('moe_aux_loss_coeff') === undefined) return undefined; // does not parse
  const list = ctx.list('moe_aux_loss_coeff');
  if (!list || list.length === 0) return 0;
  if (!list.every((x) => typeof x === 'number')) return undefined;
  return list.length === 1 ? (list[0] as number) : (list as number[]);
}

/** size of the shared expert(s) of the model (0 when it has none); undefined when the model is unknown */
export function sharedExpertSize(ctx: RuleContext): { size: number; from: string } | undefined {
  const m = ctx.model();
  if (ctx.version === '3.4.1') {
    const arg = ctx.int('moe_shared_expert_intermediate_size');
    if (arg !== undefined) return { size: arg, from: '`moe_shared_expert_intermediate_size`' };
    if (!m) return undefined;
    const v = num(rawField(ctx, 'shared_expert_intermediate_size'));
    return { size: v ?? 0, from: `shared_expert_intermediate_size in config.json (${modelOrigin(ctx)})` };
  }
  const e = num(extra(ctx, 'moe_shared_expert_intermediate_size'));
  if (e !== undefined) return { size: e, from: '`megatron_extra_kwargs`' };
  if (!m) return undefined;
  if (hfModelType(ctx) === 'llama4') return { size: m.moeFfnHiddenSize ?? m.ffnHiddenSize ?? 1, from: 'mcore-bridge (Llama-4 models always have a shared expert)' };
  const v = m.sharedExpertIntermediateSize;
  const field = num(rawField(ctx, 'shared_expert_intermediate_size')) !== undefined ? 'shared_expert_intermediate_size' : 'n_shared_experts';
  return { size: v ?? 0, from: `${field} in config.json (${modelOrigin(ctx)})` };
}

// ---- Python packages -------------------------------------------------------------------------------------

function normalizePackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The installed version of the first of these distributions that is installed: a string; null when none is
 * installed; undefined when the Python environment is unknown.
 */
export function installedPackage(ctx: RuleContext, ...names: string[]): string | null | undefined {
  const py = ctx.python;
  if (!py) return undefined;
  const wanted = new Set(names.map(normalizePackage));
  for (const [k, v] of Object.entries(py.packages)) if (wanted.has(normalizePackage(k))) return v;
  return null;
}

// ---- fixes -----------------------------------------------------------------------------------------------

export function setValuesFix(ctx: RuleContext, pairs: ReadonlyArray<readonly [string, string]>, title?: string, preferred = false): Fix {
  return { title: title ?? `Set ${pairs.map(([n, v]) => `\`${n}: ${v}\``).join(' and ')}`, edits: ctx.setValuesEdits(pairs), preferred };
}

/** a fix that removes an argument from the config (back to its default) */
export function removeFix(ctx: RuleContext, name: string, title?: string, preferred = false): Fix | undefined {
  const e = ctx.entry(name);
  if (!e || e.viaMerge) return undefined;
  return { title: title ?? `Remove \`${name}\``, edits: [ctx.removeEntryEdit(e)], preferred };
}

