// packing / padding_free / lazy_tokenize / group_by_length / truncation in ms-swift 4.5.2 Megatron training.
import { RuleContext } from '../context';
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule, TextEdit } from '../types';
import { stageText } from '../shared/stages';
import { removeFix } from '../checkpoint/files';
import { templatePaddingFree } from './multimodal';

/** padding_free as ms-swift ends up with it: packing forces it on */
export function effectivePaddingFree(ctx: RuleContext): boolean | undefined {
  if (ctx.bool('packing') === true) return true;
  return ctx.bool('padding_free');
}

/** edits turning padding-free batches off (and packing, which would turn them back on) */
function paddingFreeOffEdits(ctx: RuleContext): TextEdit[] {
  const pairs: Array<[string, string]> = [];
  if (ctx.bool('packing') === true) pairs.push(['packing', 'false']);
  pairs.push(['padding_free', 'false']);
  return ctx.setValuesEdits(pairs);
}

export const packingForcesPaddingFree: Rule = {
  id: 'packing-forces-padding-free',
  title: 'packing implies padding_free',
  area: 'data',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_base_args.py:36-37'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('packing') !== true || !ctx.isSet('padding_free') || ctx.bool('padding_free') !== false) return;
    const fix = removeFix(ctx, 'padding_free', 'Remove `padding_free: false`', true);
    yield {
      key: 'padding_free',
      range: ctx.valueRange('padding_free'),
      message: '`padding_free: false` is ignored: with `packing: true` ms-swift always sets `padding_free` to true (packed sequences are concatenated without padding).',
      tags: ['unnecessary'],
      fixes: fix ? [fix] : [],
    };
  },
};

export const lazyTokenizeVsPackingStreaming: Rule = {
  id: 'lazy-tokenize-vs-packing-streaming',
  title: 'lazy_tokenize cannot be combined with packing or streaming',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/arguments/base_args/base_args.py:126-140'],
  *check(ctx): Iterable<Finding> {
    // left unset, ms-swift turns lazy_tokenize on (multimodal models) only when neither packing nor streaming is on,
    // so only an explicit `lazy_tokenize: true` can clash
    if (ctx.bool('lazy_tokenize') !== true) return;
    const with_ = ['packing', 'streaming'].filter((k) => ctx.bool(k) === true);
    if (with_.length === 0) return;
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'lazy_tokenize', `Remove \`lazy_tokenize\` (ms-swift then tokenizes ahead, as ${with_.join(' and ')} need${with_.length > 1 ? '' : 's'})`, true);
    fixes.push(rm ?? ctx.setValueFix('lazy_tokenize', 'false', 'Set `lazy_tokenize: false`', true));
    yield {
      key: 'lazy_tokenize',
      range: ctx.valueRange('lazy_tokenize'),
      related: with_.filter((k) => ctx.entry(k)).map((k) => ({ range: ctx.keyRange(k), message: `\`${k}: true\`` })),
      message:
        `\`lazy_tokenize: true\` cannot be combined with ${with_.map((k) => `\`${k}: true\``).join(' or ')}: ` +
        `${with_[0] === 'packing' ? 'packing needs every sample tokenized up front to know its length' : 'a streamed dataset is tokenized as it is read'}. ` +
        `ms-swift raises a ValueError and ${stageText('args', ctx.version)}.`,
      fixes,
    };
  },
};

export const groupByLengthRequiresNoPaddingFree: Rule = {
  id: 'group-by-length-requires-no-padding-free',
  title: 'group_by_length needs padding_free: false',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:803-804', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:524'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('group_by_length') !== true || effectivePaddingFree(ctx) !== true) return;
    const packing = ctx.bool('packing') === true;
    const why = packing
      ? '`packing: true` turns `padding_free` on'
      : ctx.isSet('padding_free')
        ? '`padding_free` is true'
        : '`padding_free` is true by default in Megatron-SWIFT';
    const fixes: Fix[] = [
      { title: packing ? 'Set `packing: false` and `padding_free: false`' : 'Set `padding_free: false`', edits: paddingFreeOffEdits(ctx), preferred: true },
    ];
    const rm = removeFix(ctx, 'group_by_length', 'Remove `group_by_length`');
    if (rm) fixes.push(rm);
    const key = packing && ctx.isSet('packing') ? 'packing' : ctx.isSet('padding_free') ? 'padding_free' : 'group_by_length';
    yield {
      key,
      message:
        `\`group_by_length: true\` batches samples of similar length and needs padded batches, but ${why}. ` +
        `ms-swift raises a ValueError and ${stageText('args', ctx.version)}.`,
      fixes,
    };
  },
};

export const groupByLengthRequiresShuffle: Rule = {
  id: 'group-by-length-requires-shuffle',
  title: 'group_by_length needs train_dataloader_shuffle',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataloader' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/trainers/batch_sampler.py:86-92', 'modelscope/ms-swift@v4.5.2:swift/megatron/trainers/base.py:984-994'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('group_by_length') !== true || ctx.bool('train_dataloader_shuffle') !== false) return;
    if (ctx.bool('streaming') === true) return; // a streamed dataset does not go through the length-grouping sampler
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'train_dataloader_shuffle', 'Remove `train_dataloader_shuffle: false` (shuffle, the default)', true);
    fixes.push(rm ?? ctx.setValueFix('train_dataloader_shuffle', 'true', 'Set `train_dataloader_shuffle: true`', true));
    yield {
      key: 'train_dataloader_shuffle',
      range: ctx.valueRange('train_dataloader_shuffle'),
      message:
        '`group_by_length: true` works by shuffling groups of similar length, so it needs `train_dataloader_shuffle: true`: ' +
        `the training sampler raises a ValueError and ${stageText('dataloader', ctx.version)}.`,
      fixes,
    };
  },
};

