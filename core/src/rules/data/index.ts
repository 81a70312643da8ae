// Rules of the 'data' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
import { Rule } from '../types';
import {
  cachedDatasetNoStreaming,
  externalDataloaderRequiresStreaming,
  streamingDisablesValSplit,
  streamingForcesSingleWorker,
  streamingZeroWorkersV3,
} from './streaming';
import {
  groupByLengthDisablesDataSharding,
  groupByLengthRequiresNoPaddingFree,
  groupByLengthRequiresShuffle,
  lazyTokenizeVsPackingStreaming,
  packingForcesPaddingFree,
  templateMustSupportPaddingFree,
  truncationSplitPretrainOnly,
} from './packing';

export const rules: readonly Rule[] = [
  streamingForcesSingleWorker,
  streamingZeroWorkersV3,
  externalDataloaderRequiresStreaming,
  packingForcesPaddingFree,
  lazyTokenizeVsPackingStreaming,
  groupByLengthRequiresNoPaddingFree,
  groupByLengthRequiresShuffle,
  groupByLengthDisablesDataSharding,
  templateMustSupportPaddingFree,
  truncationSplitPretrainOnly,
  cachedDatasetNoStreaming,
  streamingDisablesValSplit,
];

export const notCheckable: Readonly<Record<string, string>> = {};
