#!/usr/bin/env node
'use strict';
// Benchmark: our language server (dist/server.js) against yaml-language-server configured with the JSON Schema we
// export, driven over stdio by the same client with the same workload in the same run, alternating between the
// two. Also: synthetic configs of 20 to 20,000 lines, client activation time, the .vsix size and the throughput
// of the TensorBoard event-file reader. Prints a table with our figures, the peer's, the ratios and the targets.
//
// Needs: `npm run build` (dist/ and out/) and `npm ci` in bench/ (yaml-language-server).
// Options: --quick (fewer repetitions), --vsix PATH (measure this file instead of packaging), --no-vsix,
//          --json FILE (also write the raw results), --events FILE (event file to parse).
// Bounded: every wait has a timeout, every loop a fixed count; only stdio pipes to local child processes.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { LspClient } = require('./lsp');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(ROOT, 'out');
const YAML_LS = path.join(__dirname, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = flag('--quick');
const REPS = {
  spawn: QUICK ? 2 : 5,
  openRounds: QUICK ? 2 : 5,
  edits: QUICK ? 30 : 120,
  completion: QUICK ? 60 : 300,
  hover: QUICK ? 60 : 300,
  sizeReps: QUICK ? 2 : 3,
};
const started = Date.now();
const log = (s) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

// ---- statistics -------------------------------------------------------------------------------------------------

function quantile(values, q) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  // nearest rank
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}
const ms = (a, b) => Number(b - a) / 1e6;
const stats = (v) => ({ n: v.length, p50: quantile(v, 0.5), p95: quantile(v, 0.95), p99: quantile(v, 0.99), max: v.length ? Math.max(...v) : NaN });

// ---- inputs -----------------------------------------------------------------------------------------------------

function requireOrNull(p) {
  try {
    return require(p);
  } catch {
    return null;
  }
}

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8') }));

function modelineOf(text) {
  const m = /^#[ \t]*(megatron|swift)[ \t]+(\w+)(?:[ \t]+ms-swift=(\S+))?/.exec(text);
  return { command: m ? `${m[1]} ${m[2]}` : 'megatron sft', version: (m && m[3]) || '4.5.2' };
}

/** The JSON Schema of a command/version: from the CLI (`schema`) when it has the command, else from out/. */
function exportSchema(command, version) {
  const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'schema', '--command', command, '--ms-swift-version', version], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status === 0 && r.stdout.trim().startsWith('{')) return { json: r.stdout, via: 'dist/cli.js schema' };
  const mod = requireOrNull(path.join(OUT, 'core', 'src', 'schema', 'json-schema.js'));
  if (!mod) throw new Error('no schema exporter: build first (npm run build)');
  return { json: JSON.stringify(mod.configJsonSchema(command, version)), via: 'out/core/src/schema/json-schema.js' };
}

const HEADER_LINES = [
  '# megatron sft ms-swift=4.5.2',
  '# A large but realistic config: long comments, a long dataset list and many ENV entries.',
];
const KNOWN_ENV = [
  ['NPROC_PER_NODE', '"8"'],
  ['CUDA_VISIBLE_DEVICES', '"0,1,2,3,4,5,6,7"'],
  ['PYTORCH_CUDA_ALLOC_CONF', '"expandable_segments:True"'],
  ['NCCL_DEBUG', 'WARN'],
  ['NNODES', '"1"'],
  ['NODE_RANK', '"0"'],
  ['MASTER_ADDR', '127.0.0.1'],
  ['MASTER_PORT', '"29500"'],
];
const BODY = [
  'model: Qwen/Qwen2.5-7B-Instruct',
  'tensor_model_parallel_size: 2',
  'sequence_parallel: true',
  'micro_batch_size: 1',
  'global_batch_size: 16',
  'recompute_granularity: full',
  'recompute_method: uniform',
  'recompute_num_layers: 1',
  'lr: 1.0e-5',
  'lr_warmup_fraction: 0.05',
  'min_lr: 1.0e-6',
  'num_train_epochs: 1',
  'output_dir: megatron_output/Qwen2.5-7B-Instruct',
  'save_steps: 100',
  'max_length: 2048',
];

/**
 * A config of about `lines` lines: the usual keys, ENV with ~5% of the lines (known variables first, then
 * application settings), a dataset list with ~50% and comment lines for the rest (in blocks of 10, as people
 * comment out or annotate datasets).
 */
