// Rules of the 'checkpoint' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { checkpointPathMustExist, exportOutputDirExists, v3LoadDirMissingTracker } from './paths';
import { v3LoadWithoutFinetune, v3TrainingWithoutLoad } from './v3-load';
import { finetuneDefaultAndResume, loadFlagsWithoutCheckpoint, resumeNeedsOptimizerState, resumeTpPpChangeWithDistributedOptimizer } from './resume';
import { applyWdToQkLayernormModelType, ckptFormatZarrDeprecated, freezeParametersRatioWithPp, saveTotalLimitConstraints } from './options';
import { adaptersSwitchToLora, loraLlmRequirements } from './tuner';

export const rules: readonly Rule[] = [
  checkpointPathMustExist,
  v3TrainingWithoutLoad,
  v3LoadDirMissingTracker,
  v3LoadWithoutFinetune,
  resumeNeedsOptimizerState,
  resumeTpPpChangeWithDistributedOptimizer,
  finetuneDefaultAndResume,
  loadFlagsWithoutCheckpoint,
  ckptFormatZarrDeprecated,
  saveTotalLimitConstraints,
  loraLlmRequirements,
  adaptersSwitchToLora,
  freezeParametersRatioWithPp,
  applyWdToQkLayernormModelType,
  exportOutputDirExists,
];

export const notCheckable: Readonly<Record<string, string>> = {};
