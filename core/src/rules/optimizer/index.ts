// Rules of the 'optimizer' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { megatronFsdpCudaDeviceMaxConnections, megatronFsdpForcesDistributedOptimizer, megatronFsdpOptimizerChoice } from './megatron-fsdp';
import { muonDisablesDistributedOptimizer, muonNoOverlap } from './muon';
import { overlapParamGatherRequiresDistributedOptimizer, overlapParamGatherRequiresOverlapGradReduce } from './overlap';
import { weightDecayIncrStyleBounds } from './weight-decay';

export const rules: readonly Rule[] = [
  overlapParamGatherRequiresDistributedOptimizer,
  overlapParamGatherRequiresOverlapGradReduce,
  megatronFsdpForcesDistributedOptimizer,
  megatronFsdpOptimizerChoice,
  megatronFsdpCudaDeviceMaxConnections,
  muonNoOverlap,
  muonDisablesDistributedOptimizer,
  weightDecayIncrStyleBounds,
];

export const notCheckable: Readonly<Record<string, string>> = {};
