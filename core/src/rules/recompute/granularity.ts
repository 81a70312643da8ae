// How recompute_granularity, recompute_method and recompute_num_layers must go together: a method and a layer
// count only with full recomputation, and full recomputation needs both. `none` (4.5.2) switches everything off.
import { RuleContext } from '../context';
import { Fix, Finding, MEGATRON_COMMANDS, Rule, TextEdit } from '../types';
import {
  Granularity,
  granularity,
  granularityText,
  insertAfter,
  insertBefore,
  method,
  Method,
  numLayers,
  overridden,
  RECOMPUTE_FIELDS,
  removeKeyEdits,
  removeKeyFix,
  stops,
} from './common';
import { uniformMismatch } from './uniform-stage-layers';

const METHOD_MEANS: Record<Method, string> = {
  uniform: 'recompute every layer, in chunks of `recompute_num_layers` layers',
  block: 'recompute only the first `recompute_num_layers` layers of each pipeline stage',
};

/** 4.5.2: moe_layer_recompute cannot be combined with full recompute (moe-layer-recompute-conflicts-with-full) */
function moeLayerRecompute(ctx: RuleContext): boolean {
  return !!ctx.spec('moe_layer_recompute') && ctx.bool('moe_layer_recompute') === true;
}

/** the method a fix should add when full recompute is switched on: uniform, unless its chunks would not fit */
function methodToAdd(ctx: RuleContext, n: number | null | undefined): Method {
  return n !== null && n !== undefined && uniformMismatch(ctx, n) ? 'block' : 'uniform';
}

/**
 * The edits that switch to `recompute_granularity: full` next to `anchor` (a key that is set), adding a method
 * and a layer count when they are missing so that no other recompute error appears. undefined when full recompute
 * cannot be switched on cleanly.
 */
function switchToFull(ctx: RuleContext, anchor: string): { edits: TextEdit[]; added: string[] } | undefined {
  if (moeLayerRecompute(ctx)) return undefined;
  const m = method(ctx);
  const n = numLayers(ctx);
  if (m === undefined || n === undefined) return undefined;
  const added: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const edits: TextEdit[] = [];
  // uniform chunks that would not fit the pipeline stages: use the nearest smaller layer count that does
  if (m === 'uniform' && n !== null) {
    const mismatch = uniformMismatch(ctx, n);
    if (mismatch) {
      const e = ctx.entry('recompute_num_layers');
      if (!e || e.viaMerge) return undefined;
      edits.push(ctx.setValueEdit('recompute_num_layers', String(mismatch.below ?? 1)));
      added.push(`recompute_num_layers: ${mismatch.below ?? 1}`);
    }
  }
  if (ctx.isSet('recompute_granularity')) {
    const e = ctx.entry('recompute_granularity')!;
    if (e.viaMerge) return undefined;
    edits.push(ctx.setValueEdit('recompute_granularity', 'full'));
  } else {
    before.push('recompute_granularity: full');
  }
  if (m === null) {
    const add = methodToAdd(ctx, n);
    before.push(`recompute_method: ${add}`);
    added.push(`recompute_method: ${add}`);
  }
  if (n === null) {
    after.push('recompute_num_layers: 1');
    added.push('recompute_num_layers: 1');
  }
  if (before.length) edits.push(insertBefore(ctx, anchor, before));
  if (after.length) edits.push(insertAfter(ctx, anchor, after));
  return { edits, added };
}

function fullTitle(added: string[]): string {
  return added.length ? `Set \`recompute_granularity: full\` (and \`${added.join('`, `')}\`)` : 'Set `recompute_granularity: full`';
}

