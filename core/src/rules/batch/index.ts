// Rules of the 'batch' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { globalBatchDivisibleByMicroTimesDp } from './global-batch';
import { batchSizesPositive } from './positive';

export const rules: readonly Rule[] = [globalBatchDivisibleByMicroTimesDp, batchSizesPositive];

export const notCheckable: Readonly<Record<string, string>> = {};
