// The msSwiftStudio.* settings the server reads (workspace/configuration), with safe fallbacks.
import { CheckOptions, RuleSetting } from '../../core/src/check';
import { isCommandName } from '../../core/src/config/context';

export interface ServerSettings {
  defaultCommand?: string | null;
  msSwiftVersion?: string | null;
  /** rule id -> 'off' | severity */
  rules?: Record<string, string>;
  /** characters; documents above get syntax-only checking */
  maxDocumentSize?: number;
  visibleGpus?: number | null;
  /** memory of one GPU in GiB, when nvidia-smi cannot tell (or to plan for another machine) */
  gpuMemoryGiB?: number | null;
  language?: 'auto' | 'en' | 'zh-cn' | null;
}

const SEVERITIES = new Set(['off', 'error', 'warning', 'info', 'hint']);

export function checkOptionsFrom(settings: ServerSettings | undefined): CheckOptions {
  const options: CheckOptions = {};
  if (!settings) return options;
  const command = settings.defaultCommand ?? undefined;
  const version = settings.msSwiftVersion ?? undefined;
  options.settings = {};
  if (command && isCommandName(command)) options.settings.command = command;
  if (version) options.settings.version = version;
  if (settings.rules && typeof settings.rules === 'object') {
    const rules: Record<string, RuleSetting> = {};
    for (const [k, v] of Object.entries(settings.rules)) if (typeof v === 'string' && SEVERITIES.has(v)) rules[k] = v as RuleSetting;
    options.rules = rules;
  }
  if (typeof settings.maxDocumentSize === 'number' && settings.maxDocumentSize > 0) options.maxDocumentSize = settings.maxDocumentSize;
  if (typeof settings.visibleGpus === 'number' && settings.visibleGpus > 0) options.launch = { visibleGpus: settings.visibleGpus };
  if (typeof settings.gpuMemoryGiB === 'number' && settings.gpuMemoryGiB > 0) options.gpuMemoryGiB = settings.gpuMemoryGiB;
  return options;
}