export const recomputeMethodRequiresFull: Rule = {
  id: 'recompute-method-requires-full',
  title: 'recompute_method needs recompute_granularity: full',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:760-763',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:800-801',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:31-32',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1427',
  ],
  *check(ctx) {
    const m = method(ctx);
    if (!m || granularity(ctx) !== 'selective') return;
    const error = ctx.version === '3.4.1' ? 'an AssertionError from Megatron-LM' : 'a ValueError from ms-swift';
    const message =
      `\`recompute_method: ${m}\` (${METHOD_MEANS[m]}) only applies to full recomputation, but \`recompute_granularity\` is ${granularityText(ctx, 'selective')}, ` +
      `which recomputes just the parts named in \`recompute_modules\` and takes no method. ${stops(recomputeMethodRequiresFull, ctx, error)} ` +
      `Set \`recompute_granularity: full\` to recompute whole layers, or remove \`recompute_method\` to keep selective recomputation.`;
    const fixes: Fix[] = [];
    const explicitSelective = ctx.isSet('recompute_granularity');
    const full = switchToFull(ctx, 'recompute_method');
    if (full) fixes.push({ title: fullTitle(full.added), edits: full.edits, preferred: !explicitSelective });
    // removing the method alone would leave recompute_num_layers rejected with selective: remove both
    const alsoLayers = numLayers(ctx) !== null && ctx.isSet('recompute_num_layers');
    const edits = [...(removeKeyEdits(ctx, 'recompute_method') ?? []), ...(alsoLayers ? removeKeyEdits(ctx, 'recompute_num_layers') ?? [] : [])];
    if (edits.length) {
      fixes.push({
        title: alsoLayers ? 'Remove `recompute_method` and `recompute_num_layers` (keep selective recomputation)' : 'Remove `recompute_method` (keep selective recomputation)',
        edits,
        preferred: explicitSelective || !full,
      });
    }
    const f: Finding = { message, key: 'recompute_method', fixes };
    if (explicitSelective) f.related = [{ range: ctx.keyRange('recompute_granularity'), message: 'selective recomputation is chosen here' }];
    yield f;
  },
};

export const recomputeFullRequiresMethod: Rule = {
  id: 'recompute-full-requires-method',
  title: 'Full recompute needs recompute_method',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:691-700',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1551-1560',
  ],
  *check(ctx) {
    if (granularity(ctx) !== 'full' || method(ctx) !== null || overridden(ctx, ...RECOMPUTE_FIELDS)) return;
    const n = numLayers(ctx);
    const count = typeof n === 'number' ? ` (here ${n})` : '';
    const message =
      `\`recompute_granularity: full\` needs \`recompute_method\` to say which layers to recompute: \`uniform\` recomputes every layer in chunks of \`recompute_num_layers\`${count} layers, ` +
      `\`block\` recomputes only the first \`recompute_num_layers\` layers of each pipeline stage. ${stops(recomputeFullRequiresMethod, ctx, 'a ValueError')}`;
    const fixes: Fix[] = [];
    const uniformBreaks = typeof n === 'number' && !!uniformMismatch(ctx, n);
    if (!uniformBreaks) fixes.push({ title: 'Set `recompute_method: uniform`', edits: [insertAfter(ctx, 'recompute_granularity', ['recompute_method: uniform'])], preferred: true });
    fixes.push({ title: 'Set `recompute_method: block`', edits: [insertAfter(ctx, 'recompute_granularity', ['recompute_method: block'])], preferred: uniformBreaks });
    yield { message, key: 'recompute_granularity', fixes };
  },
};

export const recomputeFullRequiresNumLayers: Rule = {
  id: 'recompute-full-requires-num-layers',
  title: 'Full recompute needs recompute_num_layers',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:702-708',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1562-1568',
  ],
  *check(ctx) {
    if (granularity(ctx) !== 'full' || numLayers(ctx) !== null || overridden(ctx, ...RECOMPUTE_FIELDS)) return;
    const m = method(ctx);
    const meaning =
      m === 'block'
        ? 'with `recompute_method: block` it is how many layers of each pipeline stage are recomputed'
        : m === 'uniform'
          ? 'with `recompute_method: uniform` it is how many layers each recomputed chunk holds (1 recomputes every layer on its own, the most memory saved)'
          : 'it sets how many layers are recomputed together';
    const message = `\`recompute_granularity: full\` needs \`recompute_num_layers\`: ${meaning}. ${stops(recomputeFullRequiresNumLayers, ctx, 'a ValueError')}`;
    const anchor = ctx.isSet('recompute_method') && m ? 'recompute_method' : 'recompute_granularity';
    const fixes: Fix[] = [{ title: 'Set `recompute_num_layers: 1`', edits: [insertAfter(ctx, anchor, ['recompute_num_layers: 1'])], preferred: true }];
    yield { message, key: 'recompute_granularity', fixes };
  },
};

