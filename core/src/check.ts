// The rule engine: parse, decide command and version, run every applicable rule, apply settings and
// `# ms-swift-ignore` comments, and return diagnostics sorted by position.
import { commandCatalog } from './catalog/catalog';
import { ConfigContext, ContextOptions, resolveContext } from './config/context';
import { ConfigDocument, emptyConfigDocument, parseConfig } from './config/parse';
import { LineIndex } from './text/positions';
import { ModelFactsProvider } from './model/facts';
import { RuleContext, RuleEnvironment } from './rules/context';
import { bundledOnlyProvider, createModelFactsProvider } from './model/lookup';
import { allRules } from './rules/registry';
import { Diagnostic, Finding, Rule, Severity } from './rules/types';

export type RuleSetting = 'off' | Severity;

export interface CheckOptions extends ContextOptions, RuleEnvironment {
  /** per-rule override: 'off' or a severity */
  rules?: Record<string, RuleSetting>;
  /** where model architecture facts come from; by default config.json on disk (when files and baseDir are
   *  given) and then the bundled table */
  modelFacts?: ModelFactsProvider;
  /** documents larger than this (characters) get a single diagnostic and syntax-only checking */
  maxDocumentSize?: number;
  /** more rules to run after the built-in ones (tests, extensions) */
  extraRules?: readonly Rule[];
  /** called when a rule throws (the rule is skipped) */
  onRuleError?: (ruleId: string, error: unknown) => void;
}

export interface CheckResult {
  doc: ConfigDocument;
  context: ConfigContext;
  diagnostics: Diagnostic[];
}

export const DEFAULT_MAX_DOCUMENT_SIZE = 4 * 1024 * 1024;

export function checkText(text: string, options: CheckOptions = {}): CheckResult {
  const max = options.maxDocumentSize ?? DEFAULT_MAX_DOCUMENT_SIZE;
  if (text.length > max) return checkTooLarge(text, options, max);
  return checkDocument(parseConfig(text), options);
}

/**
 * A document over the size limit: one diagnostic, and only YAML syntax errors (when it is not absurdly large),
 * so that the editor never freezes on it.
 */
function checkTooLarge(text: string, options: CheckOptions, max: number): CheckResult {
  const lines = new LineIndex(text);
  const doc = emptyConfigDocument(text, lines, false);
  const context = resolveContext(doc, options);
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  const diagnostics: Diagnostic[] = [
    {
      code: 'document-too-large',
      severity: 'warning',
      message: `This document has ${mib(text.length)} M characters, more than the ${mib(max)} M that are checked in full (msSwiftStudio.maxDocumentSize); only YAML syntax is checked.`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(lines.lineText(0).length, 200) } },
      source: 'ms-swift-studio',
    },
  ];
  if (text.length <= 4 * max) {
    const parsed = parseConfig(text, { syntaxOnly: true });
    for (const p of parsed.syntaxErrors.slice(0, 100)) {
      diagnostics.push({ code: 'yaml-syntax', severity: 'error', message: `YAML syntax error: ${p.message}`, range: p.range, source: 'ms-swift-studio' });
    }
  }
  return { doc, context, diagnostics };
}

export function checkDocument(doc: ConfigDocument, options: CheckOptions = {}): CheckResult {
  const context = resolveContext(doc, options);
  const diagnostics: Diagnostic[] = [];
  const catalog = commandCatalog(context.version, context.command);
  const environment = ruleEnvironment(options);
  const modelFacts = modelFactsProvider(options);
  const ctx = catalog ? new RuleContext(doc, context.command, context.version, catalog, environment, modelFacts) : undefined;
  for (const rule of [...allRules(), ...(options.extraRules ?? [])]) {
    if (!appliesTo(rule, context)) continue;
    const setting = options.rules?.[rule.id];
    if (setting === 'off') continue;
    const severity = setting ?? rule.severity[context.version]!;
    if (!ctx) {
      // no catalog for this command in this version: only the document rules can say anything
      if (rule.area !== 'document') continue;
    }
    const runCtx = ctx ?? new RuleContext(doc, context.command, context.version, commandCatalog('4.5.2', 'megatron sft')!, environment);
    let findings: Finding[];
    try {
      findings = [...rule.check(runCtx)];
    } catch (e) {
      // a broken rule must never take the others (or the editor) down: report it once and go on
      options.onRuleError?.(rule.id, e);
      continue;
    }
    for (const f of findings) {
      const d: Diagnostic = {
        code: rule.id,
        severity: setting ?? f.severity ?? severity,
        message: f.message,
        range: f.range ?? (f.key ? keyRangeOf(runCtx, f.key) : runCtx.documentRange()),
        source: 'ms-swift-studio',
      };
      if (f.key) d.key = f.key;
      if (f.fixes?.length) d.fixes = f.fixes;
      if (f.related?.length) d.related = f.related;
      if (f.tags?.length) d.tags = f.tags;
      if (!suppressed(doc, d)) diagnostics.push(d);
    }
  }
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code),
  );
  return { doc, context, diagnostics };
}

/** the key range of an argument, or of an ENV variable of that name */
function keyRangeOf(ctx: RuleContext, key: string) {
  if (!ctx.entry(key) && ctx.envEntry(key)) return ctx.envKeyRange(key);
  return ctx.keyRange(key);
}

/** The facts outside the config that rules may read, from the check options. */
export function ruleEnvironment(options: CheckOptions): RuleEnvironment {
  const environment: RuleEnvironment = {};
  if (options.launch) environment.launch = options.launch;
  if (options.files) environment.files = options.files;
  if (options.baseDir) environment.baseDir = options.baseDir;
  if (options.hostEnv) environment.hostEnv = options.hostEnv;
  if (options.python) environment.python = options.python;
  if (options.gpuMemoryGiB) environment.gpuMemoryGiB = options.gpuMemoryGiB;
  if (options.gpuName) environment.gpuName = options.gpuName;
  return environment;
}

/** Model facts from config.json on disk (with file access), else the bundled table; or the provider given. */
export function modelFactsProvider(options: CheckOptions): ModelFactsProvider {
  return (
    options.modelFacts ??
    (options.files && options.baseDir ? createModelFactsProvider({ files: options.files, baseDir: options.baseDir, env: options.hostEnv ?? {} }) : bundledOnlyProvider)
  );
}

/** The RuleContext the checker would build for a parsed config, or undefined when the command has no catalog. */
export function ruleContextFor(doc: ConfigDocument, context: ConfigContext, options: CheckOptions = {}): RuleContext | undefined {
  const catalog = commandCatalog(context.version, context.command);
  return catalog ? new RuleContext(doc, context.command, context.version, catalog, ruleEnvironment(options), modelFactsProvider(options)) : undefined;
}

function appliesTo(rule: Rule, context: ConfigContext): boolean {
  if (!rule.severity[context.version]) return false;
  return !rule.commands || rule.commands.includes(context.command);
}

function suppressed(doc: ConfigDocument, d: Diagnostic): boolean {
  const codes = doc.suppressions.get(d.range.start.line);
  return !!codes && (codes.has('*') || codes.has(d.code));
}
