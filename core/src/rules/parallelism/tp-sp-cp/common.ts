// Shared pieces of the tensor/sequence/context-parallel rules: the model shape Megatron will use (config.json facts
// plus the overrides each version accepts), the sequence_parallel value after ms-swift's adjustments, a check that a
// TP / CP / expert-TP layout is valid for every rule of this group (used to pick quick-fix values), and fix builders.
import { KnownVersion } from '../../../catalog/schema';
import { ModelFacts } from '../../../model/facts';
import { RuleContext } from '../../context';
import { nearestValid, parallelSizes } from '../../shared/parallel';
import { stageText } from '../../shared/stages';
import { Fix, MEGATRON_TRAIN_COMMANDS, Stage, TextEdit } from '../../types';

/** A number Megatron will use, and where it comes from (for messages). */
export interface Fact {
  value: number;
  /** e.g. "Qwen/Qwen2.5-7B-Instruct (bundled table)" or "`num_attention_heads: 32` in this config" */
  source: string;
  /** the config key that set it, when it is an override */
  key?: string;
}

// ---- where facts come from -------------------------------------------------------------------------------------

/** The name the config gives the model: `model`, else the checkpoint (`mcore_model` / `load`). */
export function modelName(ctx: RuleContext): string | undefined {
  for (const name of ['model', 'mcore_model', 'load']) {
    if (!ctx.spec(name)) continue;
    const v = ctx.str(name);
    if (v) return v;
  }
  return undefined;
}

/** The key that names the model, for findings about the model itself. */
export function modelKey(ctx: RuleContext): string | undefined {
  for (const name of ['model', 'mcore_model', 'load']) if (ctx.spec(name) && ctx.isSet(name) && ctx.str(name)) return name;
  return undefined;
}

/** "bundled table" / "bundled table, Qwen/Qwen2.5-7B" / the config.json path. */
export function originText(origin: string, name: string | undefined): string {
  const m = /^bundled table \(([^;)]+)/.exec(origin);
  if (m) return name && m[1]!.toLowerCase() === name.trim().toLowerCase() ? 'bundled table' : `bundled table, ${m[1]}`;
  return origin;
}

/** e.g. "Qwen/Qwen2.5-7B-Instruct (bundled table)" or "models/custom (/runs/models/custom/config.json)". */
export function modelLabel(ctx: RuleContext, facts: ModelFacts): string {
  const name = modelName(ctx);
  return `${name ?? 'the model'} (${originText(facts.origin, name)})`;
}

