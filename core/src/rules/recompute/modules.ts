// recompute_modules: which names megatron-core accepts, and which of them need something else (grouped GEMM, an MLA
// model, no shared-expert overlap, an FP8 recipe other than delayed); plus the two advisory notes (modules ignored
// with full recompute, the core_attn notice) and moe_layer_recompute with full recompute.
import { RuleContext } from '../context';
import { rankCandidates } from '../../text/similarity';
import { Finding, Fix, MEGATRON_COMMANDS, Rule, TextEdit } from '../types';
import { modelLabel } from '../shared/model';
import {
  editModules,
  granularity,
  granularityText,
  insertAfter,
  listText,
  ModuleItem,
  moduleItems,
  modules,
  overridden,
  RECOMPUTE_FIELDS,
  removeKeyEdits,
  removeKeyFix,
  setOrInsertBefore,
  stops,
  usesMla,
  when,
} from './common';

const ALLOWED_012 = ['core_attn', 'moe_act', 'layernorm', 'mla_up_proj', 'mlp', 'moe'];
const ALLOWED_018 = [...ALLOWED_012, 'shared_experts'];
/** accepted only by Megatron-LM newer than megatron-core 0.18 */
const NEWER = ['gdn_norm_out', 'gdp_in_proj', 'gdp_qkv', 'mhc'];

/** names people write for a module, mapped to the module's real name */
const ALIASES: Record<string, string> = {
  attention: 'core_attn',
  attn: 'core_attn',
  core_attention: 'core_attn',
  self_attention: 'core_attn',
  self_attn: 'core_attn',
  moe_layer: 'moe',
  experts: 'moe',
  expert: 'moe',
  norm: 'layernorm',
  layer_norm: 'layernorm',
  input_layernorm: 'layernorm',
  rmsnorm: 'layernorm',
  rms_norm: 'layernorm',
  mla: 'mla_up_proj',
  mla_up: 'mla_up_proj',
  up_proj: 'mla_up_proj',
  moe_activation: 'moe_act',
  act: 'moe_act',
  ffn: 'mlp',
  dense: 'mlp',
  shared_expert: 'shared_experts',
  shared: 'shared_experts',
};

function allowed(ctx: RuleContext): string[] {
  return ctx.version === '3.4.1' ? ALLOWED_012 : ALLOWED_018;
}

function coreVersion(ctx: RuleContext): string {
  return ctx.version === '3.4.1' ? 'megatron-core 0.12 (ms-swift 3.4.1)' : 'megatron-core 0.18 (ms-swift 4.5.2)';
}

/** 3.4.1: bf16 is known to end up off, so moe_grouped_gemm: true would be rejected (grouped-gemm-requires-bf16-ampere) */
function bf16Off(ctx: RuleContext): boolean {
  if (ctx.version !== '3.4.1') return false;
  if (ctx.isSet('bf16')) return ctx.bool('bf16') === false;
  if (ctx.isSet('fp16') && ctx.bool('fp16') === true) return true;
  const dt = ctx.model()?.torchDtype;
  return dt === 'float16' || dt === 'float32';
}

/** the model has shared experts (moe_shared_expert_intermediate_size from config.json); undefined when unknown */
function sharedExperts(ctx: RuleContext): number | undefined {
  const facts = ctx.model();
  if (!facts) return undefined;
  return facts.sharedExpertIntermediateSize ?? 0;
}

/** the model is known not to use multi-latent attention (always so in 3.4.1, which supports no MLA model) */
function knownNoMla(ctx: RuleContext): boolean {
  if (ctx.version === '3.4.1') return true;
  const facts = ctx.model();
  if (!facts || (facts.numLayers === undefined && facts.numAttentionHeads === undefined)) return false;
  return !usesMla(facts);
}

function fp8Delayed(ctx: RuleContext): boolean {
  return !!ctx.spec('fp8_format') && ctx.value('fp8_format') !== null && ctx.value('fp8_format') !== undefined && ctx.str('fp8_recipe') === 'delayed';
}