function syntheticConfig(lines, shape = 'mixed') {
  const out = [...HEADER_LINES];
  const rest = Math.max(0, lines - out.length - BODY.length - 3);
  const envN = shape === 'env' ? rest : shape === 'mixed' ? Math.max(2, Math.floor(rest * 0.05)) : 1;
  const dataN = shape === 'dataset' ? rest : shape === 'mixed' ? Math.max(1, Math.floor(rest * 0.5)) : 1;
  const commentN = Math.max(0, rest - envN - dataN);
  out.push('ENV:');
  for (let i = 0; i < envN; i++) out.push(i < KNOWN_ENV.length ? `  ${KNOWN_ENV[i][0]}: ${KNOWN_ENV[i][1]}` : `  APP_SETTING_${i}: "value-${i}"`);
  out.push(...BODY);
  out.push('dataset:');
  let c = 0;
  for (let i = 0; i < dataN; i++) {
    if (shape !== 'dataset' && c < commentN && i % 10 === 0) for (let k = 0; k < 10 && c < commentN; k++, c++) out.push(`  # shard group ${i / 10}, line ${k}: source, licence and sampling notes for these datasets`);
    out.push(`  - my-org/pretraining-corpus-part-${String(i).padStart(5, '0')}#20000`);
  }
  while (c < commentN) out.push(`# trailing note ${c++}: what changed in this run and why`);
  return out.join('\n') + '\n';
}

// ---- servers ----------------------------------------------------------------------------------------------------

let schemaDir;
const schemaUris = new Map(); // "command@version" -> uri

function ensureSchema(command, version) {
  const key = `${command}@${version}`;
  if (!schemaUris.has(key)) {
    const file = path.join(schemaDir, `${command.replace(' ', '-')}-${version}.schema.json`);
    const { json, via } = exportSchema(command, version);
    fs.writeFileSync(file, json);
    schemaUris.set(key, `file://${file}`);
    log(`schema ${key}: ${(json.length / 1024).toFixed(0)} KB via ${via}`);
  }
  return schemaUris.get(key);
}

/** The document URI for a server: the file name carries the command and version so that yaml.schemas globs match. */
function docUri(server, name, text) {
  const { command, version } = modelineOf(text);
  return `file://${schemaDir}/docs/${server.kind}/${name.replace(/\.ya?ml$/, '')}.${command.replace(' ', '-')}-${version}.yaml`;
}

function yamlSettings() {
  const schemas = {};
  for (const [key, uri] of schemaUris) {
    const [command, version] = key.split('@');
    schemas[uri] = [`*.${command.replace(' ', '-')}-${version}.yaml`];
  }
  return { schemas, schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, validate: true, hover: true, completion: true, yamlVersion: '1.1', format: { enable: false } };
}

async function startOurs() {
  const c = new LspClient('ms-swift-studio', [path.join(DIST, 'server.js'), '--stdio'], { configuration: () => null });
  c.kind = 'ours';
  c.languageId = 'ms-swift-yaml';
  c.versioned = true;
  await c.initialize({ locale: 'en' });
  return c;
}

async function startPeer() {
  const c = new LspClient('yaml-language-server', [YAML_LS, '--stdio'], {
    configuration: (item) => {
      if (item.section === 'yaml') return yamlSettings();
      // any HTTP request the peer might make goes to a closed loopback port, never off the machine
      if (item.section === 'http') return { proxy: 'http://127.0.0.1:9', proxyStrictSSL: true };
      return {};
    },
  });
  c.kind = 'peer';
  c.languageId = 'yaml';
  c.versioned = false;
  await c.initialize({ locale: 'en' });
  return c;
}

/** Opens a document and resolves with ms until its first diagnostics. */
async function openAndWait(server, uri, text, timeoutMs = 60000) {
  const t0 = process.hrtime.bigint();
  const wait = server.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri, timeoutMs);
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: server.languageId, version: 1, text } });
  const { at, params } = await wait;
  return { ms: ms(t0, at), diagnostics: params.diagnostics };
}

/** Sends one change and resolves with ms until diagnostics of that version (the next diagnostics, for a server
 *  that does not send versions; edits are sequential, so the next diagnostics are those of this change). */
async function changeAndWait(server, uri, version, change, timeoutMs = 60000) {
  const t0 = process.hrtime.bigint();
  const wait = server.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && (!server.versioned || p.version === version), timeoutMs);
  server.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  const { at } = await wait;
  return ms(t0, at);
}

async function timedRequest(server, method, params) {
  const t0 = process.hrtime.bigint();
  const result = await server.request(method, params, 30000);
  return { ms: ms(t0, process.hrtime.bigint()), result };
}

function close(server, uri) {
  server.notify('textDocument/didClose', { textDocument: { uri } });
}

