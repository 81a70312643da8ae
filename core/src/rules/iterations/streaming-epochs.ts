// What ms-swift 4.5.2 computes from the dataset length once the dataset is loaded (init_iters): train_iters from
// num_train_epochs, save/eval steps for save_strategy epoch, eval_iters from the validation set. A streaming dataset
// has no length, so each of these needs an explicit value.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { rayDelegated, relatedKeys, removeKeyFix } from '../lr/common';
import { placeholderTrainIters } from './train-iters';

const INIT_ITERS = 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py';

export const streamingRequiresTrainIters: Rule = {
  id: 'streaming-requires-train-iters',
  title: 'Streaming datasets need train_iters',
  area: 'iterations',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [`${INIT_ITERS}:1051-1057`],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.bool('streaming') !== true) return;
    if (ctx.value('train_iters') !== null) return;
    const epochs = ctx.value('num_train_epochs');
    if (epochs === undefined) return;
    const n = placeholderTrainIters(ctx);
    const fixes: Fix[] = [ctx.setValueFix('train_iters', String(n), `Add \`train_iters: ${n}\` (adjust to the optimizer steps you want)`, true)];
    let message: string;
    if (typeof epochs === 'number') {
      message = `\`streaming: true\` needs \`train_iters\`: a streaming dataset has no length, so ms-swift cannot turn \`num_train_epochs\` ${epochs} into iterations and stops with a ValueError once the dataset is prepared. Set \`train_iters\`, or turn streaming off to let the epochs size the run.`;
      fixes.push(ctx.setValueFix('streaming', 'false', 'Set `streaming: false` (let num_train_epochs size the run)'));
    } else {
      message = `\`streaming: true\` needs \`train_iters\`: a streaming dataset has no length, so \`num_train_epochs\` cannot size the run either, and without train_iters the run ${stageText('optimizer-setup', ctx.version)}.`;
    }
    yield { message, key: ctx.isSet('streaming') ? 'streaming' : 'train_iters', fixes, related: relatedKeys(ctx, ['num_train_epochs']) };
  },
};

export const streamingSaveStrategyEpoch: Rule = {
  id: 'streaming-save-strategy-epoch',
  title: 'save_strategy epoch with streaming',
  area: 'iterations',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [`${INIT_ITERS}:1044-1050`],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.str('save_strategy') !== 'epoch' || ctx.bool('streaming') !== true) return;
    yield {
      message: `\`save_strategy: epoch\` does not work with \`streaming: true\`: a streaming dataset has no length, so ms-swift cannot tell where an epoch ends and stops with a ValueError once the dataset is prepared (before training starts). Save every \`save_steps\` iterations instead.`,
      key: 'save_strategy',
      fixes: [ctx.setValueFix('save_strategy', 'steps', 'Set `save_strategy: steps`', true)],
      related: relatedKeys(ctx, ['streaming']),
    };
  },
};

export const streamingValRequiresEvalIters: Rule = {
  id: 'streaming-val-requires-eval-iters',
  title: 'Streaming validation set needs eval_iters',
  area: 'iterations',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [`${INIT_ITERS}:1058-1067`],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.bool('streaming') !== true) return;
    const val = ctx.list('val_dataset');
    if (!val || val.length === 0) return;
    const evalIters = ctx.int('eval_iters');
    if (evalIters === undefined || evalIters >= 0) return;
    const set = ctx.isSet('eval_iters');
    yield {
      message: `\`val_dataset\` is streamed (\`streaming: true\`), so ms-swift cannot derive the number of evaluation iterations from its length${set ? ` (\`eval_iters\` ${evalIters} asks it to)` : ' (`eval_iters` is not set, and its default -1 means "derive it")'} and stops with a ValueError once the dataset is prepared. Set \`eval_iters\` to the number of batches to evaluate.`,
      key: set ? 'eval_iters' : 'val_dataset',
      fixes: [ctx.setValueFix('eval_iters', '100', `${set ? 'Set' : 'Add'} \`eval_iters: 100\` (adjust to the size of the validation set)`, true)],
      related: relatedKeys(ctx, ['streaming', ...(set ? ['val_dataset'] : [])]),
    };
  },
};

export const saveStrategyEpochOverridesSteps: Rule = {
  id: 'save-strategy-epoch-overrides-steps',
  title: 'save_strategy epoch overrides save_steps/eval_steps',
  area: 'iterations',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [`${INIT_ITERS}:1044-1048`],
  *check(ctx): Iterable<Finding> {
    if (rayDelegated(ctx)) return;
    if (ctx.str('save_strategy') !== 'epoch') return;
    // with streaming, ms-swift stops instead (streaming-save-strategy-epoch)
    if (ctx.bool('streaming') !== false) return;
    for (const key of ['save_steps', 'eval_steps']) {
      if (!ctx.isSet(key)) continue;
      const v = ctx.value(key);
      if (typeof v !== 'number') continue;
      const fix = removeKeyFix(ctx, key, `Remove \`${key}\``, true);
      yield {
        message: `\`${key}\` ${v} is ignored: with \`save_strategy: epoch\`, ms-swift sets both save_steps and eval_steps to the length of one epoch once the dataset is loaded, without a message. Remove it, or use \`save_strategy: steps\` to keep it.`,
        key,
        tags: ['unnecessary'],
        fixes: fix ? [fix, ctx.setValueFix('save_strategy', 'steps', 'Set `save_strategy: steps` (keep the step interval)')] : [ctx.setValueFix('save_strategy', 'steps', 'Set `save_strategy: steps`')],
        related: relatedKeys(ctx, ['save_strategy']),
      };
    }
  },
};