/** why megatron-core would reject this module in this config (with selective recompute), if it would */
function moduleProblem(ctx: RuleContext, name: string): string | undefined {
  if (!allowed(ctx).includes(name)) return 'unknown';
  if (name === 'moe_act' && ctx.bool('moe_grouped_gemm') === false) return 'grouped-gemm';
  if (name === 'mla_up_proj' && knownNoMla(ctx)) return 'mla';
  if (name === 'shared_experts' && ctx.bool('moe_shared_expert_overlap') === true && (sharedExperts(ctx) ?? 0) > 0) return 'overlap';
  if ((name === 'moe_act' || name === 'layernorm') && fp8Delayed(ctx)) return 'fp8';
  return undefined;
}

/** selective recompute is on and megatron_extra_kwargs leaves the recompute settings alone */
function selective(ctx: RuleContext, ...fields: string[]): boolean {
  return granularity(ctx) === 'selective' && !overridden(ctx, ...RECOMPUTE_FIELDS, ...fields);
}

/** a fix that takes these modules out of recompute_modules */
function dropFix(ctx: RuleContext, names: string[], preferred: boolean): Fix | undefined {
  const r = editModules(ctx, names);
  if (!r) return undefined;
  const title = r.removesKey
    ? `Remove \`recompute_modules\` (Megatron then recomputes \`core_attn\`, the default)`
    : `Remove ${listText(names)} from \`recompute_modules\``;
  return { title, edits: r.edits, preferred };
}

function firstItem(ctx: RuleContext, name: string): ModuleItem | undefined {
  return moduleItems(ctx)?.find((i) => i.name === name);
}

export const recomputeModulesAllowed: Rule = {
  id: 'recompute-modules-allowed',
  title: 'Unknown recompute module',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:726-733',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1586-1601',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/core/transformer/transformer_config.py:1945-1957',
  ],
  *check(ctx) {
    if (!selective(ctx)) return;
    const items = moduleItems(ctx);
    if (!items) return;
    const ok = allowed(ctx);
    const present = new Set(items.map((i) => i.name));
    const seen = new Set<string>();
    for (const item of items) {
      if (ok.includes(item.name) || seen.has(item.name)) continue;
      seen.add(item.name);
      const name = item.name;
      const key = name.toLowerCase().replace(/-/g, '_');
      let note = '';
      if (name === 'shared_experts') note = ' (`shared_experts` arrived in megatron-core 0.18, used by ms-swift 4.5.2)';
      else if (NEWER.includes(name)) note = ` (\`${name}\` exists only in Megatron-LM newer than megatron-core 0.18)`;
      else if (key === 'moe_layer') note = " (moe_layer_recompute's deprecation notice suggests `moe_layer`, but the module is called `moe`)";
      const alias = ALIASES[key];
      const guesses = (alias && ok.includes(alias) ? [alias] : rankCandidates(name, ok, 2, 0.5).map((r) => r.name)).filter((g) => !moduleProblem(ctx, g));
      const guess = guesses[0];
      const message =
        `\`${name}\` is not a module ${coreVersion(ctx)} can recompute${note}; \`recompute_modules\` takes ${listText(ok)}.` +
        (guess ? ` Did you mean \`${guess}\`?` : '') +
        ` ${stops(recomputeModulesAllowed, ctx, 'an AssertionError')}`;
      const fixes: Fix[] = [];
      if (guess && !present.has(guess)) {
        const r = editModules(ctx, [name], { [name]: guess });
        if (r) fixes.push({ title: `Change to \`${guess}\``, edits: r.edits, preferred: true });
      }
      const drop = dropFix(ctx, [name], !fixes.length);
      if (drop) fixes.push(drop);
      yield { message, key: 'recompute_modules', range: item.range, fixes };
    }
  },
};

