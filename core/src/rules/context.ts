// What a rule sees: the parsed config, the command and version, typed values with defaults, ENV, world size,
// model facts when they can be known, and helpers to point at keys and build fixes.
import { CommandCatalog, KeyResolution } from '../catalog/catalog';
import { ArgSpec, CommandName, KnownVersion } from '../catalog/schema';
import { ConfigMode, defaultValue, typedValue } from '../args/argparse';
import { ConfigDocument, ConfigEntry } from '../config/parse';
import { pyStr } from '../config/pyyaml';
import { Range } from '../text/positions';
import { ModelFacts, ModelFactsProvider } from '../model/facts';
import { Fix, TextEdit } from './types';
import { FileView, resolvePath } from '../files';
import { isMap, isScalar } from 'yaml';

export interface LaunchContext {
  /** GPUs the launcher will use when the config does not say (from the GPU choice in the client) */
  visibleGpus?: number;
}

/** What is known about the Python environment the run will use (probed by the client); absent when unknown. */
export interface PythonEnvInfo {
  /** installed distributions and their versions, e.g. { "flash-attn": "2.7.4", "apex": "0.1" } */
  packages: Record<string, string>;
  /** the environment variables the run will inherit from the shell, when known */
  shellEnv?: Record<string, string>;
}

/** Things outside the config that some rules read; each is optional and rules stay silent without it. */
export interface RuleEnvironment {
  launch?: LaunchContext;
  files?: FileView;
  /** folder that relative paths in the config are resolved against (where the run starts) */
  baseDir?: string;
  /** the host's environment (HOME, caches) */
  hostEnv?: Record<string, string | undefined>;
  python?: PythonEnvInfo;
  /** memory of the GPUs the run will use (the smallest, GiB), from nvidia-smi or the settings */
  gpuMemoryGiB?: number;
  /** their name, for messages ("NVIDIA H100 80GB HBM3") */
  gpuName?: string;
}

export interface ResolvedEntry {
  entry: ConfigEntry;
  spec: ArgSpec;
  resolution: KeyResolution;
}

export class RuleContext {
  /** the resolution of every top-level key (document order) */
  readonly resolutions: Array<{ entry: ConfigEntry; resolution: KeyResolution }> = [];
  /** canonical argument name -> the entry that sets it (last occurrence wins, like PyYAML and argparse) */
  private readonly byName = new Map<string, ResolvedEntry>();
  private readonly envByName = new Map<string, ConfigEntry>();
  private modelCache: { facts: ModelFacts | undefined } | undefined;

  constructor(
    readonly doc: ConfigDocument,
    readonly command: CommandName,
    readonly version: KnownVersion,
    readonly catalog: CommandCatalog,
    readonly environment: RuleEnvironment = {},
    private readonly modelProvider?: ModelFactsProvider,
  ) {
    for (const entry of doc.entries) {
      const resolution = catalog.resolve(entry.key);
      this.resolutions.push({ entry, resolution });
      if (resolution.kind === 'exact' || resolution.kind === 'dashed' || resolution.kind === 'prefix') {
        this.byName.set(resolution.spec.name, { entry, spec: resolution.spec, resolution });
      }
    }
    for (const v of doc.envVars) this.envByName.set(v.key, v);
  }

  get launch(): LaunchContext {
    return this.environment.launch ?? {};
  }

  get files(): FileView | undefined {
    return this.environment.files;
  }

  get python(): PythonEnvInfo | undefined {
    return this.environment.python;
  }

  /** an absolute path for a path written in the config, when the base folder is known */
  resolvePath(p: string): string | undefined {
    const base = this.environment.baseDir;
    if (!base) return undefined;
    return resolvePath(p, base, this.environment.hostEnv?.HOME);
  }

  /** ms-swift 4 reads the YAML itself; for 3.4.1 the launcher expands it into flags. */
  get mode(): ConfigMode {
    return this.version.startsWith('3.') ? 'flags' : 'yaml';
  }

  isMegatron(): boolean {
    return this.command.startsWith('megatron ');
  }

  spec(name: string): ArgSpec | undefined {
    return this.catalog.get(name);
  }

  /** the argument is set in the config (under its name, a dashed spelling or a unique prefix) */
  isSet(name: string): boolean {
    return this.byName.has(name);
  }

  resolved(name: string): ResolvedEntry | undefined {
    return this.byName.get(name);
  }

  entry(name: string): ConfigEntry | undefined {
    return this.byName.get(name)?.entry;
  }

