// Parallelism rules (pp-vpp-expert) — see reference/constraints.md.
import { Rule } from '../types';

export const rules: readonly Rule[] = [];

export const notCheckable: Readonly<Record<string, string>> = {};