export const recomputeMoeActRequiresGroupedGemm: Rule = {
  id: 'recompute-moe-act-requires-grouped-gemm',
  title: 'moe_act recompute needs moe_grouped_gemm',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:735-738',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1603-1606',
  ],
  *check(ctx) {
    if (!selective(ctx, 'moe_grouped_gemm') || !modules(ctx)?.includes('moe_act') || ctx.bool('moe_grouped_gemm') !== false) return;
    const item = firstItem(ctx, 'moe_act');
    const facts = ctx.model();
    const dense = !!facts && (facts.numLayers !== undefined || facts.numAttentionHeads !== undefined) && !facts.numExperts;
    const gemm = ctx.isSet('moe_grouped_gemm') ? 'is set to false' : `is false (the default in ms-swift ${ctx.version})`;
    const denseNote = dense && facts ? ` ${modelLabel(ctx, facts)} is a dense model without experts, so \`moe_act\` has nothing to recompute anyway.` : '';
    const message =
      `Recomputing \`moe_act\` (the activation inside the MoE experts) only works with grouped-GEMM experts, but \`moe_grouped_gemm\` ${gemm}. ` +
      `${stops(recomputeMoeActRequiresGroupedGemm, ctx, 'a ValueError')}${denseNote}`;
    const fixes: Fix[] = [];
    if (!dense && !bf16Off(ctx)) fixes.push(ctx.setValueFix('moe_grouped_gemm', 'true', undefined, true));
    const drop = dropFix(ctx, ['moe_act'], !fixes.length);
    if (drop) fixes.push(drop);
    const f: Finding = { message, key: 'recompute_modules', fixes };
    if (item) f.range = item.range;
    if (ctx.isSet('moe_grouped_gemm')) f.related = [{ range: ctx.keyRange('moe_grouped_gemm'), message: 'grouped GEMM is turned off here' }];
    yield f;
  },
};

export const recomputeMlaUpProjRequiresMla: Rule = {
  id: 'recompute-mla-up-proj-requires-mla',
  title: 'mla_up_proj recompute needs an MLA model',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:740-744',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1608-1612',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:86-88',
  ],
  *check(ctx) {
    if (!selective(ctx, 'multi_latent_attention', 'q_lora_rank', 'kv_lora_rank') || !modules(ctx)?.includes('mla_up_proj') || !knownNoMla(ctx)) return;
    const facts = ctx.model();
    const why =
      ctx.version === '3.4.1'
        ? 'ms-swift 3.4.1 supports no multi-latent-attention model, so Megatron never turns MLA on'
        : `${modelLabel(ctx, facts!)} does not use multi-latent attention (its config.json has no \`kv_lora_rank\` or \`q_lora_rank\`)`;
    const message =
      `\`mla_up_proj\` recomputes the up-projections of multi-latent attention (DeepSeek-V2/V3-style models), but ${why}. ` +
      `${stops(recomputeMlaUpProjRequiresMla, ctx, 'a ValueError')} Remove \`mla_up_proj\` from \`recompute_modules\`.`;
    const drop = dropFix(ctx, ['mla_up_proj'], true);
    const item = firstItem(ctx, 'mla_up_proj');
    const f: Finding = { message, key: 'recompute_modules', fixes: drop ? [drop] : [] };
    if (item) f.range = item.range;
    yield f;
  },
};

export const recomputeSharedExpertsVsOverlap: Rule = {
  id: 'recompute-shared-experts-vs-overlap',
  title: 'shared_experts recompute conflicts with moe_shared_expert_overlap',
  area: 'recompute',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1622-1629'],
  *check(ctx) {
    if (!selective(ctx, 'moe_shared_expert_overlap', 'moe_shared_expert_intermediate_size') || !modules(ctx)?.includes('shared_experts')) return;
    if (ctx.bool('moe_shared_expert_overlap') !== true) return;
    const shared = sharedExperts(ctx);
    if (!shared || shared <= 0) return;
    const message =
      `\`moe_shared_expert_overlap: true\` cannot be combined with recomputing \`shared_experts\`: ${modelLabel(ctx, ctx.model()!)} has shared experts (intermediate size ${shared}), ` +
      `and megatron-core raises a ValueError when their computation is both overlapped with the token dispatch and recomputed: the run ${when(recomputeSharedExpertsVsOverlap, ctx)}. ` +
      `Turn the overlap off, or drop \`shared_experts\` from \`recompute_modules\`.`;
    const fixes: Fix[] = [];
    const off = removeKeyFix(ctx, 'moe_shared_expert_overlap', 'Remove `moe_shared_expert_overlap` (no overlap)', true);
    if (off) fixes.push(off);
    const drop = dropFix(ctx, ['shared_experts'], !off);
    if (drop) fixes.push(drop);
    const item = firstItem(ctx, 'shared_experts');
    const f: Finding = { message, key: 'moe_shared_expert_overlap', fixes };
    if (item) f.related = [{ range: item.range, message: '`shared_experts` is recomputed here' }];
    yield f;
  },
};

