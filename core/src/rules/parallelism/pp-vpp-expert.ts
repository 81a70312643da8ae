// Parallelism rules (pp-vpp-expert) — see reference/constraints.md: pipeline split, virtual pipeline stages and
// their schedule, expert parallelism. The modules live in ./pp-vpp-expert/; ./pp-vpp-expert/stages.ts exports
// pipelineLayers(ctx) (the decoder layers on every pipeline rank / virtual stage) for other rules.
import { Rule } from '../types';
import { pipelineRules } from './pp-vpp-expert/pipeline';
import { scheduleRules } from './pp-vpp-expert/schedule';
import { expertRules } from './pp-vpp-expert/experts';

export { pipelineLayers, evaluatePipeline, parseLayout } from './pp-vpp-expert/stages';
export type { PipelineSplit, PipelineInput } from './pp-vpp-expert/stages';

export const rules: readonly Rule[] = [...pipelineRules, ...scheduleRules, ...expertRules];

export const notCheckable: Readonly<Record<string, string>> = {};
