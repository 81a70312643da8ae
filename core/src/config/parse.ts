// Parses a run config: a YAML mapping of ms-swift argument names to values plus an optional `ENV:` mapping.
// Keeps exact ranges for every key and value, and the Python value PyYAML would build for each.
import { Document, isMap, isPair, isScalar, isSeq, isAlias, parseAllDocuments, Pair, Node, Scalar } from 'yaml';
import { LineIndex, Range } from '../text/positions';
import { Modeline, parseModeline } from './modeline';
import { AliasExpansionError, isMergeKey, PyValue, resolveAlias, toPy } from './pyyaml';

export const ENV_KEY = 'ENV';

export interface ConfigEntry {
  /** the key as written */
  key: string;
  keyRange: Range;
  keyStart: number;
  keyEnd: number;
  /** the value node (null for `key:` with nothing after it) */
  valueNode: Node | null;
  valueRange: Range;
  valueStart: number;
  valueEnd: number;
  /** start of the key to the end of the value */
  pairStart: number;
  pairEnd: number;
  /** what PyYAML builds for the value; undefined when it cannot be built (alias bomb, unknown alias) */
  py: PyValue | undefined;
  pyError?: string;
  /** the scalar's source text, for plain and quoted scalars */
  sourceText?: string;
  /** the entry came from a `<<:` merge; its ranges point at the merge key */
  viaMerge?: boolean;
}

export interface ConfigProblem {
  code: string;
  message: string;
  range: Range;
  severity: 'error' | 'warning' | 'info';
}

export interface ConfigDocument {
  text: string;
  lines: LineIndex;
  doc: Document | undefined;
  modeline: Modeline | undefined;
  /** top-level entries other than ENV, in document order (duplicates included) */
  entries: ConfigEntry[];
  /** the ENV entry itself, when present */
  envEntry: ConfigEntry | undefined;
  /** variables of the ENV mapping, in order */
  envVars: ConfigEntry[];
  /** YAML syntax errors */
  syntaxErrors: ConfigProblem[];
  /** structural problems: not a mapping, several documents, keys that are not strings, ... */
  structureProblems: ConfigProblem[];
  /** per-line `# ms-swift-ignore: code, code` suppressions (0-based line -> codes; '*' for all) */
  suppressions: Map<number, Set<string>>;
}

export interface ParseOptions {
  /** bound on the nodes visited while expanding aliases in one value */
  aliasBudget?: number;
  /** only collect YAML syntax errors (for documents too large to check in full) */
  syntaxOnly?: boolean;
}

const IGNORE_RE = /#\s*ms-swift-ignore(?::\s*([\w\-, ]+))?\s*$/;

/** A document with no entries yet (what parseConfig starts from; also for documents too large to parse). */
export function emptyConfigDocument(text: string, lines = new LineIndex(text), withSuppressions = true): ConfigDocument {
  return {
    text,
    lines,
    doc: undefined,
    modeline: parseModeline(text),
    entries: [],
    envEntry: undefined,
    envVars: [],
    syntaxErrors: [],
    structureProblems: [],
    suppressions: withSuppressions ? collectSuppressions(text, lines) : new Map(),
  };
}

