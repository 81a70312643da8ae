// The language server: a thin LSP layer over the pure core. Documents are parsed and checked once per version
// (AnalysisCache); diagnostics are pushed after a short, size-aware delay and dropped when a newer version exists.
import {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  Connection,
  DocumentSymbol,
  FoldingRange,
  Hover,
  DidChangeConfigurationNotification,
  InitializeParams,
  InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from './documents';
import { toCodeAction, toLspDiagnostic } from './convert';
import { runSafe } from './safe';
import { checkOptionsFrom, ServerSettings } from './settings';
import { CheckOptions, ruleContextFor } from '../../core/src/check';
import { complete } from '../../core/src/service/completion';
import { hover } from '../../core/src/service/hover';
import { documentSymbols, foldingRanges } from '../../core/src/service/symbols';
import { argDescription, firstSentence, localeFrom, Locale } from '../../core/src/docs/arg-docs';
import { nodeFileView } from '../../core/src/files';
import { toCompletionItem, toDocumentSymbol, toFoldingRange } from './convert';
import { estimateLensTitle, estimateMarkdown, memoryEstimate } from '../../core/src/service/memory';
import { URI } from './uri';

declare const __VERSION__: string | undefined;

export interface ServerRuntime {
  setTimeout(fn: () => void, ms: number): { dispose(): void };
}

const nodeRuntime: ServerRuntime = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

export function startServer(connection: Connection, runtime: ServerRuntime = nodeRuntime): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const pending = new Map<string, { dispose(): void }>();
  const settingsByUri = new Map<string, Promise<ServerSettings | undefined>>();
  let supportsConfiguration = false;
  let supportsCodeLensRefresh = false;
  /** what the client found about the machine: the environment's ms-swift version, packages, GPUs */
  let machine: { msSwiftVersion?: string; packages?: Record<string, string>; visibleGpus?: number; gpuMemoryGiB?: number; gpuName?: string } = {};
  let clientLocale: string | undefined;
  let workspaceFolders: string[] = [];
  const files = nodeFileView();
  const log = (m: string) => connection.console.error(m);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    supportsCodeLensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    clientLocale = params.locale;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => URI.toPath(f.uri)).filter((p): p is string => !!p);
    if (!workspaceFolders.length && params.rootUri) {
      const root = URI.toPath(params.rootUri);
      if (root) workspaceFolders = [root];
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        completionProvider: { triggerCharacters: [':', ' ', '-', '/', '#', '['], resolveProvider: true },
        hoverProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'ms-swift-studio' },
    };
  });

  connection.onInitialized(() => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'msSwiftStudio' });
  });

  function settingsFor(uri: string): Promise<ServerSettings | undefined> {
    if (!supportsConfiguration) return Promise.resolve(undefined);
    const cached = settingsByUri.get(uri);
    if (cached) return cached;
    const fetched = connection.workspace.getConfiguration({ scopeUri: uri, section: 'msSwiftStudio' }).then(
      (v: unknown) => (v && typeof v === 'object' ? (v as ServerSettings) : undefined),
      () => undefined,
    );
    settingsByUri.set(uri, fetched);
    return fetched;
  }

  /** where relative paths in a config point: its workspace folder, else its own folder */
  function baseDirFor(uri: string): string | undefined {
    const file = URI.toPath(uri);
    if (!file) return undefined;
    const folder = workspaceFolders.filter((w) => file.startsWith(w.endsWith('/') ? w : `${w}/`)).sort((a, b) => b.length - a.length)[0];
    return folder ?? URI.dirname(file);
  }

  async function optionsFor(uri: string): Promise<CheckOptions> {
    const options = checkOptionsFrom(await settingsFor(uri));
    options.onRuleError = (id, e) => log(`rule ${id} failed on ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    // the installed ms-swift decides the version when neither the modeline nor the settings do
    if (machine.msSwiftVersion && !options.settings?.version) options.settings = { ...(options.settings ?? {}), version: machine.msSwiftVersion };
    if (machine.packages) options.python = { packages: machine.packages };
    if (machine.visibleGpus && !options.launch) options.launch = { visibleGpus: machine.visibleGpus };
    if (!options.gpuMemoryGiB && machine.gpuMemoryGiB) options.gpuMemoryGiB = machine.gpuMemoryGiB;
    if (machine.gpuName && options.gpuMemoryGiB === machine.gpuMemoryGiB) options.gpuName = machine.gpuName;
    const baseDir = baseDirFor(uri);
    if (baseDir) {
      options.files = files;
      options.baseDir = baseDir;
      options.hostEnv = { HOME: process.env.HOME, MODELSCOPE_CACHE: process.env.MODELSCOPE_CACHE, HF_HOME: process.env.HF_HOME, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
    }
    return options;
  }

  async function localeFor(uri: string): Promise<Locale> {
    return localeFrom(clientLocale, (await settingsFor(uri))?.language);
  }

  function schedule(doc: TextDocument, immediate: boolean): void {
    pending.get(doc.uri)?.dispose();
    // bigger documents wait a little longer while the user is typing
    // a short delay merges a burst of keystrokes; checking a usual config takes a few milliseconds
    const delay = immediate ? 0 : Math.min(200, 5 + Math.floor(doc.getText().length / 8000));
    pending.set(
      doc.uri,
      runtime.setTimeout(() => {
        pending.delete(doc.uri);
        void validate(doc.uri, doc.version);
      }, delay),
    );
  }

  async function validate(uri: string, version: number): Promise<void> {
    const options = await optionsFor(uri);
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return; // stale: a newer version is scheduled
    try {
      const result = cache.get(doc, options);
      await connection.sendDiagnostics({ uri, version, diagnostics: result.diagnostics.map((d) => toLspDiagnostic(d, uri)) });
    } catch (e) {
      log(`checking ${uri} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  documents.onDidOpen((e) => schedule(e.document, true));
  documents.onDidChangeContent((e) => schedule(e.document, false));
  documents.onDidClose((e) => {
    pending.get(e.document.uri)?.dispose();
    pending.delete(e.document.uri);
    cache.delete(e.document.uri);
    settingsByUri.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onNotification('msSwiftStudio/environment', (params: unknown) => {
    const p = (params ?? {}) as typeof machine;
    machine = {};
    if (typeof p.msSwiftVersion === 'string') machine.msSwiftVersion = p.msSwiftVersion;
    if (p.packages && typeof p.packages === 'object') machine.packages = Object.fromEntries(Object.entries(p.packages).filter(([, v]) => typeof v === 'string'));
    if (typeof p.visibleGpus === 'number' && p.visibleGpus > 0) machine.visibleGpus = p.visibleGpus;
    if (typeof p.gpuMemoryGiB === 'number' && p.gpuMemoryGiB > 0) machine.gpuMemoryGiB = p.gpuMemoryGiB;
    if (typeof p.gpuName === 'string') machine.gpuName = p.gpuName;
    cache.clear();
    for (const doc of documents.all()) schedule(doc, true);
    refreshLenses();
  });

  /** the memory CodeLens depends on the environment and the settings, not only on the text */
  function refreshLenses(): void {
    if (supportsCodeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  connection.onDidChangeConfiguration(() => {
    settingsByUri.clear();
    cache.clear();
    for (const doc of documents.all()) schedule(doc, true);
    refreshLenses();
  });

  connection.onCodeAction(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    return runSafe(log, 'codeAction', token, [] as CodeAction[], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const result = cache.get(doc, options);
      const actions: CodeAction[] = [];
      const r = params.range;
      for (const d of result.diagnostics) {
        if (!d.fixes?.length) continue;
        const overlaps = !(d.range.end.line < r.start.line || d.range.start.line > r.end.line);
        if (!overlaps) continue;
        const lsp = toLspDiagnostic(d, doc.uri);
        for (const fix of d.fixes) actions.push(toCodeAction(fix, doc.uri, lsp));
      }
      return actions;
    });
  });

  connection.onCompletion(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    const locale = await localeFor(params.textDocument.uri);
    return runSafe(log, 'completion', token, null as CompletionList | null, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const result = cache.get(doc, options);
      const items: CompletionItem[] = complete(result.doc, result.context, params.position, {
        locale,
        files,
        ...(options.baseDir ? { baseDir: options.baseDir } : {}),
        ...(process.env.HOME ? { home: process.env.HOME } : {}),
      }).map((c) => {
        const item = toCompletionItem(c);
        // argument docs are sent when an item is selected (completionItem/resolve): the list stays small
        if (c.kind === 'property' && item.documentation) {
          delete item.documentation;
          item.data = { arg: c.label, command: result.context.command, locale };
        }
        return item;
      });
      return { isIncomplete: false, items };
    });
  });

  connection.onCompletionResolve((item) => {
    const data = item.data as { arg?: string; command?: string; locale?: Locale } | undefined;
    if (data?.arg && data.command && data.locale) {
      const text = argDescription(data.arg, data.command, data.locale);
      if (text) item.documentation = { kind: 'markdown', value: firstSentence(text) };
    }
    return item;
  });

  connection.onHover(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    const locale = await localeFor(params.textDocument.uri);
    return runSafe(log, 'hover', token, null as Hover | null, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const result = cache.get(doc, options);
      const modelFacts = () => ruleContextFor(result.doc, result.context, options)?.model();
      const h = hover(result.doc, result.context, params.position, { locale, modelFacts });
      if (!h) return null;
      let value = h.markdown;
      // on the modeline: the memory estimate with its breakdown and assumptions
      if (result.doc.modeline && params.position.line === 0) {
        const e = estimateOf(params.textDocument.uri, options);
        if (e?.result) value += '\n\n---\n\n' + estimateMarkdown(e).replace(/^# .*\n/, '**GPU memory per rank (estimate)**\n');
      }
      return { contents: { kind: 'markdown', value }, range: h.range };
    });
  });

  connection.onDocumentSymbol(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    const locale = await localeFor(params.textDocument.uri);
    return runSafe(log, 'documentSymbol', token, [] as DocumentSymbol[], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const result = cache.get(doc, options);
      return documentSymbols(result.doc, result.context, locale).map(toDocumentSymbol);
    });
  });

  connection.onFoldingRanges(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    return runSafe(log, 'foldingRange', token, [] as FoldingRange[], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return foldingRanges(cache.get(doc, options).doc).map(toFoldingRange);
    });
  });

  /** the memory estimate of a document, with the GPU it is compared with */
  function estimateOf(uri: string, options: CheckOptions) {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const result = cache.get(doc, options);
    const ctx = ruleContextFor(result.doc, result.context, options);
    if (!ctx) return undefined;
    return { ...memoryEstimate(ctx), gpuMemoryGiB: options.gpuMemoryGiB, gpuName: options.gpuName };
  }

  connection.onCodeLens(async (params, token) => {
    const options = await optionsFor(params.textDocument.uri);
    return runSafe(log, 'codeLens', token, [] as CodeLens[], () => {
      const e = estimateOf(params.textDocument.uri, options);
      if (!e || !e.result) return [];
      const title = estimateLensTitle(e.result, e.gpuMemoryGiB, e.gpuName, e.pp);
      return [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, command: { title, command: 'msSwiftStudio.showEstimate', arguments: [params.textDocument.uri] } }];
    });
  });

  connection.onRequest('msSwiftStudio/serverInfo', () => ({ pid: process.pid, version: typeof __VERSION__ === 'string' ? __VERSION__ : 'dev' }));

  connection.onRequest('msSwiftStudio/estimate', async (params: { uri: string }) => {
    const options = await optionsFor(params.uri);
    try {
      const e = estimateOf(params.uri, options);
      if (!e) return { markdown: 'No estimate: the document is not open.' };
      return { markdown: estimateMarkdown(e), json: e.result ?? null };
    } catch (err) {
      log(`estimate failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return { markdown: 'The estimate failed; see the ms-swift Studio output.' };
    }
  });

  documents.listen(connection);
  connection.listen();
}
