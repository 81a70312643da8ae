// A status bar item with the GPUs' state (from nvidia-smi), refreshed while ms-swift configs are open.
import * as vscode from 'vscode';
import { queryGpus } from '../host/gpus';

export class GpuStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('msSwiftStudio.gpus', vscode.StatusBarAlignment.Right, 100);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  start(): void {
    if (this.timer || this.stopped) return;
    this.item.name = 'ms-swift GPUs';
    this.item.command = 'msSwiftStudio.selectGpus';
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), 30_000);
  }

  async refresh(): Promise<void> {
    const q = await queryGpus();
    if (!q.ok) {
      this.item.text = '$(circle-slash) no GPU';
      this.item.tooltip = q.reason;
      this.item.show();
      return;
    }
    const free = q.gpus.filter((g) => g.memoryUsed < 1024).length;
    this.item.text = `$(server) ${free}/${q.gpus.length} GPUs free`;
    this.item.tooltip = new vscode.MarkdownString(q.gpus.map((g) => `GPU ${g.index} · ${g.name} · ${(g.memoryUsed / 1024).toFixed(1)} / ${(g.memoryTotal / 1024).toFixed(0)} GiB · ${g.utilization ?? '?'}%`).join('  \n') + '\n\nClick to choose the GPUs for runs.');
    this.item.show();
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
  }
}
