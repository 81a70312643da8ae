// Status bar: the active run's iteration / total, loss and time left, from its logging.jsonl; a click opens the
// metrics view.
import * as path from 'path';
import * as vscode from 'vscode';
import { nodeFileView } from '../../../core/src/files';
import { latestVersionFolder, discoverRun } from '../../../core/src/metrics';
import { RunRecord } from '../host/runs';
import { progressText, readProgress } from './runs-tree';

export class RunStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('msSwiftStudio.run', vscode.StatusBarAlignment.Left, 50);
  private timer: NodeJS.Timeout | undefined;
  private run: RunRecord | undefined;

  constructor(private readonly running: () => Promise<RunRecord[]>) {
    this.item.name = 'ms-swift run';
  }

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), 10_000);
  }

  /** the run folder ms-swift writes to: the newest vN-… folder of the output folder */
  static runFolder(r: RunRecord): string | undefined {
    if (!r.outputDir) return undefined;
    return latestVersionFolder(r.outputDir, nodeFileView())?.path;
  }

  async refresh(): Promise<void> {
    const runs = (await this.running()).filter((r) => r.kind === 'train');
    this.run = runs[0];
    if (!this.run) {
      this.item.hide();
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const folder = RunStatus.runFolder(this.run);
    const files = folder ? discoverRun(folder, nodeFileView(), { maxDepth: 1 }) : undefined;
    const progress = files?.loggingJsonl ? readProgress(files.loggingJsonl) : undefined;
    this.item.text = `$(sync~spin) ${this.run.name}${progress ? ` · ${progressText(progress)}` : ' · starting'}`;
    this.item.tooltip = `${this.run.commandLine}\n\n${folder ? `Writing to ${folder}` : 'Waiting for the run folder'}${runs.length > 1 ? `\n${runs.length - 1} more run(s) going` : ''}\nClick to open the metrics.`;
    this.item.command = folder ? { title: 'Open metrics', command: 'msSwiftStudio.openMetrics', arguments: [vscode.Uri.file(folder)] } : undefined;
    this.item.show();
    void path;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
  }
}
