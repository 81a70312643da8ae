// Streaming datasets: worker counts, the 3.4.1 external dataloader, cached datasets and the validation split.
import { Finding, Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { stageText } from '../shared/stages';
import { removeFix } from '../checkpoint/files';

/** the dataloader worker argument of the version */
function workersKey(version: string): 'num_workers' | 'dataloader_num_workers' {
  return version === '3.4.1' ? 'num_workers' : 'dataloader_num_workers';
}

export const streamingForcesSingleWorker: Rule = {
  id: 'streaming-forces-single-worker',
  title: 'Streaming uses at most one dataloader worker',
  area: 'data',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:49-53', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_base_args.py:44-47'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('streaming') !== true) return;
    const key = workersKey(ctx.version);
    // only a worker count the user chose is overridden "behind their back"; the default is reduced silently by design
    const n = ctx.isSet(key) ? ctx.int(key) : undefined;
    if (n !== undefined && n > 1) {
      yield {
        key,
        range: ctx.valueRange(key),
        message: `\`${key}: ${n}\` is ignored with \`streaming: true\`: ms-swift reads a streaming dataset with a single worker and sets \`${key}\` to 1 (logged).`,
        fixes: [ctx.setValueFix(key, '1', `Set \`${key}: 1\``, true)],
      };
    }
    if (ctx.version === '3.4.1' && ctx.isSet('dataloader_type')) {
      const t = ctx.str('dataloader_type');
      if (t !== undefined && t !== 'external') {
        const fixes: Fix[] = [];
        const rm = removeFix(ctx, 'dataloader_type', 'Remove `dataloader_type`', true);
        if (rm) fixes.push(rm);
        fixes.push(ctx.setValueFix('dataloader_type', 'external', 'Set `dataloader_type: external`', !rm));
        yield {
          key: 'dataloader_type',
          range: ctx.valueRange('dataloader_type'),
          message: `\`dataloader_type: ${t}\` is ignored with \`streaming: true\`: ms-swift 3.4.1 always sets it to \`external\` for streaming datasets.`,
          fixes,
        };
      }
    }
  },
};

export const streamingZeroWorkersV3: Rule = {
  id: 'streaming-zero-workers-v3',
  title: '3.4.1 streaming dataloader needs at least one worker',
  area: 'data',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'dataloader' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v3.4.1:swift/megatron/train/utils.py:32-42', 'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:19-20'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('streaming') !== true || ctx.int('num_workers') !== 0) return;
    const prefetch = ctx.int('dataloader_prefetch_factor');
    const persistent = ctx.bool('dataloader_persistent_workers');
    const opts = [`\`prefetch_factor=${prefetch ?? 10}\``, persistent ? '`persistent_workers=True`' : ''].filter(Boolean).join(' and ');
    yield {
      key: ctx.isSet('num_workers') ? 'num_workers' : 'streaming',
      range: ctx.isSet('num_workers') ? ctx.valueRange('num_workers') : undefined,
      message:
        `\`num_workers: 0\` with \`streaming: true\`: ms-swift 3.4.1 builds the streaming DataLoader with ${opts}, which PyTorch ` +
        `rejects without worker processes (ValueError). This ${stageText('dataloader', ctx.version)}.`,
      fixes: [ctx.setValueFix('num_workers', '1', 'Set `num_workers: 1`', true)],
    };
  },
};

export const externalDataloaderRequiresStreaming: Rule = {
  id: 'external-dataloader-requires-streaming',
  title: 'dataloader_type external without streaming',
  area: 'data',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'first-step' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/legacy/data/data_samplers.py:38-41',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/training.py:2426-2431',
    'modelscope/ms-swift@v3.4.1:swift/megatron/train/patcher.py:53-58',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('dataloader_type') !== 'external' || ctx.bool('streaming') !== false) return;
    const fixes: Fix[] = [ctx.setValueFix('dataloader_type', 'cyclic', 'Set `dataloader_type: cyclic` (the default)', true)];
    if ((ctx.int('num_workers') ?? 0) >= 1) fixes.push(ctx.setValueFix('streaming', 'true', 'Set `streaming: true`'));
    yield {
      key: 'dataloader_type',
      range: ctx.valueRange('dataloader_type'),
      message:
        '`dataloader_type: external` is only for streaming datasets: without `streaming: true` Megatron hands the tokenized dataset ' +
        'itself to the training loop as the "data iterator" and ms-swift attaches no collator, so fetching the first batch fails. ' +
        `This ${stageText('first-step', ctx.version)}.`,
      fixes,
    };
  },
};

export const cachedDatasetNoStreaming: Rule = {
  id: 'cached-dataset-no-streaming',
  title: 'cached_dataset cannot stream',
  area: 'data',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'dataset-ready' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/pipelines/train/sft.py:100-102'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('streaming') !== true) return;
    const cached = ['cached_dataset', 'cached_val_dataset'].filter((k) => (ctx.list(k) ?? []).length > 0);
    if (cached.length === 0) return;
    const fixes: Fix[] = [];
    const rm = removeFix(ctx, 'streaming', 'Remove `streaming: true`', true);
    fixes.push(rm ?? ctx.setValueFix('streaming', 'false', 'Set `streaming: false`', true));
    yield {
      key: ctx.isSet('streaming') ? 'streaming' : cached[0],
      related: cached.filter((k) => ctx.entry(k)).map((k) => ({ range: ctx.keyRange(k), message: `\`${k}\` is set here` })),
      message:
        `${cached.map((k) => `\`${k}\``).join(' and ')} cannot be streamed: a cached (pre-tokenized) dataset is loaded from disk as a whole, ` +
        'and ms-swift asserts `streaming` is off when it starts preparing the data (an AssertionError once the model and template are set up).',
      fixes,
    };
  },
};

export const streamingDisablesValSplit: Rule = {
  id: 'streaming-disables-val-split',
  title: 'streaming disables the automatic validation split',
  area: 'data',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v3.4.1:swift/llm/argument/base_args/data_args.py:71-77', 'modelscope/ms-swift@v4.5.2:swift/arguments/base_args/data_args.py:111-117'],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('streaming') !== true) return;
    const ratio = ctx.num('split_dataset_ratio');
    if (ratio === undefined || !(ratio > 0)) return;
    if ((ctx.list('val_dataset') ?? []).length > 0) return;
    const set = ctx.isSet('split_dataset_ratio');
    yield {
      key: set ? 'split_dataset_ratio' : 'streaming',
      range: set ? ctx.valueRange('split_dataset_ratio') : undefined,
      message:
        `With \`streaming: true\` ms-swift sets \`split_dataset_ratio\` (${ratio}${set ? '' : ', the default'}) to 0: a streamed ` +
        'dataset cannot be split, so this run has no validation set. Give one with `val_dataset` to evaluate.',
      fixes: [ctx.setValueFix('split_dataset_ratio', '0', 'Set `split_dataset_ratio: 0` (no validation split)', true)],
    };
  },
};