/** Runs fn(server) for both servers, alternating which goes first. */
async function both(servers, i, fn) {
  const order = i % 2 === 0 ? servers : [servers[1], servers[0]];
  for (const s of order) await fn(s);
}

// ---- measurements -------------------------------------------------------------------------------------------------

async function measureSpawn() {
  const times = { ours: [], peer: [] };
  for (let i = 0; i < REPS.spawn; i++) {
    for (const start of i % 2 === 0 ? [startOurs, startPeer] : [startPeer, startOurs]) {
      const s = await start();
      times[s.kind].push(ms(s.spawnedAt, s.initializedAt));
      await s.stop();
    }
  }
  return times;
}

async function warmUp(servers) {
  // the peer reads its settings after `initialized`; wait until a schema error shows that the schema is in force
  const text = '# megatron sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B-Instruct\nnot_an_argument: 1\n';
  for (const s of servers) {
    let ok = false;
    for (let attempt = 0; attempt < 40 && !ok; attempt++) {
      const uri = docUri(s, `warmup-${attempt}.yaml`, text);
      const { diagnostics } = await openAndWait(s, uri, text, 20000);
      close(s, uri);
      ok = diagnostics.some((d) => /not_an_argument/.test(d.message));
      if (!ok) await new Promise((r) => setTimeout(r, 250));
    }
    if (!ok) throw new Error(`${s.name} does not report an unknown key: is the schema configured?`);
  }
  // a few rounds of each operation so that both are measured warm (JIT), as in a running editor
  for (let i = 0; i < 3; i++) {
    for (const s of servers) {
      for (const ex of examples) {
        const uri = docUri(s, `warm-${i}-${ex.name}`, ex.text);
        await openAndWait(s, uri, ex.text);
        await timedRequest(s, 'textDocument/completion', { textDocument: { uri }, position: { line: ex.text.split('\n').length - 1, character: 0 } });
        await timedRequest(s, 'textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 2 } });
        close(s, uri);
      }
    }
  }
}

async function measureOpen(servers) {
  const times = { ours: [], peer: [] };
  const diagCounts = { ours: {}, peer: {} };
  for (let r = 0; r < REPS.openRounds; r++) {
    for (const [i, ex] of examples.entries()) {
      await both(servers, r + i, async (s) => {
        const uri = docUri(s, `open-${r}-${ex.name}`, ex.text);
        const { ms: t, diagnostics } = await openAndWait(s, uri, ex.text);
        times[s.kind].push(t);
        diagCounts[s.kind][ex.name] = diagnostics.filter((d) => d.severity === 1).map((d) => d.code || 'schema').join('+') || '0';
        close(s, uri);
      });
    }
  }
  return { times, diagCounts };
}

/** One-character edits: type a digit into `save_steps: 100` and delete it again, alternately. */
async function measureEdits(servers) {
  const ex = examples.find((e) => /qwen2\.5-7b-sft\.megatron/.test(e.name)) || examples[0];
  const lines = ex.text.split('\n');
  const line = lines.findIndex((l) => /^save_steps: \d+/.test(l));
  const col = lines[line].length;
  const times = { ours: [], peer: [] };
  const state = new Map();
  for (const s of servers) {
    const uri = docUri(s, 'edits.yaml', ex.text);
    await openAndWait(s, uri, ex.text);
    state.set(s, { uri, version: 1 });
  }
  for (let i = 0; i < REPS.edits; i++) {
    const insert = i % 2 === 0;
    const change = insert
      ? { range: { start: { line, character: col }, end: { line, character: col } }, text: '0' }
      : { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' };
    await both(servers, i, async (s) => {
      const st = state.get(s);
      st.version++;
      times[s.kind].push(await changeAndWait(s, st.uri, st.version, change));
    });
  }
  for (const s of servers) close(s, state.get(s).uri);
  return times;
}

async function measureRequests(servers) {
  const ex = examples.find((e) => /qwen2\.5-7b-sft\.megatron/.test(e.name)) || examples[0];
  // the same document for every request: the example without its recompute_granularity line, plus
  // `recompute_granularity: ` (cursor after it) and an empty last line
  const text = ex.text.split('\n').filter((l) => !l.startsWith('recompute_granularity:')).join('\n').replace(/\n*$/, '\n') + 'recompute_granularity: \n\n';
  const lines = text.split('\n');
  const keyPos = { line: lines.length - 1, character: 0 };
  const valueLine = lines.findIndex((l) => l.startsWith('recompute_granularity: '));
  const valuePos = { line: valueLine, character: 'recompute_granularity: '.length };
  const hoverLine = lines.findIndex((l) => l.startsWith('tensor_model_parallel_size'));
  const hoverPos = { line: hoverLine, character: 5 };
  const res = { key: { ours: [], peer: [] }, value: { ours: [], peer: [] }, hover: { ours: [], peer: [] }, counts: { ours: {}, peer: {} } };
  const uris = new Map();
  for (const s of servers) {
    const uri = docUri(s, 'requests.yaml', text);
    await openAndWait(s, uri, text);
    uris.set(s, uri);
  }
  const items = (r) => (Array.isArray(r) ? r : (r && r.items) || []);
  for (let i = 0; i < REPS.completion; i++) {
    await both(servers, i, async (s) => {
      const k = await timedRequest(s, 'textDocument/completion', { textDocument: { uri: uris.get(s) }, position: keyPos });
      res.key[s.kind].push(k.ms);
      res.counts[s.kind].key = items(k.result).length;
      const v = await timedRequest(s, 'textDocument/completion', { textDocument: { uri: uris.get(s) }, position: valuePos });
      res.value[s.kind].push(v.ms);
      res.counts[s.kind].value = items(v.result)
        .map((x) => x.label)
        .sort()
        .join(',');
    });
  }
  for (let i = 0; i < REPS.hover; i++) {
    await both(servers, i, async (s) => {
      const h = await timedRequest(s, 'textDocument/hover', { textDocument: { uri: uris.get(s) }, position: hoverPos });
      res.hover[s.kind].push(h.ms);
      res.counts[s.kind].hover = h.result ? JSON.stringify(h.result.contents).length : 0;
    });
  }
  for (const s of servers) close(s, uris.get(s));
  return res;
}

async function measureSizes(servers) {
  const sizes = [20, 200, 2000, 20000];
  const out = [];
  for (const n of sizes) {
    const text = syntheticConfig(n);
    const row = { lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text), open: { ours: [], peer: [] }, edit: { ours: [], peer: [] }, errors: { ours: 0, peer: 0 } };
    for (let r = 0; r < REPS.sizeReps; r++) {
      await both(servers, r, async (s) => {
        const uri = docUri(s, `size-${n}-${r}.yaml`, text);
        try {
          const { ms: t, diagnostics } = await openAndWait(s, uri, text, 60000);
          row.open[s.kind].push(t);
          row.errors[s.kind] = diagnostics.filter((d) => d.severity === 1).map((d) => d.code || 'schema').join('+') || '0';
          // one edit in the middle: a digit typed into a dataset sample count
          const lines = text.split('\n');
          const mid = lines.findIndex((l, i) => i > lines.length / 2 && /#20000$/.test(l));
          const at = mid >= 0 ? mid : lines.length - 2;
          row.edit[s.kind].push(await changeAndWait(s, uri, 2, { range: { start: { line: at, character: lines[at].length }, end: { line: at, character: lines[at].length } }, text: '0' }, 60000));
        } catch (e) {
          row.open[s.kind].push(NaN);
          log(`${s.name} size ${n}: ${e.message}`);
        }
        close(s, uri);
      });
    }
    out.push(row);
    log(`size ${n}: ours open p50 ${quantile(row.open.ours, 0.5).toFixed(1)} ms, peer ${quantile(row.open.peer, 0.5).toFixed(1)} ms`);
  }
  // the peak RSS under the same workload for both, before the ours-only runs below
  for (const s of servers) s.sampleRss();
  const rss = { ours: servers.find((x) => x.kind === 'ours').peakRssKb / 1024, peer: servers.find((x) => x.kind === 'peer').peakRssKb / 1024 };
  // where the cost of a 20,000-line config goes: one shape at a time (ours only: quick to read, and the peer's
  // cost does not depend on the shape in the same way)
  const shapes = [];
  for (const shape of ['dataset', 'env']) {
    const text = syntheticConfig(20000, shape);
    const s = servers.find((x) => x.kind === 'ours');
    const uri = docUri(s, `shape-${shape}.yaml`, text);
    try {
      const { ms: t } = await openAndWait(s, uri, text, 120000);
      shapes.push({ shape, ms: t });
    } catch (e) {
      shapes.push({ shape, ms: NaN, error: e.message });
    }
    close(s, uri);
  }
  return { rows: out, shapes, rss };
}

// ---- activation, package, event file ----------------------------------------------------------------------------

/** Loads dist/client.js with a fake `vscode` module and times require + activate, in a fresh process each time. */
function measureActivation() {
  const script = `
    const Module = require('module');
    const make = (name) => {
      const fn = function () {};
      return new Proxy(fn, {
        get(t, p) {
          if (p === 'then' || p === Symbol.toPrimitive || p === 'toJSON') return undefined;
          if (p === Symbol.iterator) return function* () {};
          if (p === 'prototype') return fn.prototype;
          return make(name + '.' + String(p));
        },
        apply() { return make(name + '()'); },
        construct() { return make('new ' + name); },
      });
    };
    const disposable = { dispose() {} };
    // a namespace: the given members, anything else a harmless fake
    const ns = (members) => new Proxy(members, { get(t, p) { return p in t ? t[p] : make(String(p)); } });
    const vscode = {
      workspace: ns({ onDidOpenTextDocument: () => disposable, onDidCloseTextDocument: () => disposable, onDidChangeConfiguration: () => disposable, onDidGrantWorkspaceTrust: () => disposable, textDocuments: [], getConfiguration: () => ({ get: (k, d) => d, has: () => false, inspect: () => undefined, update: async () => undefined }), workspaceFolders: [], isTrusted: true }),
      window: ns({ showInformationMessage: async () => undefined, showWarningMessage: async () => undefined, showErrorMessage: async () => undefined, createOutputChannel: () => make('channel'), createStatusBarItem: () => make('statusBarItem'), activeTextEditor: undefined, visibleTextEditors: [], onDidChangeActiveTextEditor: () => disposable, registerTreeDataProvider: () => disposable, createTreeView: () => make('treeView'), registerWebviewViewProvider: () => disposable }),
      commands: ns({ registerCommand: () => disposable, executeCommand: async () => undefined }),
      languages: ns({ setTextDocumentLanguage: async () => undefined, registerCodeLensProvider: () => disposable, createDiagnosticCollection: () => make('diagnostics') }),
      env: ns({ language: 'en', appName: 'bench', clipboard: make('clipboard') }),
      extensions: ns({}), tasks: ns({ registerTaskProvider: () => disposable }), debug: ns({}), authentication: ns({}), tests: ns({}), notebooks: ns({}), scm: ns({}), comments: ns({}), l10n: ns({ t: (s) => s }),
      Disposable: class { constructor(f) { this.f = f; } dispose() { this.f && this.f(); } static from() { return disposable; } },
      EventEmitter: class { constructor() { this.event = () => disposable; } fire() {} dispose() {} },
      Uri: { file: (p) => ({ fsPath: p, path: p, scheme: 'file', toString: () => 'file://' + p }), parse: (s) => ({ toString: () => s }), joinPath: (u, ...p) => ({ fsPath: require('path').join(u.fsPath || '', ...p) }) },
      version: '1.93.0',
    };
    for (const name of ['StatusBarAlignment', 'TreeItemCollapsibleState', 'ProgressLocation', 'ConfigurationTarget', 'DiagnosticSeverity', 'ViewColumn', 'TaskScope', 'TaskRevealKind', 'TaskPanelKind', 'CompletionItemKind', 'SymbolKind', 'FileType', 'QuickPickItemKind', 'ExtensionMode', 'UIKind', 'EndOfLine', 'TextEditorRevealType', 'OverviewRulerLane', 'DecorationRangeBehavior'])
      vscode[name] = new Proxy({}, { get: (t, p) => (typeof p === 'string' ? p : undefined) });
    for (const name of ['MarkdownString', 'ThemeColor', 'ThemeIcon', 'TreeItem', 'Range', 'Position', 'Location', 'Selection', 'CancellationTokenSource', 'RelativePattern', 'Task', 'ShellExecution', 'ProcessExecution', 'CustomExecution', 'CodeLens', 'Diagnostic', 'TabInputText', 'CompletionItem', 'SnippetString', 'WorkspaceEdit', 'TextEdit', 'Hover', 'DocumentLink', 'FileSystemError', 'CodeAction', 'CodeActionKind', 'TaskGroup', 'CallHierarchyItem', 'TypeHierarchyItem', 'SymbolInformation', 'InlayHint', 'CancellationError', 'DocumentSymbol', 'FoldingRange', 'SemanticTokens', 'SemanticTokensLegend', 'SignatureHelp', 'SignatureInformation', 'ParameterInformation', 'InlineValueText', 'InlineCompletionItem', 'LinkedEditingRanges', 'SelectionRange', 'ColorInformation', 'Color', 'ColorPresentation', 'DocumentHighlight', 'CompletionList', 'TextDocumentEdit', 'SnippetTextEdit', 'NotebookCellData', 'NotebookData', 'NotebookRange', 'DiagnosticRelatedInformation', 'InlayHintLabelPart', 'TypeHierarchyItem', 'WorkspaceSymbol', 'TreeItemLabel', 'DataTransfer', 'DataTransferItem'])
      vscode[name] = class { constructor(...a) { this.args = a; } static get [Symbol.species]() { return this; } };
    const load = Module._load;
    Module._load = function (request, parent, isMain) { return request === 'vscode' ? vscode : load.apply(this, arguments); };
    const subscriptions = [];
    const context = { subscriptions, asAbsolutePath: (p) => require('path').join(${JSON.stringify(ROOT)}, p), extensionPath: ${JSON.stringify(ROOT)},
      globalState: { get: () => undefined, update: async () => undefined, keys: () => [] }, workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
      extensionUri: { fsPath: ${JSON.stringify(ROOT)} }, environmentVariableCollection: make('env'), extension: { packageJSON: {} }, storageUri: undefined, globalStorageUri: { fsPath: require('os').tmpdir() }, logUri: { fsPath: require('os').tmpdir() }, secrets: make('secrets') };
    const t0 = process.hrtime.bigint();
    const ext = require(${JSON.stringify(path.join(DIST, 'client.js'))});
    const t1 = process.hrtime.bigint();
    const api = ext.activate(context);
    const t2 = process.hrtime.bigint();
    process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, subscriptions: subscriptions.length, api: api && typeof api.then === 'function' ? 'promise' : typeof api }), () => process.exit(0));
  `;
  const runs = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) {
      const text = String(r.stderr || r.stdout || r.error || 'failed');
      const lines = text.split('\n').filter((l) => l.length < 300);
      const at = lines.findIndex((l) => /Error/.test(l));
      return { error: (at >= 0 ? lines.slice(at, at + 3) : lines.slice(-3)).join(' ').slice(0, 400) };
    }
    runs.push(JSON.parse(r.stdout));
  }
  const total = runs.map((r) => r.requireMs + r.activateMs);
  return { runs, p50: quantile(total, 0.5), requireP50: quantile(runs.map((r) => r.requireMs), 0.5), activateP50: quantile(runs.map((r) => r.activateMs), 0.5), subscriptions: runs[0].subscriptions };
}

