// The floor (min_lr) and the warm-up start (lr_warmup_init) must not exceed the peak learning rate.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { numText, peakLr, rayDelegated, relatedKeys, yamlFloat } from './common';

export const minLrNotAboveLr: Rule = {
  id: 'min-lr-not-above-lr',
  title: 'min_lr greater than lr',
  area: 'lr',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:711-712',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/optimizer_param_scheduler.py:64-66',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:150-152',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:751-755',
  ],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const minLr = ctx.num('min_lr');
    if (minLr === undefined) return;
    if (minLr < 0) {
      yield {
        message: `\`min_lr\` ${numText(minLr)} is negative; Megatron's LR scheduler requires min_lr >= 0, so the run ${stageText('optimizer-setup', ctx.version)}.`,
        key: 'min_lr',
        fixes: ctx.isSet('min_lr') ? [ctx.setValueFix('min_lr', '0.0', 'Set `min_lr: 0.0`', true)] : [],
      };
      return;
    }
    const lr = peakLr(ctx);
    if (!lr || minLr <= lr.value) return;
    const stage = stageText(minLrNotAboveLr.stage![ctx.version], ctx.version);
    const fixes: Fix[] = [];
    if (ctx.isSet('min_lr') && lr.value >= 0) {
      if (lr.value > 0) fixes.push(ctx.setValueFix('min_lr', yamlFloat(lr.value / 10), `Set \`min_lr\` to a tenth of the peak LR (${numText(lr.value / 10)})`, true));
      fixes.push(ctx.setValueFix('min_lr', yamlFloat(lr.value), `Set \`min_lr\` to the peak LR (${numText(lr.value)}): no decay`, lr.value === 0));
    }
    const where = ctx.version === '3.4.1' ? "Megatron-LM's argument check asserts min_lr <= lr" : "Megatron's LR scheduler asserts min_lr <= lr";
    const key = ctx.isSet('min_lr') || !ctx.isSet('lr') ? 'min_lr' : 'lr';
    yield {
      message: `\`min_lr\` ${numText(minLr)} is larger than ${lr.text}: the LR would have to decay upwards. ${where}, so the run ${stage}.`,
      key,
      fixes,
      related: relatedKeys(ctx, [lr.explicit ? 'lr' : 'tuner_type'].filter((k) => k !== key)),
    };
  },
};

export const lrWarmupInitNotAboveLr: Rule = {
  id: 'lr-warmup-init-not-above-lr',
  title: 'lr_warmup_init greater than lr',
  area: 'lr',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:152'],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const init = ctx.num('lr_warmup_init');
    if (init === undefined) return;
    const lr = peakLr(ctx);
    if (!lr || init <= lr.value) return;
    const fixes: Fix[] = [];
    if (ctx.isSet('lr_warmup_init') && lr.value >= 0) {
      fixes.push(ctx.setValueFix('lr_warmup_init', '0.0', 'Set `lr_warmup_init: 0.0` (warm up from zero)', true));
      if (lr.value > 0) fixes.push(ctx.setValueFix('lr_warmup_init', yamlFloat(lr.value), `Set \`lr_warmup_init\` to the peak LR (${numText(lr.value)})`));
    }
    const key = ctx.isSet('lr_warmup_init') || !ctx.isSet('lr') ? 'lr_warmup_init' : 'lr';
    yield {
      message: `\`lr_warmup_init\` ${numText(init)} is larger than ${lr.text}: warm-up would lower the LR. Megatron's LR scheduler asserts lr_warmup_init <= lr, so the run ${stageText('optimizer-setup', ctx.version)}.`,
      key,
      fixes,
      related: relatedKeys(ctx, [lr.explicit ? 'lr' : 'tuner_type'].filter((k) => k !== key)),
    };
  },
};
