// The decay phase: WSD needs its own decay length; a decay horizon shorter than the run leaves the tail at min_lr.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { decayHorizon, numText, rayDelegated, relatedKeys, removeKeyFix, trainIters } from './common';

export const wsdRequiresDecayIters: Rule = {
  id: 'wsd-requires-decay-iters',
  title: 'WSD schedule needs lr_wsd_decay_iters',
  area: 'lr',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:163-164',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:585-587',
  ],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.str('lr_decay_style') !== 'WSD') return;
    if (ctx.value('lr_wsd_decay_iters') !== null) return;
    // a tenth of the decay horizon when it is known, else a round number to adjust
    const h = decayHorizon(ctx);
    const n = h.kind === 'known' && h.iters > 0 ? Math.max(1, Math.round(h.iters / 10)) : 100;
    const basis = h.kind === 'known' && h.iters > 0 ? `a tenth of the ${h.iters} decay iterations` : 'adjust to your run';
    yield {
      message: `\`lr_decay_style: WSD\` (warmup-stable-decay) needs \`lr_wsd_decay_iters\`, the number of final iterations over which the LR anneals; it is not set, so Megatron's LR scheduler asserts and the run ${stageText('optimizer-setup', ctx.version)}.`,
      key: 'lr_decay_style',
      fixes: [ctx.setValueFix('lr_wsd_decay_iters', String(n), `Add \`lr_wsd_decay_iters: ${n}\` (${basis})`, true)],
    };
  },
};

export const lrDecayItersShorterThanTrain: Rule = {
  id: 'lr-decay-iters-shorter-than-train',
  title: 'LR decay ends before training ends',
  area: 'lr',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'silent', '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:159-160',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:581-583',
  ],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const ldi = ctx.value('lr_decay_iters');
    if (typeof ldi !== 'number' || ldi <= 0) return;
    const style = ctx.str('lr_decay_style');
    // a constant schedule never decays (and an unparsable style is reported elsewhere)
    if (style === undefined || style === 'constant') return;
    const t = trainIters(ctx);
    if (t.kind !== 'known' || ldi >= t.iters) return;
    const minLr = ctx.num('min_lr');
    const floor = minLr === undefined ? '`min_lr`' : minLr === 0 ? '`min_lr` 0, so the weights stop changing' : `\`min_lr\` ${numText(minLr)}`;
    const fixes: Fix[] = [];
    const drop = removeKeyFix(ctx, 'lr_decay_iters', 'Remove `lr_decay_iters` (decay over all of `train_iters`)', true);
    if (drop) fixes.push(drop);
    yield {
      message: `\`lr_decay_iters\` ${ldi} is shorter than \`train_iters\` ${t.iters}: the ${style} decay ends at iteration ${ldi} and the last ${t.iters - ldi} iterations run at ${floor}. If that is not intended, leave \`lr_decay_iters\` unset (it defaults to train_iters).`,
      key: 'lr_decay_iters',
      fixes,
      related: relatedKeys(ctx, ['train_iters']),
    };
  },
};
