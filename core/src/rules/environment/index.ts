import { Rule } from '../types';
import { envUnknownVar } from './unknown-var';

export const environmentRules: readonly Rule[] = [envUnknownVar];
