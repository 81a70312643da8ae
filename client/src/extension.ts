// The VS Code extension: the language server for ms-swift configs (started lazily, on the first such document),
// detection of configs among plain YAML files, and one-click Train / Export / Infer with run management.
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { detectConfig } from '../../core/src/config/detect';
import type { Launcher } from './launch/launcher';
import type { RunNode } from './views/runs-tree';
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
  // loaded on the first config, not at activation (it is most of this bundle)
  const { LanguageClient, TransportKind, CloseAction, ErrorAction } = require(context.asAbsolutePath('dist/lsp-client.js')) as typeof import('./lsp-client');
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const restarts: number[] = [];
  let told = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    synchronize: { configurationSection: 'msSwiftStudio' },
    // a crashed server is restarted, and the user is told once; a server that keeps crashing is left stopped
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        while (restarts.length && now - restarts[0]! > 3 * 60_000) restarts.shift();
        restarts.push(now);
        if (restarts.length > 5) {
          void vscode.window.showErrorMessage('The ms-swift language server crashed 5 times in 3 minutes and was not restarted; see the "ms-swift Studio" output. Run "ms-swift: Restart the ms-swift language server" to try again.');
          return { action: CloseAction.DoNotRestart };
        }
        if (!told) {
          told = true;
          void vscode.window.showWarningMessage('The ms-swift language server stopped unexpectedly and was restarted.');
        }
        return { action: CloseAction.Restart };
      },
    },
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
  /** the language server's process id (for tests that crash it) */
  serverPid(): Promise<number | undefined>;
  /** the registered Runs view provider (for tests) */
  runsTree(): import('./views/runs-tree').RunsTreeProvider;
  /** what the last metrics view reported after drawing (for tests) */
  metricsRendered(): import('./views/metrics-panel').RenderedReport | undefined;
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
  // the Runs view, the metrics and TensorBoard views and the run status live in the launcher bundle too
  type Views = typeof import('./launch/index');
  let views: Views | undefined;
  const loadViews = (): Views => (views ??= require(context.asAbsolutePath('dist/launcher.js')) as Views);
  let tree: import('./views/runs-tree').RunsTreeProvider | undefined;
  let runStatus: import('./views/run-status').RunStatus | undefined;
  let tensorboards: import('./host/tensorboard').TensorBoardManager | undefined;
  const treeEmitter = new vscode.EventEmitter<undefined>();
  const runsTree = () => {
    if (!tree) {
      tree = new (loadViews().RunsTreeProvider)(launcher().store, () => launcher().runningRuns());
      tree.onDidChangeTreeData(() => treeEmitter.fire(undefined));
    }
    return tree;
  };
  const startRunStatus = () => {
    runStatus ??= new (loadViews().RunStatus)(() => launcher().runningRuns());
    runStatus.start();
  };
  const folderOf = (arg: unknown): string | undefined => {
    if (arg instanceof vscode.Uri) return arg.fsPath;
    if (arg && typeof arg === 'object' && 'fsPath' in arg && typeof (arg as { fsPath: unknown }).fsPath === 'string') return (arg as { fsPath: string }).fsPath;
    return undefined;
  };
  const openMetrics = async (arg?: unknown) => {
    let folder = folderOf(arg);
    if (!folder) {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Run folder (with runs/ or logging.jsonl)' });
      folder = picked?.[0]?.fsPath;
    }
    if (!folder) return undefined;
    return loadViews().MetricsPanel.show(context.extensionUri, [folder], { memory: memoryFor(folder), openTensorBoard: (f) => void openTb(vscode.Uri.file(f)) });
  };
  /** the estimate for the config a run folder came from (runs started here), to compare with its logged memory */
  const memoryFor = (folder: string): { estimateGiB?: number; gpuGiB?: number } | undefined => {
    try {
      const v = loadViews();
      const record = launcher().store.list().find((r) => r.outputDir && r.configPath && (folder + '/').startsWith(r.outputDir.replace(/\/?$/, '/')));
      if (!record?.configPath) return undefined;
      const fs = require('fs') as typeof import('fs');
      const text = fs.readFileSync(record.configPath, 'utf8');
      const e = v.estimateForConfig(text, { files: v.nodeFileView(), baseDir: record.command.cwd, hostEnv: { HOME: process.env.HOME } });
      if ('unknown' in e) return undefined;
      return { estimateGiB: e.worst.reserved };
    } catch {
      return undefined;
    }
  };
  const openTb = async (arg?: unknown) => {
    const folder = folderOf(arg);
    if (!folder) return undefined;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('TensorBoard is not started in an untrusted workspace (it runs a program from the Python environment).');
      return undefined;
    }
    const { python, result } = await envs.probe();
    if (!result.ok) {
      void vscode.window.showErrorMessage(result.reason);
      return undefined;
    }
    const cmd = loadViews().tensorBoardCommand(python, result.env.packages, result.env.tools);
    if ('error' in cmd) {
      void vscode.window.showErrorMessage(cmd.error);
      return undefined;
    }
    const logdir = require('fs').existsSync(require('path').join(folder, 'runs')) ? require('path').join(folder, 'runs') : folder;
    const cfg = vscode.workspace.getConfiguration('msSwiftStudio');
    tensorboards ??= new (loadViews().TensorBoardManager)();
    try {
      return await loadViews().openTensorBoard(tensorboards, logdir, cmd.command, { port: cfg.get<number>('tensorboard.port', 0), extraArgs: cfg.get<string[]>('tensorboard.args', []) });
    } catch (e) {
      void vscode.window.showErrorMessage(`TensorBoard: ${(e as Error).message}`);
      return undefined;
    }
  };
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
    treeEmitter,
    { dispose: () => { runStatus?.dispose(); tensorboards?.dispose(); } },
    vscode.window.registerTreeDataProvider<RunNode>('msSwiftStudio.runs', {
      onDidChangeTreeData: treeEmitter.event,
      getChildren: (n?: RunNode) => runsTree().getChildren(n),
      getTreeItem: (n: RunNode) => runsTree().getTreeItem(n),
    }),
    vscode.commands.registerCommand('msSwiftStudio.refreshRuns', () => runsTree().refresh()),
    vscode.commands.registerCommand('msSwiftStudio.revealRun', (arg?: unknown) => {
      const folder = folderOf(arg);
      if (folder) return vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(folder));
      return undefined;
    }),
    vscode.commands.registerCommand('msSwiftStudio.openMetrics', (arg?: unknown) => openMetrics(arg)),
    vscode.commands.registerCommand('msSwiftStudio.openTensorBoard', (arg?: unknown) => openTb(arg)),
    vscode.commands.registerCommand('msSwiftStudio.openRunLog', async (arg?: { record?: { logFile: string }; fsPath?: string }) => {
      const log = arg?.record?.logFile ?? (arg?.fsPath ? require('fs').readdirSync(arg.fsPath).filter((n: string) => /^ms-swift-studio-.*\.log$/.test(n)).map((n: string) => require('path').join(arg.fsPath, n))[0] : undefined);
      if (!log) {
        void vscode.window.showInformationMessage('This run has no log written by ms-swift Studio (it was not started from the extension).');
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(log));
    }),
    vscode.commands.registerCommand('msSwiftStudio.deleteRun', async (arg?: unknown) => {
      const folder = folderOf(arg);
      if (!folder) return;
      const ok = await vscode.window.showWarningMessage(`Delete the run folder ${folder} with its checkpoints and logs?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      await vscode.workspace.fs.delete(vscode.Uri.file(folder), { recursive: true, useTrash: true });
      runsTree().refresh();
    }),
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
    vscode.commands.registerCommand('msSwiftStudio.train', async (uri?: vscode.Uri) => {
      const r = await launcher().train(uri);
      if (r) {
        startRunStatus();
        tree?.refresh();
      }
      return r;
    }),
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
  const timer = setTimeout(() => void reportRunning(launcher, startRunStatus), 3000);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return {
    languageId: LANGUAGE_ID,
    launcher,
    runsTree: () => runsTree(),
    metricsRendered: () => loadViews().MetricsPanel.lastRendered,
    serverPid: async () => {
      if (!client) return undefined;
      await starting;
      return (await client.sendRequest<{ pid: number }>('msSwiftStudio/serverInfo')).pid;
    },
  };
}

async function reportRunning(launcher: () => Launcher, onRunning: () => void): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const n = await launcher().reattach(false);
  if (n > 0) onRunning();
  if (n > 0) {
    const c = await vscode.window.showInformationMessage(`${n} ms-swift run${n === 1 ? ' is' : 's are'} still running.`, 'Show');
    if (c === 'Show') await launcher().reattach(true);
  }
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
