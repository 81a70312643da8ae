// Rules of the 'attention' area (see reference/constraints.md). Rules that cannot be checked statically are
// listed in notCheckable with the reason.
import { Rule } from '../types';
import * as backend from './backend';
import * as determinism from './determinism';

export const rules: readonly Rule[] = [...backend.rules, ...determinism.rules];

export const notCheckable: Readonly<Record<string, string>> = {};
