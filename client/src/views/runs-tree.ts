// The Runs view: run folders found in the workspace (output folders of configs, megatron_output/, output/) and
// runs started from the extension, with their state and last metrics; checkpoints, logs and TensorBoard logs
// inside; actions on each.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { nodeFileView } from '../../../core/src/files';
import { discoverRun, parseLoggingJsonl, progressOf, RunProgress, versionFolders } from '../../../core/src/metrics';
import { RunRecord, RunStore } from '../host/runs';
import { logTail } from '../host/failures';

export type RunState = 'running' | 'finished' | 'failed' | 'stopped' | 'unknown';

export class RunNode {
  constructor(
    readonly kind: 'output' | 'run' | 'checkpoint' | 'file' | 'record',
    readonly label: string,
    readonly fsPath: string | undefined,
    readonly description?: string,
    readonly state?: RunState,
    readonly record?: RunRecord,
  ) {}
}

const ICONS: Record<RunState, string> = { running: 'sync~spin', finished: 'pass', failed: 'error', stopped: 'debug-stop', unknown: 'circle-outline' };

function formatDuration(s: number | undefined): string | undefined {
  if (s === undefined || !Number.isFinite(s)) return undefined;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${m}m` : m ? `${m}m` : `${Math.round(s)}s`;
}

/** "step 120/600 · loss 1.234 · 12m left" */
export function progressText(p: RunProgress): string {
  const parts: string[] = [];
  if (p.step !== undefined) parts.push(p.totalSteps ? `step ${p.step}/${p.totalSteps}` : `step ${p.step}`);
  if (p.trainLoss !== undefined) parts.push(`loss ${p.trainLoss.toPrecision(4)}`);
  if (!p.finished && p.remainingSeconds !== undefined) parts.push(`${formatDuration(p.remainingSeconds)} left`);
  return parts.join(' · ');
}

/** progress from the tail of logging.jsonl (reads at most the last 256 KiB) */
export function readProgress(file: string): RunProgress | undefined {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return undefined;
  }
  let text = logTail(file, 256 * 1024);
  // a tail that starts inside a line: drop the partial first line
  if (size > 256 * 1024) text = text.slice(text.indexOf('\n') + 1);
  return progressOf(parseLoggingJsonl(text).records);
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunNode> {
  private readonly emitter = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly store: RunStore,
    private readonly running: () => Promise<RunRecord[]>,
  ) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async outputFolders(): Promise<string[]> {
    const out = new Set<string>();
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      for (const name of ['megatron_output', 'output']) {
        const p = path.join(wf.uri.fsPath, name);
        if (fs.existsSync(p)) out.add(p);
      }
    }
    const configs = await vscode.workspace.findFiles('**/*.{megatron,swift}.{yaml,yml}', '**/node_modules/**', 100);
    for (const c of configs) {
      try {
        const text = fs.readFileSync(c.fsPath, 'utf8');
        const m = /^(?:output_dir|save)[ \t]*:[ \t]*["']?([^"'\n#]+?)["']?[ \t]*(?:#.*)?$/m.exec(text);
        if (!m) continue;
        const base = vscode.workspace.getWorkspaceFolder(c)?.uri.fsPath ?? path.dirname(c.fsPath);
        const p = path.resolve(base, m[1]!.trim());
        if (fs.existsSync(p)) out.add(p);
      } catch {
        /* unreadable config */
      }
    }
    for (const r of this.store.list()) if (r.outputDir && fs.existsSync(r.outputDir)) out.add(r.outputDir);
    return [...out].sort();
  }

  async getChildren(node?: RunNode): Promise<RunNode[]> {
    const view = nodeFileView();
    if (!node) {
      const roots: RunNode[] = [];
      const running = await this.running();
      for (const r of running) roots.push(new RunNode('record', r.name, r.outputDir, `running since ${new Date(r.startedAt).toLocaleString()}`, 'running', r));
      for (const f of await this.outputFolders()) roots.push(new RunNode('output', path.basename(f), f, vscode.workspace.asRelativePath(f)));
      return roots;
    }
    if (node.kind === 'output' && node.fsPath) {
      const runs = versionFolders(node.fsPath, view).reverse();
      if (!runs.length) {
        // ms-swift's default layout: <output>/<model>/vN-...: show the folders that hold runs
        const subs = fs.readdirSync(node.fsPath, { withFileTypes: true }).filter((d) => d.isDirectory() && versionFolders(path.join(node.fsPath!, d.name), view).length > 0);
        return subs.map((d) => new RunNode('output', d.name, path.join(node.fsPath!, d.name), vscode.workspace.asRelativePath(path.join(node.fsPath!, d.name))));
      }
      const running = await this.running();
      return runs.map((v) => {
        const files = discoverRun(v.path, view, { maxDepth: 2 });
        const progress = files.loggingJsonl ? readProgress(files.loggingJsonl) : undefined;
        const record = this.store.list().find((r) => r.outputDir && path.resolve(r.outputDir) === path.resolve(node.fsPath!) && new Date(r.startedAt).getTime() <= dirTime(v.path) + 60_000);
        const state = stateOf(v.path, files.loggingJsonl, progress, record, running);
        return new RunNode('run', v.name, v.path, [state, progress ? progressText(progress) : ''].filter(Boolean).join(' · '), state, record);
      });
    }
    if ((node.kind === 'run' || node.kind === 'record') && node.fsPath) {
      const files = discoverRun(node.fsPath, view, { maxDepth: 3 });
      const out: RunNode[] = [];
      for (const c of [...files.checkpoints].sort((a, b) => b.step - a.step)) out.push(new RunNode('checkpoint', c.name, c.path, c.kind === 'hf' ? 'Hugging Face' : 'Megatron'));
      if (files.loggingJsonl) out.push(new RunNode('file', 'logging.jsonl', files.loggingJsonl));
      if (files.argsJson) out.push(new RunNode('file', 'args.json', files.argsJson));
      const runsDir = path.join(node.fsPath, 'runs');
      if (fs.existsSync(runsDir)) out.push(new RunNode('file', 'runs (TensorBoard)', runsDir, `${files.eventFiles.length} event file${files.eventFiles.length === 1 ? '' : 's'}`));
      for (const n of fs.readdirSync(node.fsPath).filter((x) => /^ms-swift-studio-.*\.log$/.test(x))) out.push(new RunNode('file', n, path.join(node.fsPath, n), 'run log'));
      return out;
    }
    return [];
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    const collapsible = node.kind === 'output' || node.kind === 'run' || node.kind === 'record' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    if (node.description) item.description = node.description;
    if (node.fsPath) {
      item.resourceUri = vscode.Uri.file(node.fsPath);
      item.tooltip = node.fsPath;
    }
    item.contextValue = node.kind === 'run' || node.kind === 'record' ? `msSwiftRun.${node.state ?? 'unknown'}` : node.kind === 'checkpoint' ? 'msSwiftCheckpoint' : node.kind === 'output' ? 'msSwiftOutput' : 'msSwiftFile';
    if (node.state) item.iconPath = new vscode.ThemeIcon(ICONS[node.state]);
    else if (node.kind === 'checkpoint') item.iconPath = new vscode.ThemeIcon('package');
    else if (node.kind === 'output') item.iconPath = new vscode.ThemeIcon('folder-library');
    if (node.kind === 'file' && node.fsPath && !node.fsPath.endsWith('runs')) item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(node.fsPath)] };
    return item;
  }
}

function dirTime(p: string): number {
  try {
    return fs.statSync(p).birthtimeMs || fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function stateOf(folder: string, jsonl: string | undefined, progress: RunProgress | undefined, record: RunRecord | undefined, running: RunRecord[]): RunState {
  if (record && running.some((r) => r.id === record.id)) return 'running';
  if (record?.exitCode !== undefined && record.exitCode !== null) return record.exitCode === 0 ? 'finished' : record.exitCode === 130 ? 'stopped' : 'failed';
  if (progress?.finished) return 'finished';
  if (jsonl) {
    try {
      if (Date.now() - fs.statSync(jsonl).mtimeMs < 120_000) return 'running';
    } catch {
      /* ignore */
    }
  }
  void folder;
  return 'unknown';
}
