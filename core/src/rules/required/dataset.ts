// ms-swift 4.5.2 refuses to start training without a dataset (raw or cached).
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { MEGATRON_TRAIN_COMMANDS, Rule } from '../types';

function nonEmpty(ctx: RuleContext, name: string): boolean {
  if (!ctx.spec(name)) return false;
  const v = ctx.value(name);
  if (Array.isArray(v)) return v.some((x) => !(typeof x === 'string' && x.trim() === ''));
  if (typeof v === 'string') return v.trim() !== '';
  return v !== null && v !== undefined;
}

export const datasetRequired: Rule = {
  id: 'dataset-required',
  title: 'No training dataset',
  area: 'arguments',
  severity: { '4.5.2': 'error' },
  commands: MEGATRON_TRAIN_COMMANDS,
  stage: { '4.5.2': 'args' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:45-47'],
  *check(ctx) {
    // with use_ray the training arguments live in the Ray YAML named by --config
    if (ctx.command === 'megatron rlhf' && ctx.bool('use_ray') === true) return;
    if (nonEmpty(ctx, 'dataset') || nonEmpty(ctx, 'cached_dataset')) return;
    // the value is there but could not be read (another rule reports it)
    for (const n of ['dataset', 'cached_dataset']) if (ctx.isSet(n) && ctx.value(n) === undefined) return;
    yield {
      message:
        `No training data: both \`dataset\` and \`cached_dataset\` are empty, and ms-swift ${ctx.version} stops with a ValueError asking for a ` +
        `training dataset; it ${stageText('args', ctx.version)}. Add \`dataset\` (e.g. \`AI-ModelScope/alpaca-gpt4-data-en#500\`, a local ` +
        `file or folder) or \`cached_dataset\` (a folder written by \`swift export --to_cached_dataset true\`).`,
      key: ctx.isSet('cached_dataset') && !ctx.isSet('dataset') ? 'cached_dataset' : 'dataset',
    };
  },
};
