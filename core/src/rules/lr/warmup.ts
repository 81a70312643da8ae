// Warm-up length versus the decay horizon, and the two ways of giving the warm-up length.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { DecayHorizon, decayHorizon, numText, rayDelegated, relatedKeys, removeKeyFix, trainIters, yamlFloat } from './common';

/** "the 100 iterations of `train_iters` (`lr_decay_iters` is not set)" */
function horizonText(h: DecayHorizon): string {
  if (h.kind === 'dataset') return 'the `train_iters` ms-swift derives from `num_train_epochs` and the dataset size';
  if (h.kind !== 'known') return 'the decay horizon';
  return h.from === 'lr_decay_iters'
    ? `the ${h.iters} iterations of \`lr_decay_iters\``
    : `the ${h.iters} iterations of \`train_iters\` (the decay horizon when \`lr_decay_iters\` is not set)`;
}

/** lr_warmup_fraction, when set (4.5.2 only: 3.4.1 has no such argument) */
function warmupFraction(ctx: RuleContext): number | null | undefined {
  if (ctx.version === '3.4.1' || !ctx.spec('lr_warmup_fraction')) return null;
  const f = ctx.value('lr_warmup_fraction');
  if (f === null) return null;
  return typeof f === 'number' && !Number.isNaN(f) ? f : undefined;
}

/** a fraction below 1 to offer instead of f: f/100 when f looks like a percentage, else 0.05 */
function saneFraction(f: number): number {
  return f > 1 && f < 100 ? Number((f / 100).toPrecision(6)) : 0.05;
}

export const lrWarmupShorterThanDecay: Rule = {
  id: 'lr-warmup-shorter-than-decay',
  title: 'Warm-up must end before the decay horizon',
  area: 'lr',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'optimizer-setup', '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/training.py:1053-1065',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/optimizer_param_scheduler.py:73-74',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:579-591',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:159-160',
  ],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const stage = stageText('optimizer-setup', ctx.version);
    const h = decayHorizon(ctx);
    const frac = warmupFraction(ctx);
    if (frac === undefined) return;
    const warm = frac === null ? ctx.int('lr_warmup_iters') : undefined;
    if (frac === null && warm === undefined) return;

    // a decay horizon of 0 or less
    if (h.kind === 'known' && h.iters <= 0) {
      // 3.4.1: train_iters 0 is "no train_iters" (train-iters-required-v3)
      if (ctx.version === '3.4.1' && h.from === 'train_iters' && h.iters === 0) return;
      const fixes: Fix[] = [];
      if (h.from === 'lr_decay_iters') {
        const t = trainIters(ctx);
        const fits = t.kind === 'dataset' || (t.kind === 'known' && t.iters > 0 && (frac !== null ? frac < 1 : warm! < t.iters));
        const fix = fits ? removeKeyFix(ctx, 'lr_decay_iters', 'Remove `lr_decay_iters` (decay over the whole run)', true) : undefined;
        if (fix) fixes.push(fix);
      }
      yield {
        message: `\`${h.from}\` ${h.iters} leaves the learning-rate schedule no iterations to decay over; Megatron's LR scheduler requires a decay horizon above 0, so the run ${stage}.`,
        key: h.from,
        fixes,
      };
      return;
    }

    if (frac !== null) {
      // 4.5.2: warm-up = lr_warmup_fraction × D; lr_warmup_iters is ignored
      if (frac < 1 || (h.kind !== 'known' && h.kind !== 'dataset')) return;
      const to = saneFraction(frac);
      yield {
        message: `\`lr_warmup_fraction\` ${numText(frac)} makes the warm-up ${frac === 1 ? 'as long as' : 'longer than'} ${horizonText(h)} (warm-up = fraction × decay iterations); Megatron's LR scheduler requires the warm-up to end before the decay horizon, so the run ${stage}. Use a fraction below 1.`,
        key: 'lr_warmup_fraction',
        fixes: [ctx.setValueFix('lr_warmup_fraction', yamlFloat(to), `Set \`lr_warmup_fraction: ${yamlFloat(to)}\``, true)],
        related: relatedKeys(ctx, [h.from === 'lr_decay_iters' ? 'lr_decay_iters' : h.kind === 'dataset' ? 'num_train_epochs' : 'train_iters']),
      };
      return;
    }

    if (h.kind !== 'known' || warm! < h.iters) return;
    const to = Math.floor(h.iters / 10);
    yield {
      message: `\`lr_warmup_iters\` ${warm} is not shorter than ${horizonText(h)}; Megatron's LR scheduler requires the warm-up to end before the decay horizon, so the run ${stage}.`,
      key: ctx.isSet('lr_warmup_iters') ? 'lr_warmup_iters' : h.from,
      fixes: ctx.isSet('lr_warmup_iters') ? [ctx.setValueFix('lr_warmup_iters', String(to), `Set \`lr_warmup_iters: ${to}\` (a tenth of the decay horizon)`, true)] : [],
      related: relatedKeys(ctx, [h.from]),
    };
  },
};

export const lrWarmupFractionOverridesIters: Rule = {
  id: 'lr-warmup-fraction-overrides-iters',
  title: 'lr_warmup_fraction silently wins over lr_warmup_iters',
  area: 'lr',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:588-591',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:643-645',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1287',
  ],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const frac = warmupFraction(ctx);
    if (frac === null || frac === undefined) return;
    const warm = ctx.int('lr_warmup_iters');
    if (warm === undefined || warm <= 0) return;
    const fixes: Fix[] = [];
    const dropIters = removeKeyFix(ctx, 'lr_warmup_iters', 'Remove `lr_warmup_iters` (keep the fraction)', true);
    if (dropIters) fixes.push(dropIters);
    // keeping the iterations is only offered when they fit before the decay horizon (else it adds an error)
    const h = decayHorizon(ctx);
    const itersFit = h.kind === 'dataset' || h.kind === 'unset' || (h.kind === 'known' && warm < h.iters);
    const dropFrac = itersFit ? removeKeyFix(ctx, 'lr_warmup_fraction', `Remove \`lr_warmup_fraction\` (warm up for ${warm} iterations)`) : undefined;
    if (dropFrac) fixes.push(dropFrac);
    yield {
      message: `\`lr_warmup_iters\` ${warm} is ignored: with \`lr_warmup_fraction\` ${numText(frac)} set, ms-swift ${ctx.version} takes the warm-up length from the fraction (${numText(Number((frac * 100).toPrecision(6)))}% of the decay iterations) and drops lr_warmup_iters without a message. Keep only one of the two.`,
      key: 'lr_warmup_iters',
      tags: ['unnecessary'],
      fixes,
      related: relatedKeys(ctx, ['lr_warmup_fraction']),
    };
  },
};
