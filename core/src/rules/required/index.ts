// Rules of the 'required' area (see reference/constraints.md): the arguments a run cannot do without (the
// constraints' area is 'arguments'). Rules that cannot be checked statically are listed in notCheckable with the
// reason.
import { Rule } from '../types';
import { modelRequired, modelTypeUnsupported } from './model';
import { datasetRequired } from './dataset';

export const rules: readonly Rule[] = [modelRequired, modelTypeUnsupported, datasetRequired];

export const notCheckable: Readonly<Record<string, string>> = {};