function measureVsix() {
  const given = option('--vsix');
  if (given) return { bytes: fs.statSync(given).size, path: given, how: 'given' };
  if (flag('--no-vsix')) return { skipped: true };
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (!fs.existsSync(vsce)) return { error: 'node_modules/@vscode/vsce not installed' };
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mss-bench-vsix-')), 'ms-swift-studio.vsix');
  const t0 = Date.now();
  try {
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: ROOT, stdio: 'pipe', timeout: 120000 });
  } catch (e) {
    return { error: String(e.stderr || e.message).split('\n').slice(0, 4).join(' ') };
  }
  const bytes = fs.statSync(out).size;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { bytes, how: `vsce package --no-dependencies (${((Date.now() - t0) / 1000).toFixed(1)} s)` };
}

function findEventFile() {
  const given = option('--events');
  if (given) return given;
  const dir = path.join(ROOT, '..', 'shared', 'fixtures', 'device-run', 'long', 'runs');
  if (!fs.existsSync(dir)) return undefined;
  const f = fs.readdirSync(dir).find((n) => n.startsWith('events.out.tfevents.'));
  return f ? path.join(dir, f) : undefined;
}

function measureEvents() {
  const file = findEventFile();
  if (!file) return { available: false, reason: 'event file not found' };
  const metrics = path.join(OUT, 'core', 'src', 'metrics');
  const events = requireOrNull(path.join(metrics, 'events.js'));
  const nodeSource = requireOrNull(path.join(metrics, 'node-source.js'));
  if (!events || typeof events.parseEventBytes !== 'function') return { available: false, reason: `no event-file reader in ${path.relative(ROOT, metrics)}/ (not built yet?)`, file };
  const buf = fs.readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  events.parseEventBytes(bytes); // warm-up (JIT), as in a running extension
  const parseRuns = [];
  let scalars = 0;
  let issues = 0;
  for (let i = 0; i < (QUICK ? 3 : 5); i++) {
    const t0 = process.hrtime.bigint();
    const r = events.parseEventBytes(bytes);
    const t = ms(t0, process.hrtime.bigint());
    parseRuns.push(t);
    scalars = r.scalars.length;
    issues = r.issues.length;
  }
  const readRuns = [];
  if (nodeSource && typeof nodeSource.readEventFile === 'function') {
    for (let i = 0; i < (QUICK ? 2 : 3); i++) {
      const t0 = process.hrtime.bigint();
      nodeSource.readEventFile(file);
      readRuns.push(ms(t0, process.hrtime.bigint()));
    }
  }
  const mb = bytes.length / 1e6;
  return {
    available: true,
    file: path.basename(file),
    mb,
    scalars,
    issues,
    parseMs: quantile(parseRuns, 0.5),
    parseMBps: mb / (quantile(parseRuns, 0.5) / 1000),
    readParseMBps: readRuns.length ? mb / (quantile(readRuns, 0.5) / 1000) : undefined,
  };
}

