// GPU memory per rank for Megatron-SWIFT configs ("will it fit?"): the estimator, the config adapter, the fit verdict
// and what-if estimates for quick fixes.
export * from './types';
export { estimateMemory, estimateStages, StageDetail } from './estimate';
export {
  buildEstimateInput,
  BuiltInput,
  ConfigFacts,
  configContext,
  EstimateConfigOptions,
  estimateForConfig,
  estimateInputForConfig,
  safeEstimate,
} from './config';
export { fitsOn, FitOptions, FitVerdict } from './fit';
export { whatIf, whatIfFromInput, whatIfs, WhatIf, WhatIfKind, WHAT_IF_KINDS } from './whatif';
export { EstimateInputError, GIB, MIB } from './terms';