  /** names of the arguments set in the config */
  setNames(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * The value argparse ends up with: the converted config value when set, else the declared default.
   * undefined when the value does not parse (another rule reports that) or the argument does not exist here.
   */
  value(name: string): unknown {
    const spec = this.catalog.get(name);
    if (!spec) return undefined;
    const r = this.byName.get(name);
    if (r) {
      if (!r.entry.py) return undefined;
      const v = typedValue(spec, r.entry.py, this.mode);
      // null in a flags expansion means "leave it out": the default applies
      if (v === null && this.mode === 'flags') return defaultValue(spec);
      return v;
    }
    return defaultValue(spec);
  }

  int(name: string): number | undefined {
    const v = this.value(name);
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  }

  num(name: string): number | undefined {
    const v = this.value(name);
    return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name);
    return typeof v === 'boolean' ? v : undefined;
  }

  str(name: string): string | undefined {
    const v = this.value(name);
    return typeof v === 'string' ? v : undefined;
  }

  list(name: string): unknown[] | undefined {
    const v = this.value(name);
    if (Array.isArray(v)) return v;
    if (v === null || v === undefined) return undefined;
    return [v];
  }

  /** the ENV variable's value as the launcher exports it (str() of the YAML value) */
  env(name: string): string | undefined {
    const e = this.envByName.get(name);
    if (!e || !e.py || e.py.t === 'null') return undefined;
    return pyStr(e.py);
  }

  envEntry(name: string): ConfigEntry | undefined {
    return this.envByName.get(name);
  }

  /** an ENV value that is a literal whole number */
  envInt(name: string): number | undefined {
    const v = this.env(name);
    if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
    return Number(v);
  }

  /** processes per node: NPROC_PER_NODE from ENV, else the launch choice, else undefined */
  nprocPerNode(): number | undefined {
    if (this.envEntry('NPROC_PER_NODE')) return this.envInt('NPROC_PER_NODE');
    return this.launch.visibleGpus;
  }

  nnodes(): number | undefined {
    if (!this.envEntry('NNODES')) return 1;
    return this.envInt('NNODES');
  }

  /** NPROC_PER_NODE × NNODES when both are known literal integers; undefined otherwise */
  worldSize(): number | undefined {
    const n = this.nprocPerNode();
    const nodes = this.nnodes();
    if (n === undefined || nodes === undefined || n < 1 || nodes < 1) return undefined;
    return n * nodes;
  }

  /** architecture facts of the model the config trains, when they can be known */
  model(): ModelFacts | undefined {
    if (!this.modelCache) {
      let facts: ModelFacts | undefined;
      if (this.modelProvider) {
        try {
          facts = this.modelProvider(this);
        } catch {
          facts = undefined;
        }
      }
      this.modelCache = { facts };
    }
    return this.modelCache.facts;
  }

  /** the key range of an argument when set, else the range used for document-level findings */
  keyRange(name: string): Range {
    return this.entry(name)?.keyRange ?? this.documentRange();
  }

  valueRange(name: string): Range {
    return this.entry(name)?.valueRange ?? this.documentRange();
  }

  envKeyRange(name: string): Range {
    return this.envEntry(name)?.keyRange ?? this.doc.envEntry?.keyRange ?? this.documentRange();
  }

  /** where to report something about the document as a whole: the modeline, else the first key, else the start */
  documentRange(): Range {
    const m = this.doc.modeline;
    if (m) return this.doc.lines.range(m.start, m.end);
    const first = this.doc.entries[0] ?? this.doc.envEntry;
    if (first) return first.keyRange;
    return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }

  // ---- fixes ------------------------------------------------------------------------------------------------

  /** an edit that sets `name: value` (replacing the value when the key is set, else adding a line) */
  setValueEdit(name: string, valueText: string): TextEdit {
    const e = this.entry(name);
    if (e && !e.viaMerge) {
      if (e.valueStart === e.valueEnd) return { range: this.doc.lines.range(e.valueStart, e.valueEnd), newText: ` ${valueText}` };
      return { range: e.valueRange, newText: valueText };
    }
    return this.insertKeyEdit(name, valueText);
  }

  /** an edit that adds `name: value` on a new line after the last top-level entry */
  insertKeyEdit(name: string, valueText: string): TextEdit {
    const last = [...this.doc.entries, ...(this.doc.envEntry ? [this.doc.envEntry] : [])].sort((a, b) => b.pairEnd - a.pairEnd)[0];
    const text = this.doc.text;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    if (!last) {
      const at = this.doc.modeline ? this.doc.modeline.end : 0;
      const prefix = this.doc.modeline ? eol : '';
      const suffix = this.doc.modeline || text.length === 0 ? '' : eol;
      const pos = this.doc.lines.position(at);
      return { range: { start: pos, end: pos }, newText: `${prefix}${name}: ${valueText}${suffix}` };
    }
    // end of the line holding the end of the last entry's value
    const endLine = this.doc.lines.position(Math.max(last.pairEnd - 1, last.pairStart)).line;
    const lineEnd = this.doc.lines.lineStart(endLine) + this.doc.lines.lineText(endLine).length;
    const pos = this.doc.lines.position(lineEnd);
    return { range: { start: pos, end: pos }, newText: `${eol}${name}: ${valueText}` };
  }

