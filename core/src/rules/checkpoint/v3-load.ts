// ms-swift 3.4.1 trains only from Megatron checkpoints given by `load`: a run without one starts from uninitialized
// memory, and a weights-only checkpoint must be loaded with `finetune: true`.
import { Finding, Fix, Rule } from '../types';
import { stageText } from '../shared/stages';
import { describe, hasOptimizerState, hasRngState, inspectAbs, inspectPath, isConverted, yamlPath } from './files';

export const v3TrainingWithoutLoad: Rule = {
  id: 'v3-training-without-load',
  title: '3.4.1 run without `load` trains uninitialized weights',
  area: 'checkpoint',
  severity: { '3.4.1': 'warning' },
  stage: { '3.4.1': 'silent' },
  commands: ['megatron sft', 'megatron pt'],
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:75-80',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:1930-1934',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/extensions/transformer_engine.py:62-64',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/training.py:1159',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.str('load')) return;
    // no_initialization: false = random initialization (pre-training from scratch) is intended
    if (ctx.bool('no_initialization') !== true) return;
    const model = ctx.str('model');
    const key = model && ctx.isSet('model') ? 'model' : 'load';
    const fixes: Fix[] = [];
    // a converted checkpoint of this model next to the config: offer to load it
    if (model && ctx.files) {
      const name = model.replace(/[\\/]+$/, '').split('/').pop()!;
      for (const cand of [`${name}-mcore`, `./${name}-mcore`]) {
        const abs = ctx.resolvePath(cand);
        if (!abs) break;
        const c = inspectAbs(ctx, 'load', cand, abs);
        if (!c?.hasTracker) continue;
        const pairs: Array<[string, string]> = [['load', yamlPath(cand)]];
        if (ctx.bool('finetune') !== true) pairs.push(['finetune', 'true']);
        const edits = ctx.setValuesEdits(pairs);
        fixes.push({ title: `Load the converted checkpoint \`${cand}\` (with \`finetune: true\`)`, edits, preferred: true });
        break;
      }
    }
    fixes.push(ctx.setValueFix('no_initialization', 'false', 'Set `no_initialization: false` (train from randomly initialized weights)'));
    const what = model ? `\`model: ${model}\` only names the architecture and tokenizer` : 'No checkpoint is loaded';
    yield {
      key,
      message:
        `${what}: Megatron-SWIFT 3.4.1 never reads Hugging Face weights during training, it loads weights only from a Megatron ` +
        `checkpoint given by \`load\` (made with \`swift export --to_mcore true\`). Without \`load\`, and with \`no_initialization\` ` +
        'left at true, training starts from uninitialized memory and produces garbage; nothing reports an error.',
      fixes,
    };
  },
};

export const v3LoadWithoutFinetune: Rule = {
  id: 'v3-load-without-finetune',
  title: 'Loading a converted/weights-only checkpoint without finetune',
  area: 'checkpoint',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'checkpoint-load' },
  commands: ['megatron sft', 'megatron pt'],
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/utils/convert.py:50-60',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/checkpointing.py:1244-1245',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/checkpointing.py:1390-1424',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/checkpointing.py:1438-1470',
  ],
  *check(ctx): Iterable<Finding> {
    if (ctx.bool('finetune') !== false) return;
    const c = inspectPath(ctx, 'load');
    if (!c || !c.hasTracker) return;
    const noLoadOptim = ctx.bool('no_load_optim');
    const noLoadRng = ctx.bool('no_load_rng');
    const optim = hasOptimizerState(c);
    const rng = hasRngState(c);
    const optimFails = optim === false && noLoadOptim === false;
    const rngFails = rng === false && noLoadRng === false;
    if (!optimFails && !rngFails) return;
    const missing = [optimFails ? 'optimizer' : '', rngFails ? 'RNG' : ''].filter(Boolean).join(' and ');
    const how = isConverted(c)
      ? 'it was written by `swift export --to_mcore`, which saves weights only'
      : `its args.json shows it was saved with ${[optim === false ? '`no_save_optim: true`' : '', rng === false ? '`no_save_rng: true`' : ''].filter(Boolean).join(' and ')}`;
    const consequence = optimFails
      ? 'Megatron raises a KeyError for the missing optimizer state'
      : 'Megatron finds no RNG state and exits (status 0, so the launcher reports success)';
    const fixes: Fix[] = [ctx.setValueFix('finetune', 'true', 'Set `finetune: true` (load the weights only, start at step 0)', true)];
    const skip = [optim === false ? 'no_load_optim' : '', rng === false ? 'no_load_rng' : ''].filter(Boolean);
    fixes.push({
      title: `Keep resuming but skip the missing state (${skip.map((k) => `\`${k}: true\``).join(', ')})`,
      edits: ctx.setValuesEdits(skip.map((k): [string, string] => [k, 'true'])),
    });
    const iter = typeof c.iteration === 'number' ? ` Without \`finetune\` the step counter also resumes at ${c.iteration}.` : '';
    yield {
      key: ctx.isSet('finetune') ? 'finetune' : 'load',
      message:
        `${describe(c)} has no ${missing} state (${how}), but \`finetune\` is false (the 3.4.1 default), so Megatron tries to ` +
        `restore it: ${consequence}. This ${stageText('checkpoint-load', ctx.version)}, after tokenization and model build.${iter}`,
      fixes,
    };
  },
};
