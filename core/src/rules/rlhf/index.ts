// Rules of the 'rlhf' area (see reference/constraints.md): `megatron rlhf` with GRPO/GKD. Rules that cannot be
// checked statically are listed in notCheckable with the reason.
import { Rule } from '../types';
import * as batch from './batch';
import * as options from './options';

export const rules: readonly Rule[] = [...batch.rules, ...options.rules];

export const notCheckable: Readonly<Record<string, string>> = {};
