// Plain words for when in a run a mistake blows up (the `stage` of a constraint), per version.
import { KnownVersion } from '../../catalog/schema';
import { Stage } from '../types';

const TEXT: Record<Stage, Partial<Record<KnownVersion, string>> & { any: string }> = {
  launch: { any: 'fails at launch, before training starts' },
  args: { any: 'fails while ms-swift parses the arguments, seconds after launch' },
  'dataset-ready': { any: 'fails after the whole dataset has been loaded and tokenized' },
  'megatron-init': { any: "fails in Megatron-LM's argument checks, after the whole dataset has been tokenized" },
  'model-build': {
    '3.4.1': 'fails when the model is built, after data preprocessing',
    '4.5.2': 'fails when the model is built, before the weights are loaded',
    any: 'fails when the model is built',
  },
  'optimizer-setup': { any: 'fails when the optimizer is set up, after the weights have been loaded' },
  'checkpoint-load': { any: 'fails when the checkpoint is loaded' },
  'trainer-init': { any: 'fails when the rollout engine starts, after the model has been loaded' },
  dataloader: { any: 'fails when the data loader starts, after the model has been loaded' },
  'first-step': { any: 'fails on the first training step, after data preprocessing and model loading' },
  silent: { any: 'no error: the setting is silently changed' },
  runtime: { any: 'fails later, during training' },
};

/** e.g. "fails when the model is built, after data preprocessing" */
export function stageText(stage: Stage | undefined, version: KnownVersion): string {
  if (!stage) return '';
  const t = TEXT[stage];
  return t[version] ?? t.any;
}