export const recomputeModulesIgnoredUnlessSelective: Rule = {
  id: 'recompute-modules-ignored-unless-selective',
  title: 'recompute_modules is ignored with full recompute',
  area: 'recompute',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'silent', '4.5.2': 'silent' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:726-744',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1586',
  ],
  *check(ctx) {
    if (granularity(ctx) !== 'full' || !ctx.isSet('recompute_modules') || overridden(ctx, ...RECOMPUTE_FIELDS)) return;
    const mods = modules(ctx);
    if (!mods || (mods.length === 1 && mods[0] === 'core_attn')) return;
    const fix = removeKeyFix(ctx, 'recompute_modules', 'Remove `recompute_modules`', true);
    yield {
      message:
        `\`recompute_modules\` has no effect: \`recompute_granularity\` is ${granularityText(ctx, 'full')}, which recomputes whole layers, so Megatron neither checks nor uses the module list ` +
        `(${listText(mods)}). Remove it, or switch to \`recompute_granularity: selective\` (without \`recompute_method\` and \`recompute_num_layers\`) to recompute only those modules.`,
      key: 'recompute_modules',
      tags: ['unnecessary'],
      fixes: fix ? [fix] : [],
    };
  },
};

export const recomputeCoreAttnNotice: Rule = {
  id: 'recompute-core-attn-notice',
  title: 'Selective recompute of core_attn prints a notice',
  area: 'recompute',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:746-752',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1614-1620',
  ],
  *check(ctx) {
    // only where the user chose the recompute settings: the notice would otherwise sit on every config
    if (!ctx.isSet('recompute_modules') && !ctx.isSet('recompute_granularity')) return;
    if (!selective(ctx) || !modules(ctx)?.includes('core_attn')) return;
    const backend = ctx.str('attention_backend');
    const useFlash = ctx.version === '3.4.1' && ctx.bool('use_flash_attn') === true;
    const localImpl = ctx.version === '3.4.1' && ctx.str('transformer_impl') === 'local';
    const unfused = !useFlash && (backend === 'unfused' || backend === 'local' || localImpl);
    const backendText = useFlash
      ? '`use_flash_attn: true`'
      : localImpl
        ? '`transformer_impl: local`'
        : `\`attention_backend: ${backend ?? '?'}\`${ctx.isSet('attention_backend') ? '' : ' (the default)'}`;
    const kernel = backend === 'auto' && !useFlash ? 'Transformer Engine picks a fused attention kernel where it can, which' : 'the attention kernel is fused and';
    const message = unfused
      ? `Megatron prints a warning when \`core_attn\` is recomputed, aimed at fused attention. Here ${backendText} keeps the full attention matrix, so recomputing \`core_attn\` does save memory: the warning can be ignored.`
      : `Megatron prints a warning when \`core_attn\` is recomputed: with ${backendText} ${kernel} keeps no attention matrix, so recomputing it saves little memory and re-runs attention in the backward pass. Training continues; drop \`core_attn\` if you do not need it.`;
    const item = firstItem(ctx, 'core_attn');
    const fixes: Fix[] = [];
    if (!unfused) {
      const others = (modules(ctx) ?? []).filter((m) => m !== 'core_attn');
      if (others.length) {
        const drop = dropFix(ctx, ['core_attn'], true);
        if (drop) fixes.push(drop);
      } else if (ctx.version !== '3.4.1') {
        const edits: TextEdit[] = [setOrInsertBefore(ctx, 'recompute_granularity', 'none', ctx.isSet('recompute_modules') ? 'recompute_modules' : 'recompute_granularity')];
        if (ctx.isSet('recompute_modules')) edits.push(...(removeKeyEdits(ctx, 'recompute_modules') ?? []));
        if (!ctx.entry('recompute_granularity')?.viaMerge) fixes.push({ title: 'Turn activation recomputation off (`recompute_granularity: none`)', edits });
      }
    }
    const f: Finding = { message, key: item ? 'recompute_modules' : 'recompute_granularity', fixes };
    if (item) f.range = item.range;
    yield f;
  },
};