export const recomputeNumLayersRequiresFull: Rule = {
  id: 'recompute-num-layers-requires-full',
  title: 'recompute_num_layers only with full recompute',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:709-715',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1569-1575',
  ],
  *check(ctx) {
    const n = numLayers(ctx);
    if (n === null || n === undefined || granularity(ctx) !== 'selective' || overridden(ctx, ...RECOMPUTE_FIELDS)) return;
    const message =
      `\`recompute_num_layers: ${n}\` only applies to full recomputation, but \`recompute_granularity\` is ${granularityText(ctx, 'selective')}, which recomputes the parts named in \`recompute_modules\` in every layer. ` +
      `${stops(recomputeNumLayersRequiresFull, ctx, 'a ValueError')} Set \`recompute_granularity: full\` to recompute whole layers, or remove \`recompute_num_layers\`.`;
    const fixes: Fix[] = [];
    const explicitSelective = ctx.isSet('recompute_granularity');
    const full = switchToFull(ctx, 'recompute_num_layers');
    if (full) fixes.push({ title: fullTitle(full.added), edits: full.edits, preferred: !explicitSelective });
    const alsoMethod = !!method(ctx) && ctx.isSet('recompute_method');
    const edits = [...(removeKeyEdits(ctx, 'recompute_num_layers') ?? []), ...(alsoMethod ? removeKeyEdits(ctx, 'recompute_method') ?? [] : [])];
    if (edits.length) {
      fixes.push({
        title: alsoMethod ? 'Remove `recompute_num_layers` and `recompute_method` (keep selective recomputation)' : 'Remove `recompute_num_layers` (keep selective recomputation)',
        edits,
        preferred: explicitSelective || !full,
      });
    }
    const f: Finding = { message, key: 'recompute_num_layers', fixes };
    if (explicitSelective) f.related = [{ range: ctx.keyRange('recompute_granularity'), message: 'selective recomputation is chosen here' }];
    yield f;
  },
};

export const recomputeNoneIgnoresOptions: Rule = {
  id: 'recompute-none-ignores-options',
  title: 'recompute_granularity: none ignores the other recompute options',
  area: 'recompute',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'silent' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:798-799',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1544',
  ],
  *check(ctx) {
    const g: Granularity | undefined = granularity(ctx);
    if (g !== 'none' || overridden(ctx, 'recompute_granularity')) return;
    const origin = granularityText(ctx, 'none');
    for (const name of ['recompute_method', 'recompute_num_layers', 'recompute_modules']) {
      if (!ctx.isSet(name) || ctx.value(name) === null) continue;
      // moe_layer_recompute turns selective recomputation back on, and then recompute_modules is used
      if (name === 'recompute_modules' && ctx.bool('moe_layer_recompute') === true) continue;
      const fix = removeKeyFix(ctx, name, `Remove \`${name}\``, true);
      yield {
        message: `\`${name}\` has no effect: \`recompute_granularity\` is ${origin}, which turns activation recomputation off, so the other recompute options are neither checked nor used. Remove it, or choose \`selective\` or \`full\` recomputation.`,
        key: name,
        tags: ['unnecessary'],
        fixes: fix ? [fix] : [],
      };
    }
  },
};

export const granularityRules: readonly Rule[] = [
  recomputeMethodRequiresFull,
  recomputeFullRequiresMethod,
  recomputeFullRequiresNumLayers,
  recomputeNumLayersRequiresFull,
  recomputeNoneIgnoresOptions,
];
