// GRPO/GKD generation batch: generation_batch_size vs global_batch_size x steps_per_generation, and the prompts
// of one generation step split over the data-parallel ranks.
import { RuleContext } from '../context';
import { nearestValid } from '../shared/parallel';
import { stageText } from '../shared/stages';
import { Fix, Rule } from '../types';
import { Batch, batchOk, dpProblem, readBatch, resolve } from './common';

const COMMANDS = ['megatron rlhf'] as const;

function searchMax(n: number): number {
  return Math.max(1024, n * 4);
}

/** set generation_batch_size to the nearest values that pass every batch check */
function genFixes(ctx: RuleContext, b: Batch, limit = 2): Fix[] {
  const cur = b.gen ?? b.gbs;
  return nearestValid(cur, (v) => batchOk({ ...b, gen: v }), limit, searchMax(cur)).map((v) => ctx.setValueFix('generation_batch_size', String(v)));
}

/** set global_batch_size (the generation batch follows it) to the nearest values that pass every batch check */
function gbsFixes(ctx: RuleContext, b: Batch, limit = 2): Fix[] {
  return nearestValid(b.gbs, (v) => batchOk({ ...b, gbs: v }, true), limit, searchMax(b.gbs)).map((v) => ctx.setValueFix('global_batch_size', String(v)));
}

/** set num_generations (GRPO only; at least 2 completions per prompt) */
function ngFixes(ctx: RuleContext, b: Batch): Fix[] {
  if (ctx.str('rlhf_type') !== 'grpo') return [];
  const real = ctx.str('loss_type') === 'real';
  return nearestValid(b.ng, (v) => v >= 2 && (!real || b.mbs % v === 0) && batchOk({ ...b, ng: v }), 1, 256).map((v) => ctx.setValueFix('num_generations', String(v)));
}

function markPreferred(fixes: Fix[]): Fix[] {
  return fixes.map((f, i) => ({ ...f, preferred: i === 0 }));
}

function genText(b: Batch, gen: number): string {
  if (b.gen !== undefined) return `\`generation_batch_size\` ${gen}`;
  return `the generation batch (${gen} = global_batch_size ${b.gbs}${b.spg !== undefined ? ` × steps_per_generation ${b.spg}` : ''})`;
}

export const grpoGenerationBatchSize: Rule = {
  id: 'grpo-generation-batch-size',
  title: 'GRPO generation batch size inconsistent with global_batch_size',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:260-295'],
  *check(ctx) {
    const b = readBatch(ctx);
    if (!b) return;
    const r = resolve(b);
    if (!('problem' in r)) return;
    const p = r.problem;
    const stage = stageText('args', ctx.version);
    const tail = `ms-swift raises a ValueError and the run ${stage}.`;
    switch (p.kind) {
      case 'mismatch': {
        const fixes: Fix[] = [];
        if (batchOk({ ...b, gen: p.expected })) fixes.push(ctx.setValueFix('generation_batch_size', String(p.expected)));
        const rm = ctx.entry('steps_per_generation');
        if (rm && !rm.viaMerge && batchOk({ ...b, spg: undefined })) fixes.push({ title: 'Remove `steps_per_generation` (derived from the two batch sizes)', edits: [ctx.removeEntryEdit(rm)] });
        yield {
          message: `With both set, \`generation_batch_size\` must equal global_batch_size × steps_per_generation = ${b.gbs} × ${b.spg} = ${p.expected}, but it is ${b.gen}; ${tail}`,
          key: 'generation_batch_size',
          range: ctx.valueRange('generation_batch_size'),
          fixes: markPreferred(fixes),
        };
        return;
      }
      case 'not-multiple':
        yield {
          message: `\`generation_batch_size\` ${b.gen} is not a multiple of global_batch_size ${b.gbs}: ms-swift trains on each generated batch in steps of global_batch_size (steps_per_generation = ${b.gen} / ${b.gbs}), which must come out whole; ${tail}`,
          key: 'generation_batch_size',
          range: ctx.valueRange('generation_batch_size'),
          fixes: markPreferred(genFixes(ctx, b)),
        };
        return;
      case 'steps': {
        const fixes: Fix[] = [];
        if (b.gen === undefined && batchOk({ ...b, spg: 1 })) fixes.push(ctx.setValueFix('steps_per_generation', '1'));
        const rm = ctx.entry('steps_per_generation');
        if (b.gen !== undefined && rm && !rm.viaMerge && batchOk({ ...b, spg: undefined })) fixes.push({ title: 'Remove `steps_per_generation`', edits: [ctx.removeEntryEdit(rm)] });
        yield {
          message: `\`steps_per_generation\` must be at least 1, not ${p.spg}; ${tail}`,
          key: 'steps_per_generation',
          range: ctx.valueRange('steps_per_generation'),
          fixes: markPreferred(fixes),
        };
        return;
      }
      case 'num-generations': {
        const key = b.gen !== undefined ? 'generation_batch_size' : ctx.isSet('global_batch_size') ? 'global_batch_size' : ctx.isSet('num_generations') ? 'num_generations' : 'global_batch_size';
        const fixes = [...(b.gen !== undefined ? genFixes(ctx, b) : gbsFixes(ctx, b)), ...ngFixes(ctx, b)];
        yield {
          message: `GRPO samples num_generations ${b.ng} completions for every prompt, so ${genText(b, p.gen)} must be a multiple of ${b.ng}; ${tail}`,
          key,
          range: ctx.isSet(key) ? ctx.valueRange(key) : ctx.keyRange(key),
          fixes: markPreferred(fixes),
        };
        return;
      }
    }
  },
};