/** ms-swift 4's `megatron_extra_kwargs` (a dict or a JSON string), passed straight to the model config. */
function extraKwargs(ctx: RuleContext): Record<string, unknown> | undefined {
  if (ctx.version === '3.4.1' || !ctx.isSet('megatron_extra_kwargs')) return undefined;
  let v = ctx.value('megatron_extra_kwargs');
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * A model-shape value the user overrides: in 3.4.1 the Megatron argument itself (ms-swift fills it from config.json
 * only when it is unset); in 4.5.2 a key of `megatron_extra_kwargs` (applied over the converted config).
 */
function override(ctx: RuleContext, v3Name: string | undefined, mcoreName: string | undefined): Fact | undefined {
  if (ctx.version === '3.4.1') {
    if (!v3Name || !ctx.spec(v3Name) || !ctx.isSet(v3Name)) return undefined;
    const n = ctx.int(v3Name);
    return n !== undefined && n > 0 ? { value: n, source: `\`${v3Name}: ${n}\` in this config`, key: v3Name } : undefined;
  }
  if (!mcoreName) return undefined;
  const kw = extraKwargs(ctx);
  const n = kw?.[mcoreName];
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? { value: n, source: `\`megatron_extra_kwargs\` (${mcoreName}: ${n})`, key: 'megatron_extra_kwargs' } : undefined;
}

function fromModel(ctx: RuleContext, v: number | undefined): Fact | undefined {
  const facts = ctx.model();
  if (!facts || v === undefined || !Number.isInteger(v) || v <= 0) return undefined;
  return { value: v, source: modelLabel(ctx, facts) };
}

export function attentionHeads(ctx: RuleContext): Fact | undefined {
  return override(ctx, 'num_attention_heads', 'num_attention_heads') ?? fromModel(ctx, ctx.model()?.numAttentionHeads);
}

/** model types whose query-group count mcore-bridge drops (MLA models): G = number of heads there */
const NO_QUERY_GROUPS = new Set(['deepseek', 'deepseek_v2', 'deepseek_v3', 'deepseek_v32', 'kimi_k2', 'dots1', 'kimi_vl', 'glm4_moe_lite', 'glm_moe_dsa']);

/** the text model's type (text_config / llm_config of multimodal models), else the top-level model_type */
export function llmModelType(facts: ModelFacts): string | undefined {
  const raw = facts.raw ?? {};
  for (const k of ['text_config', 'llm_config', 'thinker_config']) {
    const sub = raw[k];
    if (sub && typeof sub === 'object' && typeof (sub as Record<string, unknown>).model_type === 'string') return (sub as Record<string, string>).model_type;
  }
  return facts.modelType;
}

/**
 * The number of query groups (KV heads) TransformerConfig checks against TP. 3.4.1: only when it is > 1 (ms-swift
 * enables group_query_attention only then; otherwise Megatron uses the head count, covered by the heads rule).
 * 4.5.2: defaults to the heads; MLA model types drop it.
 */
export function queryGroups(ctx: RuleContext): Fact | undefined {
  const o = override(ctx, 'num_query_groups', 'num_query_groups');
  if (o) return ctx.version === '3.4.1' && o.value <= 1 ? undefined : o;
  const facts = ctx.model();
  if (!facts) return undefined;
  if (ctx.version === '3.4.1') {
    const g = facts.numQueryGroups;
    if (g === undefined || g <= 1) return undefined;
    return fromModel(ctx, g);
  }
  const types = [facts.modelType, llmModelType(facts)];
  if (types.some((t) => t && NO_QUERY_GROUPS.has(t))) return undefined; // G = heads: the heads rule covers it
  return fromModel(ctx, facts.numQueryGroups ?? facts.numAttentionHeads);
}

export function hiddenSize(ctx: RuleContext): Fact | undefined {
  return override(ctx, 'hidden_size', 'hidden_size') ?? fromModel(ctx, ctx.model()?.hiddenSize);
}

/** 3.4.1: the unpadded vocabulary ms-swift passes as padded_vocab_size */
export function vocabSize(ctx: RuleContext): Fact | undefined {
  return override(ctx, 'padded_vocab_size', undefined) ?? fromModel(ctx, ctx.model()?.vocabSize);
}

/** 'moe' / 'dense' when known, undefined when the model is unknown */
export function moeKind(ctx: RuleContext): 'moe' | 'dense' | undefined {
  const o = override(ctx, 'num_experts', 'num_moe_experts');
  if (o) return 'moe';
  const facts = ctx.model();
  if (!facts) return undefined;
  // 3.4.1 reads only config.json's num_experts; 4.5.2 also n_routed_experts, moe_num_experts, num_local_experts
  const n = ctx.version === '3.4.1' ? numOrUndef(facts.raw?.num_experts) : facts.numExperts;
  return n !== undefined && n > 0 ? 'moe' : 'dense';
}

function numOrUndef(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Model types whose dense MLP width mcore-bridge drops (every layer is MoE). */
const NO_DENSE_FFN = new Set(['qwen2_moe', 'qwen3_moe', 'qwen3_next', 'qwen3_omni_moe', 'qwen3_vl_moe', 'qwen3_5_moe']);

export interface MlpWidths {
  /** widths split by TP: the dense MLP and the shared experts */
  tp: Array<{ what: string; fact: Fact }>;
  /** widths split by the expert tensor-parallel size (4.5.2; in 3.4.1 the experts use TP and appear in `tp`) */
  etp: Array<{ what: string; fact: Fact }>;
}

/** The MLP widths column/row-parallel layers split evenly. */
export function mlpWidths(ctx: RuleContext): MlpWidths {
  const out: MlpWidths = { tp: [], etp: [] };
  const facts = ctx.model();
  const moe = moeKind(ctx) === 'moe';
  const ffn = override(ctx, 'ffn_hidden_size', 'ffn_hidden_size') ?? fromModel(ctx, facts?.ffnHiddenSize);
  const moeFfn = override(ctx, 'moe_ffn_hidden_size', 'moe_ffn_hidden_size') ?? fromModel(ctx, facts?.moeFfnHiddenSize);
  const sharedRaw = ctx.version === '3.4.1' ? numOrUndef(facts?.raw?.shared_expert_intermediate_size) : facts?.sharedExpertIntermediateSize;
  const shared = override(ctx, 'moe_shared_expert_intermediate_size', 'moe_shared_expert_intermediate_size') ?? fromModel(ctx, sharedRaw);
  if (ctx.version === '3.4.1') {
    // ms-swift 3.4.1 uses moe_ffn_hidden_size as ffn_hidden_size when it is set (and the other way round)
    const w = moe && moeFfn ? moeFfn : ffn;
    if (w) out.tp.push({ what: moe ? 'expert MLP width' : 'MLP width (intermediate_size)', fact: w });
    if (moe && shared) out.tp.push({ what: 'shared-expert width', fact: shared });
    return out;
  }
  if (!moe) {
    if (ffn) out.tp.push({ what: 'MLP width (intermediate_size)', fact: ffn });
    return out;
  }
  const types = facts ? [facts.modelType, llmModelType(facts)] : [];
  const denseLayers = (facts?.firstKDenseReplace ?? 0) > 0 && !types.some((t) => t && NO_DENSE_FFN.has(t));
  if (ffn && denseLayers) out.tp.push({ what: 'dense-layer MLP width (intermediate_size)', fact: ffn });
  if (shared) out.tp.push({ what: 'shared-expert width', fact: shared });
  const expert = moeFfn ?? ffn;
  if (expert) out.etp.push({ what: 'expert MLP width', fact: expert });
  return out;
}

/** Gated DeltaNet head counts, when the model is built with megatron-core's GDN (4.5.2, qwen3_5 family). */
export function linearHeads(ctx: RuleContext): { key: Fact | undefined; value: Fact | undefined } | undefined {
  if (ctx.version === '3.4.1') return undefined;
  const facts = ctx.model();
  if (!facts) return undefined;
  const gdn = ctx.env('USE_MCORE_GDN');
  if (gdn !== undefined && /^(0|false|no|n|off|f)$/i.test(gdn.trim())) return undefined;
  const kw = extraKwargs(ctx);
  const variant = kw?.experimental_attention_variant;
  const isGdn = variant === 'gated_delta_net' || (variant === undefined && (facts.modelType === 'qwen3_5' || facts.modelType === 'qwen3_5_moe'));
  if (!isGdn) return undefined;
  const key = override(ctx, undefined, 'linear_num_key_heads') ?? fromModel(ctx, facts.linearNumKeyHeads);
  const value = override(ctx, undefined, 'linear_num_value_heads') ?? fromModel(ctx, facts.linearNumValueHeads);
  if (!key && !value) return undefined;
  return { key, value };
}

/** 3.4.1: the sequence length Megatron checks (seq_length, else max_length, else max_position_embeddings). */
export function maxPositions(ctx: RuleContext): Fact | undefined {
  return override(ctx, 'max_position_embeddings', undefined) ?? fromModel(ctx, ctx.model()?.maxPositionEmbeddings);
}

export function seqLengthV3(ctx: RuleContext): Fact | undefined {
  for (const name of ['seq_length', 'max_length']) {
    if (!ctx.spec(name)) continue;
    const n = ctx.int(name);
    if (n !== undefined && n > 0) return { value: n, source: `\`${name}\``, key: name };
  }
  return maxPositions(ctx);
}

// ---- sequence parallelism -----------------------------------------------------------------------------------------

/** 4.5.2 `megatron export --to_hf/--to_mcore` turns sequence_parallel on whenever TP > 1. */
export function exportForcesSp(ctx: RuleContext): boolean {
  return ctx.version === '4.5.2' && ctx.command === 'megatron export' && (ctx.bool('to_hf') === true || ctx.bool('to_mcore') === true);
}

/** sequence_parallel after the adjustments both versions make (off at TP 1; on for 4.5.2 conversions). */
export function sequenceParallel(ctx: RuleContext, tp: number): boolean {
  if (tp <= 1) return false;
  if (exportForcesSp(ctx)) return true;
  return ctx.bool('sequence_parallel') === true;
}

export function isTraining(ctx: RuleContext): boolean {
  return MEGATRON_TRAIN_COMMANDS.includes(ctx.command);
}

/** TP > 1 needs sequence_parallel here (tp_comm_overlap, a MoE model in training, or expert parallelism). */
export function needsSequenceParallel(ctx: RuleContext): boolean {
  if (ctx.bool('tp_comm_overlap') === true) return true;
  const kind = moeKind(ctx);
  if (isTraining(ctx) && kind === 'moe') return true;
  // EP > 1 with TP > 1 (4.5.2 forces EP to 1 in the model config of a dense model)
  return parallelSizes(ctx).ep > 1 && !(ctx.version === '4.5.2' && kind === 'dense');
}

// ---- layout validity (for choices and fixes) --------------------------------------------------------------------

export interface Layout {
  tp: number;
  cp: number;
  /** expert tensor-parallel size (always TP in 3.4.1) */
  etp: number;
}

export function currentLayout(ctx: RuleContext): Layout {
  const ps = parallelSizes(ctx);
  return { tp: ps.tp, cp: ps.cp, etp: ps.etp };
}

function withTp(ctx: RuleContext, l: Layout, tp: number): Layout {
  return { ...l, tp, etp: ctx.version === '3.4.1' ? tp : l.etp };
}

/** The model-shape checks of this group that depend on TP and CP, for a layout (true = valid or unknown). */
export function modelFits(ctx: RuleContext, l: Layout): boolean {
  const heads = attentionHeads(ctx);
  if (heads && heads.value % l.tp !== 0) return false;
  const g = queryGroups(ctx);
  if (g && !queryGroupsFit(ctx.version, g.value, l.tp)) return false;
  if (ctx.version === '3.4.1') {
    const v = vocabSize(ctx);
    if (v && v.value % l.tp !== 0) return false;
  }
  const w = mlpWidths(ctx);
  if (w.tp.some((x) => x.fact.value % l.tp !== 0)) return false;
  const lin = linearHeads(ctx);
  if (lin && [lin.key, lin.value].some((f) => f && f.value % (l.tp * l.cp) !== 0)) return false;
  return true;
}

/** The expert widths split by the expert tensor-parallel size (4.5.2; in 3.4.1 they are part of modelFits). */
export function expertWidthsFit(ctx: RuleContext, l: Layout): boolean {
  return mlpWidths(ctx).etp.every((x) => x.fact.value % l.etp === 0);
}

export function queryGroupsFit(version: KnownVersion, g: number, tp: number): boolean {
  return version === '3.4.1' ? g % tp === 0 : g % tp === 0 || tp % g === 0;
}

export type CheckName = 'model' | 'expert-width' | 'world' | 'expert-grid' | 'global-batch' | 'tp-comm-overlap' | 'cp-seq-length';

/** Each check of this group (and of the neighbouring world-size / batch rules) a layout change can affect. */
function layoutChecks(ctx: RuleContext, world: number | undefined): Record<CheckName, (l: Layout) => boolean> {
  const ps = parallelSizes(ctx);
  const gbs = ctx.int('global_batch_size');
  const mbs = ctx.int('micro_batch_size');
  const seq = ctx.version === '3.4.1' ? seqLengthV3(ctx) : undefined;
  return {
    model: (l) => modelFits(ctx, l),
    'expert-width': (l) => expertWidthsFit(ctx, l),
    world: (l) => world === undefined || world % (l.tp * ps.pp * l.cp) === 0,
    'expert-grid': (l) => world === undefined || world % (l.etp * ps.ep * ps.pp) === 0,
    'global-batch': (l) => {
      if (world === undefined || gbs === undefined || mbs === undefined || mbs < 1) return true;
      const group = l.tp * ps.pp * l.cp;
      return world % group !== 0 || gbs % (mbs * (world / group)) === 0;
    },
    'tp-comm-overlap': (l) => l.tp > 1 || ctx.bool('tp_comm_overlap') !== true,
    'cp-seq-length': (l) => !seq || l.cp <= 1 || seq.value % (2 * l.cp) === 0,
  };
}

/**
 * Whether a layout (and world size) passes the checks. 'all': every check passes. 'safe': the `required` checks pass
 * and no other check that passes today fails (a problem that is already there stays reported by its own rule).
 */
export function layoutFits(
  ctx: RuleContext,
  l: Layout,
  mode: 'all' | 'safe' = 'all',
  required: readonly CheckName[] = ['model'],
  world = parallelSizes(ctx).world,
): boolean {
  const now = currentLayout(ctx);
  const checksNew = layoutChecks(ctx, world);
  const checksNow = mode === 'safe' ? layoutChecks(ctx, parallelSizes(ctx).world) : undefined;
  for (const [name, c] of Object.entries(checksNew) as Array<[CheckName, (l: Layout) => boolean]>) {
    if (c(l)) continue;
    if (mode === 'safe' && !required.includes(name) && !checksNow![name](now)) continue;
    return false;
  }
  return true;
}

/** the largest parallel size worth suggesting: the world size when known, else 8 (or the current value) */
function upperBound(ctx: RuleContext, current: number): number {
  return Math.min(parallelSizes(ctx).world ?? Math.max(8, current), 1024);
}

const isPowerOfTwo = (v: number) => (v & (v - 1)) === 0;

/** Marks the first power of two (GPU counts usually are) as preferred, else the first value. */
export function preferredIndex(values: number[]): number {
  const i = values.findIndex(isPowerOfTwo);
  return i >= 0 ? i : 0;
}

/**
 * TP values to suggest in a message, largest first: the ones valid for everything this group checks; when none is
 * (the world size or the global batch size rules them all out), the ones valid for the model alone.
 */
export function tpChoices(ctx: RuleContext): { values: number[]; gridOk: boolean } {
  const l = currentLayout(ctx);
  const top = upperBound(ctx, l.tp);
  const all: number[] = [];
  for (let v = top; v >= 1; v--) all.push(v);
  const full = all.filter((v) => layoutFits(ctx, withTp(ctx, l, v), 'safe', ['model']));
  if (full.length) return { values: full.slice(0, 5), gridOk: true };
  return { values: all.filter((v) => modelFits(ctx, withTp(ctx, l, v))).slice(0, 5), gridOk: false };
}

/** "4, 2 or 1" */
export function orList(values: Array<number | string>): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The sentence that points at the valid TP values. */
export function tpAdvice(ctx: RuleContext): string {
  const c = tpChoices(ctx);
  if (!c.values.length) return 'No tensor-parallel size fits this model.';
  const base = `Use tensor_model_parallel_size ${orList(c.values)}`;
  if (c.gridOk) return `${base}.`;
  const w = parallelSizes(ctx).world;
  const others = w !== undefined ? `the ${w} processes (NPROC_PER_NODE × NNODES) and global_batch_size` : 'the other settings (tp_comm_overlap)';
  return `${base}, but none of these also fits ${others}: change those too.`;
}

// ---- fixes ----------------------------------------------------------------------------------------------------

/** A fix that sets TP (and turns sequence_parallel on when the new TP needs it). */
export function tpFix(ctx: RuleContext, tp: number, preferred: boolean): Fix {
  const values: Array<[string, string]> = [['tensor_model_parallel_size', String(tp)]];
  if (tp > 1 && needsSequenceParallel(ctx) && ctx.bool('sequence_parallel') !== true && !exportForcesSp(ctx)) values.push(['sequence_parallel', 'true']);
  const title = values.length > 1 ? `Set \`tensor_model_parallel_size: ${tp}\` and \`sequence_parallel: true\`` : `Set \`tensor_model_parallel_size: ${tp}\``;
  return { title, edits: ctx.setValuesEdits(values), preferred };
}

/**
 * The nearest TP values (below and above) that pass every check, else that pass the `required` ones without breaking
 * anything that works today.
 */
export function tpCandidates(ctx: RuleContext, required: readonly CheckName[] = ['model']): number[] {
  const l = currentLayout(ctx);
  const max = upperBound(ctx, l.tp);
  for (const mode of ['all', 'safe'] as const) {
    const ok = (v: number) => v !== l.tp && layoutFits(ctx, withTp(ctx, l, v), mode, required);
    const out = nearestValid(l.tp, ok, 2, max);
    // GPU counts are usually powers of two: also offer the nearest one that works
    if (out.length && !out.some(isPowerOfTwo)) out.push(...nearestValid(l.tp, (v) => isPowerOfTwo(v) && ok(v), 1, max));
    if (out.length) return out;
  }
  return [];
}

/** The nearest valid TP values as fixes, the nearest preferred. */
export function tpFixes(ctx: RuleContext, required: readonly CheckName[] = ['model']): Fix[] {
  const values = tpCandidates(ctx, required);
  const p = preferredIndex(values);
  const ordered = [values[p]!, ...values.filter((_, i) => i !== p)];
  return values.length ? ordered.map((v, i) => tpFix(ctx, v, i === 0)) : [];
}

/** The nearest CP values that make the whole group valid. */
export function cpCandidates(ctx: RuleContext): number[] {
  const l = currentLayout(ctx);
  for (const mode of ['all', 'safe'] as const) {
    const out = nearestValid(l.cp, (v) => v !== l.cp && layoutFits(ctx, { ...l, cp: v }, mode, ['model']), 2, upperBound(ctx, l.cp));
    if (out.length) return out;
  }
  return [];
}

/** An edit that sets an ENV variable that is already in the ENV mapping, keeping its quoting. */
export function envValueEdit(ctx: RuleContext, name: string, value: string): TextEdit | undefined {
  const e = ctx.envEntry(name);
  if (!e || e.viaMerge || e.valueStart === e.valueEnd) return undefined;
  const src = ctx.doc.text.slice(e.valueStart, e.valueEnd);
  const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
  return { range: e.valueRange, newText: `${q}${value}${q}` };
}

/** How many GPUs the run can use at most on a node, when the config or the launch choice says. */
export function availableGpus(ctx: RuleContext): number | undefined {
  const cvd = ctx.env('CUDA_VISIBLE_DEVICES');
  if (cvd !== undefined && cvd.trim() !== '') return cvd.split(',').filter((s) => s.trim() !== '').length;
  return ctx.launch.visibleGpus;
}

/** "It fails when the model is built, after data preprocessing." */
export function stageSentence(stage: Stage, version: KnownVersion): string {
  const t = stageText(stage, version);
  return t ? `ms-swift ${version} ${t}.` : '';
}
