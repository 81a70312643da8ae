// How the decoder layers are split over pipeline (and virtual pipeline) stages.
import { MEGATRON_COMMANDS } from '../../types';
import type { RuleContext } from '../../context';
import { Changes } from './facts';
import { FixList, nearestWorking } from './fixes';
import { Plan } from './plan';
import { groupRule, orList } from './rule';

const PP = 'pipeline_model_parallel_size';
const VPP = 'virtual_pipeline_model_parallel_size';
const F = 'decoder_first_pipeline_num_layers';
const L = 'decoder_last_pipeline_num_layers';
const EMB = 'account_for_embedding_in_pipeline_split';
const LOSS = 'account_for_loss_in_pipeline_split';
const LAYOUT = 'pipeline_model_parallel_layout';

/** the largest PP worth trying */
function ppMax(plan: Plan): number {
  const n = plan.pipe.split?.numLayers ?? plan.v.ctx.model()?.numLayers;
  return Math.max(2, Math.min(plan.world ?? 256, n !== undefined ? n + 2 : 256, 256));
}

/** PP values near the current one that fix the problem (and break nothing else we know of). */
function ppFixes(ctx: RuleContext, plan: Plan, id: string, fixes: FixList, min = 1, limit = 2): number[] {
  const found = nearestWorking(ctx, plan, id, plan.pp, (x) => ({ [PP]: x }), { min, max: ppMax(plan), limit });
  for (const x of found) fixes.try({ [PP]: x });
  return found;
}

/** An uneven split that keeps PP: only the first stage gets a different size, as close to an even share as works. */
function unevenFix(ctx: RuleContext, plan: Plan, id: string, fixes: FixList): number | undefined {
  const n = plan.pipe.split?.numLayers ?? ctx.model()?.numLayers;
  const N = ctx.version === '3.4.1' ? (plan.v.int('num_layers') ?? n) : n;
  if (N === undefined || plan.pp < 2) return undefined;
  const share = Math.max(1, Math.floor(N / plan.pp));
  const [first] = nearestWorking(ctx, plan, id, share, (x) => ({ [F]: x }), { limit: 1, min: 1, max: N - 1, includeCurrent: true });
  if (first === undefined) return undefined;
  fixes.try({ [F]: first }, `Split unevenly: set \`${F}: ${first}\` (${(N - first) / (plan.pp - 1)} layers on each other stage)`);
  return first;
}

const PP_DIVIDES_SOURCES = [
  'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:488-501',
  'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_block.py:140-151',
  'NVIDIA/Megatron-LM@d98e8a6:megatron/core/transformer/transformer_block.py:157',
];

export const ppDividesNumLayers = groupRule({
  id: 'pp-divides-num-layers',
  title: 'PP does not divide the number of layers',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: PP_DIVIDES_SOURCES,
  args: {
    '3.4.1': [PP, F, L],
    '4.5.2': [PP, F, L, EMB, LOSS],
  },
  fixes(ctx, plan, p, fixes) {
    ppFixes(ctx, plan, p.id, fixes);
    if (!plan.v.bool(EMB) && !plan.v.bool(LOSS)) unevenFix(ctx, plan, p.id, fixes);
  },
  advice(_ctx, _plan, _p, fixes) {
    const pps = fixes.fixes.map((f) => /`pipeline_model_parallel_size: (\d+)`/.exec(f.title)?.[1]).filter((x): x is string => !!x);
    const parts: string[] = [];
    if (pps.length) parts.push(`use ${orList(pps)}`);
    parts.push(`set \`${F}\` / \`${L}\` for an uneven split`);
    return parts.join(', or ');
  },
});

export const unevenPpLayerSplit = groupRule({
  id: 'uneven-pp-layer-split',
  title: 'Uneven pipeline split does not add up',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:779-828',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1764-1838',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_block.py:96-126',
  ],
  args: {
    '3.4.1': [F, L, PP],
    '4.5.2': [F, L, PP, VPP],
  },
  fixes(ctx, plan, p, fixes) {
    const first = plan.v.int(F);
    const last = plan.v.int(L);
    const N = plan.pipe.split?.numLayers ?? (ctx.version === '3.4.1' ? (plan.v.int('num_layers') ?? ctx.model()?.numLayers) : ctx.model()?.numLayers);
    const max = N !== undefined ? Math.max(1, N - 1) : 512;
    if (first !== undefined && last !== undefined) {
      // move both numbers, nearest first
      const found: Changes[] = [];
      for (let d = 1; d <= Math.min(2 * max, 24) && found.length < 2; d++) {
        for (let a = -d; a <= d && found.length < 2; a++) {
          for (const b of a === d || a === -d ? [0] : [d - Math.abs(a), -(d - Math.abs(a))]) {
            const f = first + a;
            const l = last + b;
            if (f < 1 || l < 1 || f > max || l > max) continue;
            const c: Changes = { [F]: f, [L]: l };
            if (fixes.try(c)) found.push(c);
            if (found.length >= 2) break;
          }
        }
      }
      // or keep only one of them (needed with PP 2 in ms-swift 3.4.1)
      if (fixes.length < 2) fixes.try({ [L]: null });
      if (fixes.length < 2) fixes.try({ [F]: null });
    } else if (first !== undefined) {
      for (const x of nearestWorking(ctx, plan, p.id, first, (x) => ({ [F]: x }), { max })) fixes.try({ [F]: x });
    } else if (last !== undefined) {
      for (const x of nearestWorking(ctx, plan, p.id, last, (x) => ({ [L]: x }), { max })) fixes.try({ [L]: x });
    }
    fixes.try({ [F]: null, [L]: null }, 'Remove the uneven split (spread the layers evenly)');
  },
});

