// Parallelism rules (tp-sp-cp): world size vs TP x PP x CP, TP vs the model's shape, sequence parallelism, and the
// sequence length vs CP and position embeddings — see reference/constraints.md.
import { Rule } from '../../types';
import { worldSizeDivisibleByTpPpCp } from './world-size';
import {
  hiddenSizeDivisibleByHeads,
  tpCpDividesLinearAttentionHeads,
  tpDividesAttentionHeads,
  tpDividesFfnHiddenSize,
  tpDividesVocabSize,
  tpVsQueryGroups,
} from './model-shape';
import {
  epTpRequiresSequenceParallel,
  moeTpRequiresSequenceParallel,
  sequenceParallelRequiresTp,
  tpCommOverlapRequiresSequenceParallel,
} from './sequence-parallel';
import { cpSeqLengthMultiple, seqLengthExceedsMaxPositionEmbeddings } from './seq-length';

export const rules: readonly Rule[] = [
  worldSizeDivisibleByTpPpCp,
  tpDividesAttentionHeads,
  tpVsQueryGroups,
  hiddenSizeDivisibleByHeads,
  tpDividesVocabSize,
  tpDividesFfnHiddenSize,
  tpCpDividesLinearAttentionHeads,
  sequenceParallelRequiresTp,
  tpCommOverlapRequiresSequenceParallel,
  moeTpRequiresSequenceParallel,
  epTpRequiresSequenceParallel,
  cpSeqLengthMultiple,
  seqLengthExceedsMaxPositionEmbeddings,
];

/** Every rule of this group can be checked statically (silently when a fact is unknown). */
export const notCheckable: Readonly<Record<string, string>> = {};
