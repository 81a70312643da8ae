// Rules of the 'rlhf' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';

export const rules: readonly Rule[] = [];

export const notCheckable: Readonly<Record<string, string>> = {};