export const unevenPpRequiresPpGt1 = groupRule({
  id: 'uneven-pp-requires-pp-gt-1',
  title: 'decoder_first/last_pipeline_num_layers without pipeline parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:833-836', 'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:802-828'],
  args: {
    '3.4.1': [PP, F, L],
    '4.5.2': [PP, F, L],
  },
  advice(ctx) {
    return ctx.version === '3.4.1'
      ? `Remove it or raise \`${PP}\` (megatron-core 0.12 divides the remaining layers by the remaining stages and hits zero)`
      : `Remove it or raise \`${PP}\``;
  },
  fixes(ctx, plan, p, fixes) {
    fixes.try({ [F]: null, [L]: null }, 'Remove the uneven split settings');
    ppFixes(ctx, plan, p.id, fixes, 2, 1);
  },
});

export const ppSplitOptionsConflict = groupRule({
  id: 'pp-split-options-conflict',
  title: 'Conflicting pipeline split options',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1699-1709',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1712-1729',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1749-1755',
  ],
  args: { '4.5.2': [EMB, LOSS, F, L, LAYOUT, VPP] },
  consequence(_ctx, p) {
    return p.severity === 'warning' ? 'No error: the value from the layout wins' : undefined;
  },
  fixes(_ctx, plan, p, fixes) {
    const v = plan.v;
    const set = (ks: string[]) => ks.filter((k) => v.isSet(k));
    const clear = (ks: string[]): Changes => Object.fromEntries(set(ks).map((k) => [k, null]));
    if (p.key === VPP) {
      fixes.try({ [VPP]: null }, `Remove \`${VPP}\` (the layout decides it)`);
      if (plan.pipe.vpp !== undefined) fixes.try({ [VPP]: plan.pipe.vpp });
      return;
    }
    if (p.key === LAYOUT) {
      fixes.try(clear([F, L, EMB, LOSS]), `Keep \`${LAYOUT}\`; remove the other split options`);
      fixes.try({ [LAYOUT]: null }, `Remove \`${LAYOUT}\``);
      return;
    }
    fixes.try(clear([EMB, LOSS]), `Keep the explicit stage sizes; remove ${set([EMB, LOSS]).map((k) => `\`${k}\``).join(' and ')}`);
    fixes.try(clear([F, L]), `Count the embedding/loss instead; remove ${set([F, L]).map((k) => `\`${k}\``).join(' and ')}`);
  },
});

export const vppRequiresPpGt1 = groupRule({
  id: 'vpp-requires-pp-gt-1',
  title: 'Virtual pipeline stages without pipeline parallelism',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:998-1013', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/parallel_state.py:740-744'],
  args: { '4.5.2': [VPP, PP, LAYOUT] },
  advice(_ctx, plan) {
    return plan.v.isSet(LAYOUT) ? `Raise \`${PP}\` or remove the layout` : `Remove \`${VPP}\` or raise \`${PP}\``;
  },
  fixes(ctx, plan, p, fixes) {
    if (!plan.v.isSet(LAYOUT)) fixes.try({ [VPP]: null });
    ppFixes(ctx, plan, p.id, fixes, 2, 1);
    if (plan.v.isSet(LAYOUT)) fixes.try({ [LAYOUT]: null });
  },
});

export const vppDividesLayersPerStage = groupRule({
  id: 'vpp-divides-layers-per-stage',
  title: 'VPP does not divide the layers of a pipeline stage',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_block.py:159-171', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1776-1787'],
  args: { '4.5.2': [VPP, PP] },
  fixes(ctx, plan, p, fixes) {
    const vpp = plan.pipe.vpp ?? 2;
    const n = ctx.model()?.numLayers ?? 256;
    for (const x of nearestWorking(ctx, plan, p.id, vpp, (x) => ({ [VPP]: x }), { min: 2, max: Math.min(n, 256) })) fixes.try({ [VPP]: x });
    fixes.try({ [VPP]: null }, `Remove \`${VPP}\` (no interleaving)`);
  },
  advice(_ctx, _plan, _p, fixes) {
    const vs = fixes.fixes.map((f) => /`virtual_pipeline_model_parallel_size: (\d+)`/.exec(f.title)?.[1]).filter((x): x is string => !!x);
    return vs.length ? `Use ${orList(vs)}, or remove it` : undefined;
  },
});

export const ppLayoutStageCount = groupRule({
  id: 'pp-layout-stage-count',
  title: 'pipeline_model_parallel_layout stage count not a multiple of PP',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:999-1009', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1759-1762'],
  args: { '4.5.2': [LAYOUT, PP] },
  fixes(ctx, plan, p, fixes) {
    const stages = plan.pipe.layoutStages;
    if (stages !== undefined && stages % plan.pp !== 0) {
      // PP values that divide the stage count
      const found = nearestWorking(ctx, plan, p.id, plan.pp, (x) => ({ [PP]: x }), { max: Math.min(stages, 256) });
      for (const x of found) fixes.try({ [PP]: x });
    }
    fixes.try({ [LAYOUT]: null }, `Remove \`${LAYOUT}\` (split the layers evenly)`);
  },
});

export const pipelineRules = [
  ppDividesNumLayers,
  unevenPpLayerSplit,
  unevenPpRequiresPpGt1,
  ppSplitOptionsConflict,
  vppRequiresPpGt1,
  vppDividesLayersPerStage,
  ppLayoutStageCount,
];
