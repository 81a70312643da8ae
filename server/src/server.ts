// The language server: a thin LSP layer over the pure core. Documents are parsed and checked once per version
// (AnalysisCache); diagnostics are pushed after a short, size-aware delay and dropped when a newer version exists.
import {
  CodeAction,
  Connection,
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
import { CheckOptions } from '../../core/src/check';

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
  const log = (m: string) => connection.console.error(m);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
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

  async function optionsFor(uri: string): Promise<CheckOptions> {
    return checkOptionsFrom(await settingsFor(uri));
  }

  function schedule(doc: TextDocument, immediate: boolean): void {
    pending.get(doc.uri)?.dispose();
    // bigger documents wait a little longer while the user is typing
    const delay = immediate ? 0 : Math.min(250, 50 + Math.floor(doc.getText().length / 4000));
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

  connection.onDidChangeConfiguration(() => {
    settingsByUri.clear();
    cache.clear();
    for (const doc of documents.all()) schedule(doc, true);
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

  documents.listen(connection);
  connection.listen();
}
