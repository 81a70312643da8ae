// Rules of the 'recompute' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { granularityRules } from './granularity';
import { moduleRules } from './modules';
import { recomputeUniformDividesStageLayers } from './uniform-stage-layers';

export const rules: readonly Rule[] = [...granularityRules, recomputeUniformDividesStageLayers, ...moduleRules];

export const notCheckable: Readonly<Record<string, string>> = {};