export const moeLayerRecomputeConflictsWithFull: Rule = {
  id: 'moe-layer-recompute-conflicts-with-full',
  title: 'moe_layer_recompute with full recompute',
  area: 'recompute',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1645-1656',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:664',
  ],
  *check(ctx) {
    if (ctx.bool('moe_layer_recompute') !== true || granularity(ctx) !== 'full' || overridden(ctx, ...RECOMPUTE_FIELDS, 'moe_layer_recompute')) return;
    const message =
      `\`moe_layer_recompute\` cannot be combined with \`recompute_granularity: full\`: full recomputation already recomputes whole layers, MoE included, and megatron-core raises a ValueError for the pair: ` +
      `the run ${when(moeLayerRecomputeConflictsWithFull, ctx)}. The flag is deprecated; with selective recomputation write \`recompute_modules: [..., moe]\` instead.`;
    const fix = removeKeyFix(ctx, 'moe_layer_recompute', 'Remove `moe_layer_recompute`', true);
    yield { message, key: 'moe_layer_recompute', fixes: fix ? [fix] : [] };
  },
};

/** the installed transformer-engine version, when the Python environment is known */
function teVersion(ctx: RuleContext): string | undefined {
  const p = ctx.python?.packages;
  if (!p) return undefined;
  for (const name of ['transformer-engine', 'transformer_engine', 'transformer-engine-torch', 'transformer-engine-cu12']) if (p[name]) return p[name];
  return undefined;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

export const recomputeFp8DelayedMoeActLayernorm: Rule = {
  id: 'recompute-fp8-delayed-moe-act-layernorm',
  title: 'moe_act/layernorm recompute with FP8 delayed scaling',
  area: 'recompute',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1631-1643'],
  *check(ctx) {
    if (!selective(ctx, 'fp8', 'fp8_recipe') || !fp8Delayed(ctx)) return;
    const bad = ['moe_act', 'layernorm'].filter((m) => modules(ctx)?.includes(m));
    if (!bad.length) return;
    const format = ctx.str('fp8_format');
    const recipe = ctx.isSet('fp8_recipe') ? '`fp8_recipe: delayed`' : '`fp8_recipe: delayed` (the default)';
    const te = teVersion(ctx);
    const teOk = te !== undefined && atLeast(te, 2, 6);
    const teOld = te !== undefined && !teOk;
    const message =
      `FP8 delayed scaling cannot recompute ${listText(bad)}: \`fp8_format: ${format}\` runs with ${recipe}, and megatron-core raises a ValueError when ${bad.length > 1 ? 'they are' : 'it is'} recomputed under it: ` +
      `the run ${when(recomputeFp8DelayedMoeActLayernorm, ctx)}. ` +
      (teOld
        ? `Other recipes need transformer-engine 2.6 or newer for this (installed: ${te}), so drop ${listText(bad)} from \`recompute_modules\`.`
        : `Use another recipe such as \`tensorwise\` (needs transformer-engine 2.6 or newer${te ? `; installed: ${te}` : ''}), or drop ${listText(bad)} from \`recompute_modules\`.`);
    const fixes: Fix[] = [];
    if (!teOld) {
      const edit = ctx.isSet('fp8_recipe') ? ctx.setValueEdit('fp8_recipe', 'tensorwise') : insertAfter(ctx, 'fp8_format', ['fp8_recipe: tensorwise']);
      fixes.push({ title: 'Set `fp8_recipe: tensorwise`', edits: [edit], preferred: teOk });
    }
    const drop = dropFix(ctx, bad, !teOk);
    if (drop) fixes.push(drop);
    const item = firstItem(ctx, bad[0]!);
    const f: Finding = { message, key: 'recompute_modules', fixes };
    if (item) f.range = item.range;
    if (ctx.isSet('fp8_format')) f.related = [{ range: ctx.keyRange('fp8_format'), message: 'FP8 training is turned on here' }];
    yield f;
  },
};

export const moduleRules: readonly Rule[] = [
  recomputeModulesAllowed,
  recomputeMoeActRequiresGroupedGemm,
  recomputeMlaUpProjRequiresMla,
  recomputeSharedExpertsVsOverlap,
  recomputeModulesIgnoredUnlessSelective,
  recomputeCoreAttnNotice,
  moeLayerRecomputeConflictsWithFull,
  recomputeFp8DelayedMoeActLayernorm,
];
