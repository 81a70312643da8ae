// The VS Code extension: starts the language server for ms-swift configs (lazily, on the first such document)
// and offers the ms-swift config language for plain YAML files that look like run configs.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { detectConfig } from '../../core/src/config/detect';

export const LANGUAGE_ID = 'ms-swift-yaml';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

function ensureClient(context: vscode.ExtensionContext): Promise<void> {
  if (starting) return starting;
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    synchronize: { configurationSection: 'msSwiftStudio' },
  };
  client = new LanguageClient('msSwiftStudio', 'ms-swift Studio', serverOptions, clientOptions);
  starting = client.start();
  return starting;
}

function maybeAdopt(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'yaml' || doc.uri.scheme === 'git') return;
  if (!vscode.workspace.getConfiguration('msSwiftStudio', doc.uri).get<boolean>('detectConfigsInPlainYaml', true)) return;
  if (detectConfig(doc.getText()).looksLikeConfig) void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
}

export function activate(context: vscode.ExtensionContext): { languageId: string } {
  const onDoc = (doc: vscode.TextDocument) => {
    if (doc.languageId === LANGUAGE_ID) void ensureClient(context);
    else maybeAdopt(doc);
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(onDoc),
    vscode.commands.registerCommand('msSwiftStudio.useForDocument', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Open a YAML config first.');
        return;
      }
      await vscode.languages.setTextDocumentLanguage(editor.document, LANGUAGE_ID);
    }),
    vscode.commands.registerCommand('msSwiftStudio.restartServer', async () => {
      if (client) await client.restart();
      else await ensureClient(context);
    }),
  );
  for (const doc of vscode.workspace.textDocuments) onDoc(doc);
  return { languageId: LANGUAGE_ID };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
