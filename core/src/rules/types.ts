// The contract between the rule engine and the small rule modules.
import { CommandName, KnownVersion } from '../catalog/schema';
import { Range } from '../text/positions';
import type { RuleContext } from './context';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type Area =
  | 'document'
  | 'arguments'
  | 'environment'
  | 'launcher'
  | 'parallelism'
  | 'batch'
  | 'recompute'
  | 'precision'
  | 'optimizer'
  | 'lr'
  | 'iterations'
  | 'checkpoint'
  | 'data'
  | 'attention'
  | 'moe'
  | 'rlhf'
  | 'memory';

/** When in a run the real software fails (from reference/constraints.md). */
export type Stage =
  | 'launch'
  | 'args'
  | 'dataset-ready'
  | 'megatron-init'
  | 'model-build'
  | 'optimizer-setup'
  | 'checkpoint-load'
  | 'trainer-init'
  | 'dataloader'
  | 'first-step'
  | 'silent'
  | 'runtime';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A repair offered as a quick fix: applying every edit (they do not overlap) makes the change. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** the fix most users want (VS Code's preferred quick fix) */
  preferred?: boolean;
}

export interface Finding {
  message: string;
  /** the argument (or ENV variable) the finding is about; its key range is used when no range is given */
  key?: string;
  range?: Range;
  /** overrides the rule's severity for this finding */
  severity?: Severity;
  fixes?: Fix[];
  /** other places that explain the finding */
  related?: Array<{ range: Range; message: string }>;
  /** marks the finding as being about unnecessary or deprecated text (rendered faded / struck through) */
  tags?: Array<'unnecessary' | 'deprecated'>;
}

export interface Rule {
  /** stable id, used as the diagnostic code (the constraint id from reference/constraints.json where there is one) */
  id: string;
  title: string;
  area: Area;
  /** severity in each version the rule applies to; a version missing here means the rule does not apply */
  severity: Partial<Record<KnownVersion, Severity>>;
  /** the commands the rule applies to; all commands when absent */
  commands?: readonly CommandName[];
  /** where the real software checks it, as repository@ref:path:lines */
  sources: readonly string[];
  stage?: Partial<Record<KnownVersion, Stage>>;
  check(ctx: RuleContext): Iterable<Finding>;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** the argument name (or ENV variable) the diagnostic is about */
  key?: string;
  source: 'ms-swift-studio';
  fixes?: Fix[];
  related?: Array<{ range: Range; message: string }>;
  tags?: Array<'unnecessary' | 'deprecated'>;
}

export const MEGATRON_COMMANDS: readonly CommandName[] = ['megatron sft', 'megatron pt', 'megatron rlhf', 'megatron export'];
export const MEGATRON_TRAIN_COMMANDS: readonly CommandName[] = ['megatron sft', 'megatron pt', 'megatron rlhf'];
