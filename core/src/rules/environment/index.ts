import { Rule } from '../types';
import { envUnknownVar } from './unknown-var';
import { envChangesProgramLoading } from './loader-risk';

export const environmentRules: readonly Rule[] = [envUnknownVar, envChangesProgramLoading];
