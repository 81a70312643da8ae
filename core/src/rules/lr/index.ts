// Rules of the 'lr' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { lrWarmupInitNotAboveLr, minLrNotAboveLr } from './peak-lr';
import { lrWarmupFractionOverridesIters, lrWarmupShorterThanDecay } from './warmup';
import { lrDecayItersShorterThanTrain, wsdRequiresDecayIters } from './decay';

export const rules: readonly Rule[] = [
  minLrNotAboveLr,
  lrWarmupInitNotAboveLr,
  lrWarmupShorterThanDecay,
  lrWarmupFractionOverridesIters,
  wsdRequiresDecayIters,
  lrDecayItersShorterThanTrain,
];

export const notCheckable: Readonly<Record<string, string>> = {};
