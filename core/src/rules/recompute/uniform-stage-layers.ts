// Uniform full recomputation walks the layers of each model chunk (a pipeline stage, or a virtual stage) in steps
// of recompute_num_layers. In megatron-core 0.12 and 0.16 a step that runs past the end of the chunk indexes a layer
// that does not exist (IndexError on the first step); 0.17+ shortens the last step instead.
import { RuleContext } from '../context';
import { divisors } from '../shared/parallel';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { granularity, listText, method, numLayers, overridden, RECOMPUTE_FIELDS, when } from './common';
import { StageLayers, stageLayers } from './stage-layers';

export interface UniformMismatch {
  layout: StageLayers;
  /** the chunk sizes recompute_num_layers does not divide (distinct, ascending) */
  bad: number[];
  /** every recompute_num_layers that divides all chunks */
  valid: number[];
  /** the nearest valid value below / above the current one */
  below?: number;
  above?: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** how `n` layers per uniform chunk fits the pipeline split; undefined when it fits or the split is unknown */
export function uniformMismatch(ctx: RuleContext, n: number): UniformMismatch | undefined {
  const layout = stageLayers(ctx);
  if (!layout) return undefined;
  const sizes = [...new Set(layout.chunks.flat().filter((x) => x > 0))].sort((a, b) => a - b);
  if (!sizes.length) return undefined;
  const bad = n < 1 ? sizes : sizes.filter((s) => s % n !== 0);
  if (!bad.length) return undefined;
  const valid = divisors(sizes.reduce(gcd));
  const below = [...valid].reverse().find((v) => v < n);
  const above = valid.find((v) => v > n);
  const m: UniformMismatch = { layout, bad, valid };
  if (below !== undefined) m.below = below;
  if (above !== undefined) m.above = above;
  return m;
}

export const recomputeUniformDividesStageLayers: Rule = {
  id: 'recompute-uniform-divides-stage-layers',
  title: 'uniform recompute: recompute_num_layers must divide the layers of each pipeline stage',
  area: 'recompute',
  severity: { '3.4.1': 'error', '4.5.2': 'warning' },
  stage: { '3.4.1': 'first-step', '4.5.2': 'first-step' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_block.py:372-382',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_block.py:312-313',
    'NVIDIA/Megatron-LM@core_r0.16.0:megatron/core/transformer/transformer_block.py:537-541',
    'NVIDIA/Megatron-LM@core_r0.17.0:megatron/core/transformer/transformer_block.py:551-555',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/recompute.py:139-148',
  ],
  *check(ctx) {
    const n = numLayers(ctx);
    if (granularity(ctx) !== 'full' || method(ctx) !== 'uniform' || typeof n !== 'number' || overridden(ctx, ...RECOMPUTE_FIELDS)) return;
    const mm = uniformMismatch(ctx, n);
    if (!mm) return;
    const { layout, bad, valid } = mm;
    const unit = layout.vpp ? 'virtual pipeline chunk' : 'pipeline stage';
    const near = [mm.below, mm.above].filter((v): v is number => v !== undefined);
    const others = valid.filter((v) => !near.includes(v));
    const fits = `Use ${listText(near, 'or')}${others.length ? ` (${listText(valid.length > 8 ? [...valid.slice(0, 4), ...valid.slice(-3)] : valid, 'and')} all divide every ${unit})` : ''}.`;
    let message: string;
    if (n < 1) {
      message = `\`recompute_num_layers: ${n}\` cannot drive uniform recomputation: Megatron steps through each ${unit} ${n} layers at a time, so the loop never advances and the first training step hangs. ${fits}`;
    } else {
      const leftover = bad.map((b) => (b < n ? `a ${unit} of only ${b} layers, shorter than one chunk` : `a last chunk of ${b % n} on a ${b}-layer ${unit}`)).join(' and ');
      const consequence =
        ctx.version === '3.4.1'
          ? `megatron-core 0.12 then reaches past the end of the ${unit} and raises an IndexError: the run ${when(recomputeUniformDividesStageLayers, ctx)}.`
          : `megatron-core 0.17 and newer (0.18 is the recommended version) cut that chunk short and train normally, but megatron-core 0.16, which ms-swift 4.5.2 also accepts, raises an IndexError on the first training step, after data preprocessing and model loading.`;
      message =
        `\`recompute_num_layers: ${n}\` does not divide the layers of each ${unit}: ${layout.description}, and uniform recomputation walks each ${unit} in chunks of ${n}, ` +
        `leaving ${leftover}. ${consequence} ${fits}`;
    }
    const fixes: Fix[] = [];
    if (mm.below !== undefined) fixes.push(ctx.setValueFix('recompute_num_layers', String(mm.below), undefined, true));
    if (mm.above !== undefined) fixes.push(ctx.setValueFix('recompute_num_layers', String(mm.above), undefined, mm.below === undefined));
    yield { message, key: 'recompute_num_layers', range: ctx.valueRange('recompute_num_layers'), fixes };
  },
};