export const groupByLengthDisablesDataSharding: Rule = {
  id: 'group-by-length-disables-data-sharding',
  title: 'group_by_length turns data_sharding off',
  area: 'data',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'dataloader' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/trainers/batch_sampler.py:86-90'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('group_by_length') !== true || ctx.bool('data_sharding') !== true) return;
    if (ctx.bool('streaming') === true) return;
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'data_sharding', 'Remove `data_sharding: true`', true);
    fixes.push(rm ?? ctx.setValueFix('data_sharding', 'false', 'Set `data_sharding: false`', true));
    yield {
      key: 'data_sharding',
      range: ctx.valueRange('data_sharding'),
      message: '`data_sharding: true` is ignored with `group_by_length: true`: the training sampler sets it to false (with a warning) so it can group samples by length across the whole dataset.',
      fixes,
    };
  },
};

export const templateMustSupportPaddingFree: Rule = {
  id: 'template-must-support-padding-free',
  title: 'padding_free/packing with a template that does not support it',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/pipelines/train/sft.py:71-75'],
  *check(ctx): Iterable<Finding> {
    const packing = ctx.bool('packing') === true;
    const paddingFree = ctx.bool('padding_free') === true;
    if (!packing && !paddingFree) return;
    const t = templatePaddingFree(ctx);
    if (!t || t.paddingFree) return;
    const what = packing ? '`packing: true`' : ctx.isSet('padding_free') ? '`padding_free: true`' : '`padding_free` (true by default in Megatron-SWIFT)';
    const key = packing && ctx.isSet('packing') ? 'packing' : ctx.isSet('padding_free') ? 'padding_free' : ctx.isSet('template') ? 'template' : ctx.isSet('model') ? 'model' : 'padding_free';
    yield {
      key,
      message:
        `${t.what} does not support padding-free batches, which ${what} needs. ms-swift raises a ValueError when it prepares ` +
        `the template (before the dataset is loaded). Set \`padding_free: false\`${packing ? ' and `packing: false`' : ''}.`,
      fixes: [{ title: packing ? 'Set `packing: false` and `padding_free: false`' : 'Set `padding_free: false`', edits: paddingFreeOffEdits(ctx), preferred: true }],
    };
  },
};

export const truncationSplitPretrainOnly: Rule = {
  id: 'truncation-split-pretrain-only',
  title: 'truncation_strategy split is for pre-training only',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/pipelines/train/sft.py:310-313', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/pretrain_args.py:6-9'],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('truncation_strategy') !== 'split') return;
    // GRPO/GKD encode samples during training and never reach this check
    const rlhf = ctx.spec('rlhf_type') ? ctx.str('rlhf_type') : undefined;
    if (rlhf === 'grpo' || rlhf === 'gkd') return;
    const reasons: string[] = [];
    const task = ctx.str('task_type') ?? 'causal_lm';
    if (task !== 'causal_lm') reasons.push(`\`task_type\` is \`${task}\` (split needs \`causal_lm\`)`);
    const chatValue = ctx.value('use_chat_template');
    const chat = typeof chatValue === 'boolean' ? chatValue : true;
    if (chat) reasons.push(ctx.isSet('use_chat_template') ? '`use_chat_template` is true' : `the chat template is used (the \`${ctx.command}\` default; \`megatron pt\` turns it off)`);
    const lazy = ctx.bool('lazy_tokenize') === true;
    if (lazy) reasons.push('`lazy_tokenize` is true');
    if (rlhf) reasons.push(`\`rlhf_type: ${rlhf}\` encodes preference pairs, not plain text`);
    if (reasons.length === 0) return;
    const fixes: Fix[] = [];
    if (task === 'causal_lm' && !rlhf) {
      const pairs: Array<[string, string]> = [];
      if (chat) pairs.push(['use_chat_template', 'false']);
      if (lazy) pairs.push(['lazy_tokenize', 'false']);
      const edits = ctx.setValuesEdits(pairs);
      fixes.push({ title: 'Treat the data as plain text for pre-training (no chat template, no lazy tokenization)', edits, preferred: true });
    }
    const rm = removeFix(ctx, 'truncation_strategy', 'Remove `truncation_strategy: split` (over-long samples are dropped)', fixes.length === 0);
    fixes.push(rm ?? ctx.setValueFix('truncation_strategy', 'delete', 'Set `truncation_strategy: delete`', fixes.length === 0));
    yield {
      key: 'truncation_strategy',
      range: ctx.valueRange('truncation_strategy'),
      message:
        `\`truncation_strategy: split\` cuts long texts into several samples and is only supported for pre-training, but ${reasons.join(', ')}. ` +
        'ms-swift raises a ValueError after loading the dataset, just before tokenizing it.',
      fixes,
    };
  },
};