// ---- report -------------------------------------------------------------------------------------------------------

function fmt(x, digits = 1) {
  if (x === undefined || x === null || Number.isNaN(x)) return 'n/a';
  if (typeof x === 'string') return x;
  return x >= 100 ? x.toFixed(0) : x.toFixed(digits);
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r, k) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ') + (k === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

async function main() {
  for (const f of [path.join(DIST, 'server.js'), path.join(DIST, 'client.js')]) if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run npm run build first`);
  if (!fs.existsSync(YAML_LS)) throw new Error('bench/node_modules/yaml-language-server is missing: run npm ci in bench/');
  schemaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-bench-'));
  fs.mkdirSync(path.join(schemaDir, 'docs'), { recursive: true });
  for (const ex of examples) ensureSchema(modelineOf(ex.text).command, modelineOf(ex.text).version);
  ensureSchema('megatron sft', '4.5.2');
  const peerVersion = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version;

  log('spawn → initialize');
  const spawnTimes = await measureSpawn();
  log('starting both servers for the workload');
  const servers = [await startOurs(), await startPeer()];
  let results;
  try {
    await warmUp(servers);
    log('open examples → first diagnostics');
    const open = await measureOpen(servers);
    log('one-character edits → fresh diagnostics');
    const edits = await measureEdits(servers);
    log('completion and hover');
    const req = await measureRequests(servers);
    for (const s of servers) s.sampleRss();
    const rssExamples = { ours: servers[0].peakRssKb / 1024, peer: servers[1].peakRssKb / 1024 };
    log('synthetic configs');
    const sizes = await measureSizes(servers);
    sizes.rssExamples = rssExamples;
    results = { open, edits, req, sizes };
  } finally {
    for (const s of servers) await s.stop();
  }
  const rss = results.sizes.rss;
  log('client activation');
  const activation = measureActivation();
  log('vsix');
  const vsix = measureVsix();
  log('event file');
  const ev = measureEvents();
  fs.rmSync(schemaDir, { recursive: true, force: true });

  const { open, edits, req, sizes } = results;
  const S = (v) => stats(v);
  const rows = [['measure', 'ours', 'peer', 'peer/ours', 'target', 'met']];
  const ratio = (peer, ours) => (ours > 0 ? `${(peer / ours).toFixed(1)}x` : 'n/a');
  const add = (name, ours, peer, target = '', met = '') => rows.push([name, fmt(ours), peer === undefined ? '—' : fmt(peer), peer === undefined ? '—' : ratio(peer, ours), target, met]);
  const yes = (b) => (b ? 'met' : 'NOT MET');

  const sp = { ours: S(spawnTimes.ours), peer: S(spawnTimes.peer) };
  add(`spawn → initialized p50 ms (n=${sp.ours.n})`, sp.ours.p50, sp.peer.p50);
  for (const q of ['p50', 'p95', 'p99']) add(`open example → diagnostics ${q} ms (n=${open.times.ours.length})`, S(open.times.ours)[q], S(open.times.peer)[q]);
  const e = { ours: S(edits.ours), peer: S(edits.peer) };
  for (const q of ['p50', 'p95', 'p99']) {
    if (q === 'p95') add(`1-char edit → diagnostics p95 ms (n=${e.ours.n})`, e.ours.p95, e.peer.p95, '≥5x faster than peer', yes(e.peer.p95 / e.ours.p95 >= 5));
    else add(`1-char edit → diagnostics ${q} ms (n=${e.ours.n})`, e.ours[q], e.peer[q]);
  }
  const kc = { ours: S(req.key.ours), peer: S(req.key.peer) };
  const vc = { ours: S(req.value.ours), peer: S(req.value.peer) };
  for (const q of ['p50', 'p95', 'p99']) add(`key completion (empty line) ${q} ms (n=${kc.ours.n})`, kc.ours[q], kc.peer[q], q === 'p99' ? '< 10 ms' : '', q === 'p99' ? yes(kc.ours.p99 < 10) : '');
  for (const q of ['p50', 'p95', 'p99']) add(`value completion (recompute_granularity) ${q} ms`, vc.ours[q], vc.peer[q], q === 'p99' ? '< 10 ms' : '', q === 'p99' ? yes(vc.ours.p99 < 10) : '');
  const hv = { ours: S(req.hover.ours), peer: S(req.hover.peer) };
  for (const q of ['p50', 'p95', 'p99']) add(`hover on a key ${q} ms (n=${hv.ours.n})`, hv.ours[q], hv.peer[q]);
  for (const row of sizes.rows) {
    const o = quantile(row.open.ours, 0.5);
    const p = quantile(row.open.peer, 0.5);
    const big = row.lines >= 20000;
    add(`${row.lines}-line config (${(row.bytes / 1024).toFixed(0)} KB) open → diagnostics p50 ms`, o, p, big ? '< 150 ms' : '', big ? yes(o < 150) : '');
    add(`${row.lines}-line config edit → diagnostics p50 ms`, quantile(row.edit.ours, 0.5), quantile(row.edit.peer, 0.5));
  }
  for (const s of sizes.shapes) add(`20,000-line config, only ${s.shape === 'env' ? 'ENV entries' : 'a dataset list'}: open → diagnostics ms`, s.ms, undefined);
  add('peak RSS MB (VmHWM) after the example workload', sizes.rssExamples.ours, sizes.rssExamples.peer);
  add('peak RSS MB (VmHWM) after all shared workload (with 20,000 lines)', rss.ours, rss.peer, '≤ 0.5x peer', yes(rss.ours <= 0.5 * rss.peer));
  const notes = [];
  if (activation.error) {
    rows.push(['client activation ms', 'error (see notes)', '—', '—', '< 20 ms', 'NOT MET']);
    notes.push(`activation error: ${activation.error.slice(0, 400)}`);
  }
  else add(`client activation (require + activate) p50 ms (n=${activation.runs.length})`, activation.p50, undefined, '< 20 ms', yes(activation.p50 < 20));
  if (vsix.bytes) add('.vsix size MB', vsix.bytes / (1024 * 1024), undefined, '< 1.5 MB', yes(vsix.bytes < 1.5 * 1024 * 1024));
  else {
    rows.push(['.vsix size MB', vsix.skipped ? 'skipped' : 'error (see notes)', '—', '—', '< 1.5 MB', vsix.skipped ? '' : 'NOT MET']);
    if (vsix.error) notes.push(`vsix error: ${vsix.error.slice(0, 400)}`);
  }
  if (ev.available) {
    add(`event file parse MB/s (${ev.mb.toFixed(1)} MB, ${ev.scalars} points)`, ev.parseMBps, undefined, '≥ 100 MB/s', yes(ev.parseMBps >= 100));
    if (ev.readParseMBps) add('event file read + parse MB/s', ev.readParseMBps, undefined);
  } else {
    rows.push(['event file parse MB/s', 'not available', '—', '—', '≥ 100 MB/s', 'n/a']);
    notes.push(`event file: ${ev.reason}`);
  }

  const lines = [];
  lines.push(`ms-swift-studio benchmark — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0] ? os.cpus()[0].model : 'cpu'}${QUICK ? ' — QUICK' : ''}`);
  lines.push(`peer: yaml-language-server ${peerVersion} with the exported JSON Schema (yaml.schemas, YAML 1.1); both driven by bench/lsp.js over stdio, alternating`);
  lines.push('');
  lines.push(table(rows));
  lines.push('');
  lines.push(`errors reported on the examples (ours / peer): ${examples.map((x) => `${x.name} ${open.diagCounts.ours[x.name]}/${open.diagCounts.peer[x.name]}`).join(', ')}`);
  lines.push(`completion items (ours / peer): key ${req.counts.ours.key}/${req.counts.peer.key}; value [${req.counts.ours.value}] / [${req.counts.peer.value}]`);
  lines.push(`synthetic error diagnostics (ours / peer): ${sizes.rows.map((r) => `${r.lines} lines ${r.errors.ours}/${r.errors.peer}`).join(', ')}`);
  lines.push('note: edit → diagnostics includes each server\'s debounce (ours: 5 ms + 1 ms per 8,000 characters, at most 200 ms; yaml-language-server: 200 ms)');
  if (!activation.error) lines.push(`activation: require ${fmt(activation.requireP50, 2)} ms + activate() ${fmt(activation.activateP50, 2)} ms (p50), ${activation.subscriptions} subscriptions`);
  if (ev.available) lines.push(`event file: ${ev.file}, parse p50 ${fmt(ev.parseMs)} ms, ${ev.issues} issues`);
  lines.push(...notes);
  lines.push(`total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(lines.join('\n') + '\n');
  const jsonOut = option('--json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ spawnTimes, results, rss, activation, vsix, ev }, null, 1));
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
