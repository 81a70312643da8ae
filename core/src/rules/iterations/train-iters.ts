// How long the run trains: train_iters (3.4.1: mandatory) and num_train_epochs (4.5.2).
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { rayDelegated, relatedKeys, removeKeyFix } from '../lr/common';

/**
 * A train_iters to offer when none can be computed (the dataset size is not known): a round 1000, raised so that
 * the warm-up still ends before the decay horizon.
 */
export function placeholderTrainIters(ctx: RuleContext): number {
  let n = 1000;
  const warm = ctx.int('lr_warmup_iters') ?? 0;
  while (n <= warm) n *= 10;
  return n;
}

export const trainItersRequiredV3: Rule = {
  id: 'train-iters-required-v3',
  title: 'train_iters is mandatory in 3.4.1',
  area: 'iterations',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'optimizer-setup' },
  // exports never build an LR scheduler
  commands: ['megatron sft', 'megatron pt'],
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:37',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/training.py:1053-1083',
    'modelscope/ms-swift@v3.4.1:swift/megatron/init.py:24-37',
  ],
  *check(ctx): Iterable<Finding> {
    const ti = ctx.value('train_iters');
    // Megatron-LM tests `if args.train_iters:`, so 0 is the same as unset
    if (ti !== null && ti !== 0) return;
    const epochs = ctx.int('max_epochs');
    const n = placeholderTrainIters(ctx);
    const what = ti === 0 ? '`train_iters` 0 counts as not set' : 'ms-swift 3.4.1 needs `train_iters`, and it is not set';
    const epochNote = epochs !== undefined ? ` \`max_epochs\` ${epochs} does not replace it: it only stops the data loader after that many epochs.` : '';
    yield {
      message: `${what}: Megatron-LM sizes the learning-rate schedule from it and stops with "either train-iters or train-samples should be provided"; the run ${stageText('optimizer-setup', ctx.version)} (and after the whole dataset has been tokenized).${epochNote}`,
      key: ti === 0 || !ctx.isSet('max_epochs') ? 'train_iters' : 'max_epochs',
      fixes: [ctx.setValueFix('train_iters', String(n), `${ti === 0 ? 'Set' : 'Add'} \`train_iters: ${n}\` (adjust to the optimizer steps you want)`, true)],
    };
  },
};

export const trainItersOrEpochsRequired: Rule = {
  id: 'train-iters-or-epochs-required',
  title: 'Neither train_iters nor num_train_epochs',
  area: 'iterations',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1051-1057', 'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:581-584'],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.value('train_iters') !== null || ctx.value('num_train_epochs') !== null) return;
    const n = placeholderTrainIters(ctx);
    const itersFix = (preferred: boolean) => ctx.setValueFix('train_iters', String(n), `Add \`train_iters: ${n}\` (adjust to the optimizer steps you want)`, preferred);
    const failure = `the LR scheduler is built from train_iters None, which raises a TypeError: the run ${stageText('optimizer-setup', ctx.version)}`;
    if (ctx.bool('streaming') === true) {
      // a streaming dataset has no length: num_train_epochs cannot size the run (streaming-requires-train-iters)
      yield {
        message: `Neither \`train_iters\` nor \`num_train_epochs\` is set, so ms-swift has no training length: ${failure}. With \`streaming: true\` only \`train_iters\` can give it.`,
        key: 'train_iters',
        fixes: [itersFix(true)],
        related: relatedKeys(ctx, ['streaming']),
      };
      return;
    }
    yield {
      message: `Neither \`train_iters\` nor \`num_train_epochs\` is set, so ms-swift has no training length: ${failure}. Set \`num_train_epochs\` (ms-swift then derives train_iters from the dataset size) or \`train_iters\`.`,
      key: 'train_iters',
      fixes: [ctx.setValueFix('num_train_epochs', '1', 'Add `num_train_epochs: 1`', true), itersFix(false)],
    };
  },
};

export const numTrainEpochsOverridesTrainIters: Rule = {
  id: 'num-train-epochs-overrides-train-iters',
  title: 'num_train_epochs replaces train_iters for sized datasets',
  area: 'iterations',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1051-1054'],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    const epochs = ctx.value('num_train_epochs');
    const ti = ctx.value('train_iters');
    if (typeof epochs !== 'number' || typeof ti !== 'number') return;
    if (ctx.bool('streaming') !== false) return;
    const gbs = ctx.int('global_batch_size');
    const fixes: Fix[] = [];
    const dropIters = removeKeyFix(ctx, 'train_iters', `Remove \`train_iters\` (train for ${epochs} epoch${epochs === 1 ? '' : 's'})`, true);
    if (dropIters) fixes.push(dropIters);
    const dropEpochs = removeKeyFix(ctx, 'num_train_epochs', `Remove \`num_train_epochs\` (train for ${ti} iterations)`);
    if (dropEpochs) fixes.push(dropEpochs);
    yield {
      message: `\`train_iters\` ${ti} is overwritten: with \`num_train_epochs\` ${epochs} on a non-streaming dataset, ms-swift recomputes train_iters from the dataset size once the dataset is loaded (samples × ${epochs} ÷ \`global_batch_size\`${gbs !== undefined ? ` ${gbs}` : ''}), without a message. Keep only one of the two.`,
      key: 'train_iters',
      tags: ['unnecessary'],
      fixes,
      related: relatedKeys(ctx, ['num_train_epochs']),
    };
  },
};
