// Rules of the 'parallelism' area, in two groups (tensor/sequence/context parallel and model shape; pipeline,
// virtual pipeline and expert parallel).
import { Rule } from '../types';
import * as a from './tp-sp-cp';
import * as b from './pp-vpp-expert';

export const rules: readonly Rule[] = [...a.rules, ...b.rules];

export const notCheckable: Readonly<Record<string, string>> = { ...a.notCheckable, ...b.notCheckable };
