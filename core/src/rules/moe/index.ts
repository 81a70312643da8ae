// Rules of the 'moe' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import * as dispatcher from './dispatcher';
import * as capacity from './capacity';
import * as router from './router';

export const rules: readonly Rule[] = [...dispatcher.rules, ...capacity.rules, ...router.rules];

export const notCheckable: Readonly<Record<string, string>> = {};
