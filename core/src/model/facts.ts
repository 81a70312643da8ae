// Architecture facts of a model (from its config.json, or the bundled table of popular models).
import type { RuleContext } from '../rules/context';

export interface ModelFacts {
  /** where the facts came from, for hovers and messages (e.g. "~/.cache/modelscope/.../config.json") */
  origin: string;
  /** for the bundled table: what the numbers were checked against */
  source?: string;
  modelType?: string;
  numLayers?: number;
  hiddenSize?: number;
  ffnHiddenSize?: number;
  numAttentionHeads?: number;
  numQueryGroups?: number;
  headDim?: number;
  vocabSize?: number;
  maxPositionEmbeddings?: number;
  numExperts?: number;
  moeRouterTopk?: number;
  moeFfnHiddenSize?: number;
  sharedExpertIntermediateSize?: number;
  normTopkProb?: boolean;
  kvLoraRank?: number;
  torchDtype?: string;
  tieWordEmbeddings?: boolean;
  linearNumKeyHeads?: number;
  linearNumValueHeads?: number;
  firstKDenseReplace?: number;
  /** the whole config.json (text_config merged in), for rules that need another field */
  raw?: Record<string, unknown>;
}

/** Finds the facts for the model a config names; returns undefined when they cannot be known. */
export type ModelFactsProvider = (ctx: RuleContext) => ModelFacts | undefined;
