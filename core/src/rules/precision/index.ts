// Rules of the 'precision' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import { gradientAccumulationFusionRequiresApex } from './apex';
import {
  bf16Fp32GradReduce,
  fp16Bf16Exclusive,
  fp16DynamicLossScale,
  fp16EnablesQkLayerScaling,
  groupedGemmRequiresBf16Ampere,
  torchDtypeFloat32SelectsFp16,
} from './fp16-bf16';
import { fp8Fp4ParamGatherAndExclusivity } from './fp8-fp4';
import { optimizerCpuOffloadNeedsPrecisionAware, precisionAwareOptimizerRequirements } from './precision-aware-optimizer';

export const rules: readonly Rule[] = [
  fp16Bf16Exclusive,
  torchDtypeFloat32SelectsFp16,
  fp16DynamicLossScale,
  fp16EnablesQkLayerScaling,
  bf16Fp32GradReduce,
  groupedGemmRequiresBf16Ampere,
  fp8Fp4ParamGatherAndExclusivity,
  precisionAwareOptimizerRequirements,
  optimizerCpuOffloadNeedsPrecisionAware,
  gradientAccumulationFusionRequiresApex,
];

export const notCheckable: Readonly<Record<string, string>> = {};