export function parseConfig(text: string, options: ParseOptions = {}): ConfigDocument {
  const lines = new LineIndex(text);
  const result = emptyConfigDocument(text, lines);
  // PyYAML reads a lone CR as a line break, as editors do; the YAML library does not: give it LF (same length,
  // so every offset stays valid)
  const source = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(source, { version: '1.1', uniqueKeys: false, prettyErrors: false, strict: false });
  } catch (e) {
    const message = e instanceof RangeError ? 'the document is nested too deeply to read' : `the YAML cannot be read (${(e as Error).message})`;
    result.syntaxErrors.push({ code: 'yaml-syntax', message, range: lines.range(0, Math.min(text.length, 1)), severity: 'error' });
    return result;
  }
  const list = Array.isArray(docs) ? docs : [];
  const problem = (code: string, message: string, start: number, end: number, severity: ConfigProblem['severity'] = 'error') =>
    ({ code, message, range: lines.range(start, end), severity });
  for (const d of list) {
    for (const e of d.errors) {
      const [s, en] = e.pos;
      const message = /call stack/i.test(e.message) ? 'the document is nested too deeply to read' : cleanYamlMessage(e.message);
      result.syntaxErrors.push(problem('yaml-syntax', message, s, Math.max(en, s + 1)));
    }
  }
  // line breaks PyYAML honours but editors do not show as such
  for (const m of text.matchAll(/[\u0085\u2028\u2029]/g)) {
    result.structureProblems.push(problem('yaml-unusual-line-break', 'PyYAML reads this character (NEL, LS or PS) as a line break, but editors do not show it as one: replace it with a normal line break.', m.index!, m.index! + 1, 'warning'));
    if (result.structureProblems.length > 20) break;
  }
  if (options.syntaxOnly) return result;
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1]!;
    const r = second.range ?? [0, 0];
    result.structureProblems.push(
      problem('yaml-multiple-documents', 'A config holds one YAML document; ms-swift stops with "expected a single document" on a second `---` document.', r[0], Math.max(r[0] + 1, Math.min(r[1], r[0] + 3))),
    );
  }
  const doc = nonEmpty[0] ?? list[0];
  result.doc = doc;
  if (!doc || doc.contents === null) return result;
  const root = doc.contents;
  if (!isMap(root)) {
    const r = root.range ?? [0, 1, 1];
    const end = r[0] + text.slice(r[0], r[1]).trimEnd().length;
    result.structureProblems.push(problem('yaml-root-not-mapping', 'A config must be a mapping of argument names to values (`name: value` lines).', r[0], Math.max(end, r[0] + 1)));
    return result;
  }
  // nodes visited while building values: per value, and for the whole document (alias bombs stop early)
  const budget: Budget = { perValue: options.aliasBudget ?? 200_000, documentLeft: 1_000_000 };
  for (const item of root.items) {
    if (!isPair(item)) continue;
    const keyNode = item.key as Node | null;
    if (isMergeKey(keyNode)) {
      addMergedEntries(result, doc, item, budget);
      continue;
    }
    if (!isScalar(keyNode) || (keyNode.type !== 'PLAIN' && keyNode.type !== 'QUOTE_DOUBLE' && keyNode.type !== 'QUOTE_SINGLE')) {
      const r = (keyNode as Node | null)?.range ?? (item.value as Node | null)?.range ?? [0, 1, 1];
      result.structureProblems.push(problem('yaml-key-not-string', 'Argument names must be plain text keys.', r[0], Math.max(r[0] + 1, r[1])));
      continue;
    }
    const key = String(keyNode.value);
    const keyIsText = typeof keyNode.value === 'string' || keyNode.type !== 'PLAIN';
    const entry = makeEntry(text, lines, doc, item, keyNode, budget);
    if (!keyIsText) {
      const r = keyNode.range!;
      result.structureProblems.push(problem('yaml-key-not-string', `\`${keyNode.source ?? key}\` is read as a ${typeof keyNode.value === 'number' ? 'number' : typeof keyNode.value}, not an argument name.`, r[0], r[1]));
      continue;
    }
    if (key === ENV_KEY) {
      if (!result.envEntry) {
        result.envEntry = entry;
        collectEnv(result, doc, item, budget);
      } else {
        result.entries.push(entry); // a second ENV is reported as a duplicate key
      }
      continue;
    }
    result.entries.push(entry);
  }
  return result;
}

interface Budget {
  perValue: number;
  documentLeft: number;
}

function makeEntry(text: string, lines: LineIndex, doc: Document, pair: Pair, keyNode: Scalar, budget: Budget): ConfigEntry {
  const kr = keyNode.range!;
  const valueNode = (pair.value ?? null) as Node | null;
  let valueStart: number;
  let valueEnd: number;
  if (valueNode && valueNode.range && !(isScalar(valueNode) && valueNode.type === 'PLAIN' && valueNode.source === '' && valueNode.range[0] === valueNode.range[1])) {
    valueStart = valueNode.range[0];
    valueEnd = valueNode.range[1];
  } else {
    // `key:` with nothing after it: point just after the colon
    const colon = text.indexOf(':', kr[1]);
    valueStart = valueEnd = colon >= 0 ? colon + 1 : kr[1];
  }
  let py: PyValue | undefined;
  let pyError: string | undefined;
  try {
    const b = { left: Math.min(budget.perValue, budget.documentLeft) };
    const start = b.left;
    try {
      py = toPy(valueNode, doc, b);
    } finally {
      budget.documentLeft -= start - Math.max(0, b.left);
    }
  } catch (e) {
    if (!(e instanceof AliasExpansionError)) throw e;
    pyError = e.message;
  }
  const entry: ConfigEntry = {
    key: String(keyNode.value),
    keyRange: lines.range(kr[0], kr[1]),
    keyStart: kr[0],
    keyEnd: kr[1],
    valueNode,
    valueRange: lines.range(valueStart, valueEnd),
    valueStart,
    valueEnd,
    pairStart: kr[0],
    pairEnd: Math.max(valueEnd, kr[1]),
    py,
  };
  if (pyError) entry.pyError = pyError;
  if (isScalar(valueNode) && valueNode.range) entry.sourceText = text.slice(valueNode.range[0], valueNode.range[1]);
  return entry;
}