  /** an edit that removes the whole line(s) of an entry */
  removeEntryEdit(entry: ConfigEntry): TextEdit {
    const lines = this.doc.lines;
    const startLine = lines.position(entry.pairStart).line;
    const endLine = lines.position(Math.max(entry.pairEnd - 1, entry.pairStart)).line;
    const start = { line: startLine, character: 0 };
    const end = endLine + 1 < lines.lineCount ? { line: endLine + 1, character: 0 } : { line: endLine, character: lines.lineText(endLine).length };
    return { range: { start, end }, newText: '' };
  }

  renameKeyEdit(entry: ConfigEntry, newName: string): TextEdit {
    return { range: entry.keyRange, newText: newName };
  }

  /**
   * Edits that set several arguments at once: values of keys that are set are replaced in place, missing keys are
   * added together in one insertion (two insertions at the same place would have no defined order).
   */
  setValuesEdits(values: Record<string, string> | ReadonlyArray<readonly [string, string]>): TextEdit[] {
    const edits: TextEdit[] = [];
    const missing: Array<readonly [string, string]> = [];
    for (const [name, text] of Array.isArray(values) ? values : Object.entries(values)) {
      const e = this.entry(name);
      if (e && !e.viaMerge) edits.push(this.setValueEdit(name, text));
      else missing.push([name, text]);
    }
    if (missing.length) {
      const first = this.insertKeyEdit(missing[0]![0], missing[0]![1]);
      const eol = this.doc.text.includes('\r\n') ? '\r\n' : '\n';
      const rest = missing.slice(1).map(([n, v]) => `${n}: ${v}`);
      const joined = first.newText.endsWith(eol) ? first.newText + rest.map((l) => l + eol).join('') : [first.newText, ...rest].join(eol);
      edits.push({ range: first.range, newText: joined });
    }
    return edits;
  }

  /**
   * An edit that sets `NAME: value` under `ENV:`: replaces the value when the variable is there, adds a line after
   * the last variable (same indentation), fills an empty `ENV:`, or adds an `ENV:` block — before the first key
   * (`newBlock: 'top'`) or after the last one. undefined when ENV is written in a form that is not edited (a flow
   * mapping such as `ENV: {A: 1}`, or a scalar).
   */
  setEnvEdit(name: string, valueText: string, newBlock: 'top' | 'end' = 'end'): TextEdit | undefined {
    const doc = this.doc;
    const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
    const existing = this.envEntry(name);
    if (existing) {
      if (existing.valueStart === existing.valueEnd) return { range: doc.lines.range(existing.valueStart, existing.valueEnd), newText: ` ${valueText}` };
      return { range: existing.valueRange, newText: valueText };
    }
    const env = doc.envEntry;
    if (env) {
      const node = env.valueNode;
      if (node && isMap(node)) {
        if (node.flow) return undefined;
        const last = [...doc.envVars].sort((a, b) => b.pairEnd - a.pairEnd)[0];
        if (!last) return undefined;
        const indent = ' '.repeat(doc.lines.position(last.keyStart).character);
        const endLine = doc.lines.position(Math.max(last.pairEnd - 1, last.pairStart)).line;
        const pos = doc.lines.position(doc.lines.lineStart(endLine) + doc.lines.lineText(endLine).length);
        return { range: { start: pos, end: pos }, newText: `${eol}${indent}${name}: ${valueText}` };
      }
      // `ENV:` with nothing (or null) after it
      if (!node || (isScalar(node) && node.value === null)) return { range: doc.lines.range(env.valueStart, env.valueEnd), newText: `${eol}  ${name}: ${valueText}` };
      return undefined;
    }
    if (newBlock === 'top') {
      const first = doc.entries.filter((e) => !e.viaMerge).sort((a, b) => a.pairStart - b.pairStart)[0];
      if (first) {
        const pos = { line: doc.lines.position(first.keyStart).line, character: 0 };
        return { range: { start: pos, end: pos }, newText: `ENV:${eol}  ${name}: ${valueText}${eol}` };
      }
      const end = doc.lines.position(doc.text.length);
      const sep = doc.text.length === 0 || /[\r\n]$/.test(doc.text) ? '' : eol;
      return { range: { start: end, end }, newText: `${sep}ENV:${eol}  ${name}: ${valueText}${eol}` };
    }
    const ins = this.insertKeyEdit('ENV', '\u0000');
    return { range: ins.range, newText: ins.newText.replace('ENV: \u0000', `ENV:${eol}  ${name}: ${valueText}`) };
  }

  setValueFix(name: string, valueText: string, title?: string, preferred = false): Fix {
    return { title: title ?? `Set \`${name}: ${valueText}\``, edits: [this.setValueEdit(name, valueText)], preferred };
  }
}
