// Rules about GPU memory (from the memory estimate).
import { Rule } from '../types';
import { estimatedOom } from './estimated-oom';

export const rules: readonly Rule[] = [estimatedOom];

export const notCheckable: Readonly<Record<string, string>> = {};
