// Rules of the 'iterations' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { numTrainEpochsOverridesTrainIters, trainItersOrEpochsRequired, trainItersRequiredV3 } from './train-iters';
import {
  saveStrategyEpochOverridesSteps,
  streamingRequiresTrainIters,
  streamingSaveStrategyEpoch,
  streamingValRequiresEvalIters,
} from './streaming-epochs';

export const rules: readonly Rule[] = [
  trainItersRequiredV3,
  trainItersOrEpochsRequired,
  numTrainEpochsOverridesTrainIters,
  streamingRequiresTrainIters,
  streamingSaveStrategyEpoch,
  streamingValRequiresEvalIters,
  saveStrategyEpochOverridesSteps,
];

export const notCheckable: Readonly<Record<string, string>> = {};