function addMergedEntries(result: ConfigDocument, doc: Document, pair: Pair, budget: Budget): void {
  const keyNode = pair.key as Scalar;
  const kr = keyNode.range!;
  const targets: Node[] = [];
  const v = pair.value as Node | null;
  const resolve = (n: Node | null): Node | undefined => (n ? resolveAlias(n, doc) : undefined);
  const first = resolve(v);
  if (first && isSeq(first)) for (const i of first.items) { const t = resolve(i as Node); if (t) targets.push(t); }
  else if (first) targets.push(first);
  const seen = new Set(result.entries.map((e) => e.key));
  for (const t of targets) {
    if (!isMap(t)) {
      result.structureProblems.push({ code: 'yaml-merge-not-mapping', message: 'A `<<:` merge needs a mapping (or a list of mappings).', range: result.lines.range(kr[0], kr[1]), severity: 'error' });
      continue;
    }
    for (const p of t.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const name = String(p.key.value);
      if (seen.has(name) || name === ENV_KEY) continue;
      seen.add(name);
      const entry = makeEntry(result.text, result.lines, doc, p, p.key as Scalar, budget);
      // point at the merge key in this document: the merged text may be far away
      entry.keyRange = result.lines.range(kr[0], kr[1]);
      entry.keyStart = kr[0];
      entry.keyEnd = kr[1];
      entry.viaMerge = true;
      result.entries.push(entry);
    }
  }
}

function collectEnv(result: ConfigDocument, doc: Document, pair: Pair, budget: Budget): void {
  let v = pair.value as Node | null;
  if (v && isAlias(v)) v = resolveAlias(v, doc) ?? null;
  if (!v || (isScalar(v) && v.value === null)) return;
  if (!isMap(v)) {
    const r = v.range ?? [0, 1];
    result.structureProblems.push({ code: 'env-not-mapping', message: '`ENV` must be a mapping of environment variable names to values.', range: result.lines.range(r[0], r[1]), severity: 'error' });
    return;
  }
  for (const p of v.items) {
    if (!isPair(p)) continue;
    if (!isScalar(p.key)) {
      const r = (p.key as Node | null)?.range ?? [0, 1];
      result.structureProblems.push({ code: 'yaml-key-not-string', message: 'Environment variable names must be plain text.', range: result.lines.range(r[0], r[1]), severity: 'error' });
      continue;
    }
    result.envVars.push(makeEntry(result.text, result.lines, doc, p, p.key as Scalar, budget));
  }
}

function collectSuppressions(text: string, lines: LineIndex): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!text.includes('ms-swift-ignore')) return out;
  for (let line = 0; line < lines.lineCount; line++) {
    const t = lines.lineText(line);
    if (!t.includes('ms-swift-ignore')) continue;
    const m = IGNORE_RE.exec(t);
    if (!m) continue;
    const codes = m[1] ? m[1].split(/[\s,]+/).filter(Boolean) : ['*'];
    // a comment alone on its line applies to the next line; a trailing comment to its own line
    const target = t.trimStart().startsWith('#') ? line + 1 : line;
    out.set(target, new Set(codes));
  }
  return out;
}

function cleanYamlMessage(message: string): string {
  // the yaml library appends " at line N, column M:" and a source excerpt
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/** Entries by key; like PyYAML, the last occurrence of a duplicated key wins. */
export function entryMap(doc: ConfigDocument): Map<string, ConfigEntry> {
  const m = new Map<string, ConfigEntry>();
  for (const e of doc.entries) m.set(e.key, e);
  return m;
}
