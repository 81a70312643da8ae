// The VS Code extension: the language server for ms-swift configs (started lazily, on the first such document),
// detection of configs among plain YAML files, and one-click Train / Export / Infer with run management.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { detectConfig } from '../../core/src/config/detect';
import type { Launcher } from './launch/launcher';
import { LaunchCodeLensProvider } from './launch/codelens';
import { GpuStatus } from './launch/status';
import { PythonEnvironments } from './launch/environment';
import { queryGpus } from './host/gpus';

export const LANGUAGE_ID = 'ms-swift-yaml';
const GPU_STATE_KEY = 'msSwiftStudio.gpus';

let client: LanguageClient | undefined;
const envs = new PythonEnvironments();
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
  starting = client.start().then(() => sendEnvironment(context));
  return starting;
}

/**
 * Tells the server what this machine has — the Python environment's ms-swift version and packages, the GPUs runs
 * will use — so that the checks match what will run. Only in a trusted workspace (it runs the interpreter).
 */
async function sendEnvironment(context: vscode.ExtensionContext): Promise<void> {
  if (!client || !vscode.workspace.isTrusted) return;
  const params: { msSwiftVersion?: string; packages?: Record<string, string>; visibleGpus?: number; gpuMemoryGiB?: number; gpuName?: string } = {};
  try {
    const { result } = await envs.probe();
    if (result.ok) {
      params.packages = result.env.packages;
      if (result.env.packages['ms-swift']) params.msSwiftVersion = result.env.packages['ms-swift'];
    }
  } catch {
    /* no environment: the server keeps its defaults */
  }
  const remembered = context.workspaceState.get<number[]>(GPU_STATE_KEY);
  if (remembered?.length) params.visibleGpus = remembered.length;
  const gpus = await queryGpus();
  if (gpus.ok) {
    const used = remembered?.length ? gpus.gpus.filter((g) => remembered.includes(g.index)) : gpus.gpus;
    const smallest = [...(used.length ? used : gpus.gpus)].sort((a, b) => a.memoryTotal - b.memoryTotal)[0]!;
    params.gpuMemoryGiB = smallest.memoryTotal / 1024;
    params.gpuName = smallest.name;
  }
  await client.sendNotification('msSwiftStudio/environment', params);
}

function maybeAdopt(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'yaml' || doc.uri.scheme === 'git') return;
  if (!vscode.workspace.getConfiguration('msSwiftStudio', doc.uri).get<boolean>('detectConfigsInPlainYaml', true)) return;
  if (detectConfig(doc.getText()).looksLikeConfig) void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
}

export interface ExtensionApi {
  languageId: string;
  /** the launcher (loaded on first use) */
  launcher(): Launcher;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const output = vscode.window.createOutputChannel('ms-swift Studio');
  let launcherInstance: Launcher | undefined;
  // the launch machinery (catalogs, command building) is a separate bundle, loaded on first use
  const launcher = (): Launcher => {
    if (!launcherInstance) {
      const mod = require(context.asAbsolutePath('dist/launcher.js')) as typeof import('./launch/index');
      launcherInstance = new mod.Launcher(context, output);
      context.subscriptions.push(launcherInstance, launcherInstance.onDidChangeRuns(() => lenses.refresh()));
    }
    return launcherInstance;
  };
  const lenses = new LaunchCodeLensProvider(() => context.workspaceState.get<number[]>(GPU_STATE_KEY));
  const gpuStatus = new GpuStatus();
  const onDoc = (doc: vscode.TextDocument) => {
    if (doc.languageId === LANGUAGE_ID) {
      void ensureClient(context);
      gpuStatus.start();
    } else maybeAdopt(doc);
  };
  context.subscriptions.push(
    output,
    gpuStatus,
    vscode.workspace.onDidOpenTextDocument(onDoc),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void sendEnvironment(context)),
    vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, lenses),
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
    vscode.commands.registerCommand('msSwiftStudio.train', (uri?: vscode.Uri) => launcher().train(uri)),
    vscode.commands.registerCommand('msSwiftStudio.export', (uri?: vscode.Uri) => launcher().exportCheckpoint(uri)),
    vscode.commands.registerCommand('msSwiftStudio.infer', (uri?: vscode.Uri) => launcher().infer(uri)),
    vscode.commands.registerCommand('msSwiftStudio.stop', (runId?: string) => launcher().stop(typeof runId === 'string' ? runId : undefined)),
    vscode.commands.registerCommand('msSwiftStudio.showCommand', (uri?: vscode.Uri) => launcher().showCommand(uri)),
    vscode.commands.registerCommand('msSwiftStudio.selectGpus', async () => {
      await launcher().pickGpus(true);
      lenses.refresh();
      void sendEnvironment(context);
    }),
    vscode.commands.registerCommand('msSwiftStudio.reattach', () => launcher().reattach(true)),
    vscode.commands.registerCommand('msSwiftStudio.showEstimate', async (uri?: string | vscode.Uri) => {
      const target = uri ? uri.toString() : vscode.window.activeTextEditor?.document.uri.toString();
      if (!target || !client) return undefined;
      const answer = await client.sendRequest<{ markdown: string }>('msSwiftStudio/estimate', { uri: target });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: answer.markdown });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
      return answer.markdown;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('msSwiftStudio.python')) {
        launcherInstance?.envs.forget();
        envs.forget();
        void sendEnvironment(context);
      }
    }),
  );
  for (const doc of vscode.workspace.textDocuments) onDoc(doc);
  // runs that kept going while the window was closed: look a little later, off the activation path
  const timer = setTimeout(() => void reportRunning(launcher), 3000);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return { languageId: LANGUAGE_ID, launcher };
}

async function reportRunning(launcher: () => Launcher): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const n = await launcher().reattach(false);
  if (n > 0) {
    const c = await vscode.window.showInformationMessage(`${n} ms-swift run${n === 1 ? ' is' : 's are'} still running.`, 'Show');
    if (c === 'Show') await launcher().reattach(true);
  }
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