export const grpoDpAlignment: Rule = {
  id: 'grpo-dp-alignment',
  title: 'GRPO prompts per step do not split evenly over data-parallel ranks',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:297-329', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:331-341'],
  *check(ctx) {
    const b = readBatch(ctx);
    if (!b || b.world === undefined || b.dp === undefined) return; // world size unknown (or not whole): silent
    const r = resolve(b);
    if ('problem' in r) return; // grpo-generation-batch-size
    const p = dpProblem(b, r.gen);
    if (!p) return;
    const gen = r.gen;
    const grpo = ctx.str('rlhf_type') === 'grpo';
    const prompts = grpo ? `${Math.floor(gen / b.ng)} prompts (${gen} / num_generations ${b.ng})` : `${gen} prompts`;
    const dpText = `${b.dp} data-parallel rank${b.dp === 1 ? '' : 's'} (${b.world} GPUs / (TP ${b.tp} × PP ${b.pp} × CP ${b.cp}))`;
    let what: string;
    switch (p.kind) {
      case 'prompts-vs-dp':
        what = `${genText(b, gen)} holds ${prompts}, which cannot be split evenly over ${dpText}`;
        break;
      case 'no-prompt-per-rank':
        what = `${genText(b, gen)} holds ${prompts}, less than one prompt for each of the ${dpText}`;
        break;
      case 'per-rank-vs-micro':
        what = `each of the ${dpText} gets ${p.perRank} prompts of ${genText(b, gen)}, which is not a multiple of micro_batch_size ${b.mbs}`;
        break;
      case 'per-device':
        what = `${genText(b, gen)} gives less than one sample to each of the ${b.world} GPUs`;
        break;
    }
    let key: string;
    if (p.kind === 'per-rank-vs-micro' && ctx.isSet('micro_batch_size')) key = 'micro_batch_size';
    else if (b.gen !== undefined) key = 'generation_batch_size';
    else if (grpo && ctx.isSet('num_generations')) key = 'num_generations';
    else key = 'generation_batch_size';
    const range = ctx.isSet(key) ? ctx.valueRange(key) : ctx.isSet('global_batch_size') ? ctx.valueRange('global_batch_size') : ctx.keyRange(key);
    const fixes: Fix[] = [...(b.gen !== undefined ? genFixes(ctx, b) : gbsFixes(ctx, b)), ...ngFixes(ctx, b)];
    if (p.kind === 'per-rank-vs-micro') {
      const mbs = nearestValid(b.mbs, (v) => batchOk({ ...b, mbs: v }, true), 1, 256);
      fixes.push(...mbs.map((v) => ctx.setValueFix('micro_batch_size', String(v))));
    }
    const related = key !== 'global_batch_size' && b.gen === undefined && ctx.isSet('global_batch_size') ? [{ range: ctx.keyRange('global_batch_size'), message: 'the generation batch follows global_batch_size' }] : [];
    yield {
      message: `GRPO rollouts are spread over the data-parallel ranks: ${what}. ms-swift raises a ValueError and the run ${stageText('args', ctx.version)} (the process group is already up by then).`,
      key,
      range,
      fixes: markPreferred(fixes),
      related,
    };
  },
};

export const rules: readonly Rule[] = [grpoGenerationBatchSize, grpoDpAlignment];
