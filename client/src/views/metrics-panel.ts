// The metrics view: a webview that draws the curves of one or more run folders, following them while they grow.
// The page (client/webview/metrics) draws; this side reads the files (RunData) and posts points.
import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { nodeFileView } from '../../../core/src/files';
import { RunData } from '../host/run-data';

interface Followed {
  id: string;
  label: string;
  data: RunData;
}

export interface RenderedReport {
  charts: number;
  points: number;
  drawnPoints: number;
}

export class MetricsPanel implements vscode.Disposable {
  private static readonly panels = new Set<MetricsPanel>();
  static lastRendered: RenderedReport | undefined;

  private readonly runs: Followed[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, folders: string[], options: { memory?: { estimateGiB?: number; gpuGiB?: number }; openTensorBoard?: (folder: string) => void } = {}): MetricsPanel {
    const panel = vscode.window.createWebviewPanel('msSwiftStudio.metrics', `Metrics: ${folders.map((f) => path.basename(f)).join(', ')}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    return new MetricsPanel(panel, extensionUri, folders, options);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    folders: string[],
    private readonly options: { memory?: { estimateGiB?: number; gpuGiB?: number }; openTensorBoard?: (folder: string) => void },
  ) {
    MetricsPanel.panels.add(this);
    const view = nodeFileView();
    folders.forEach((f, i) => this.runs.push({ id: `run${i}`, label: path.basename(f), data: new RunData(f, view) }));
    const webview = panel.webview;
    const nonce = crypto.randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'metrics.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'metrics.css'));
    const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'; font-src ${webview.cspSource}`;
    webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}"></head>
<body><div id="app"></div><script nonce="${nonce}" src="${script}"></script></body></html>`;
    this.disposables.push(
      webview.onDidReceiveMessage((m: { type?: string; charts?: number; points?: number; drawnPoints?: number; runId?: string }) => {
        if (m.type === 'ready') {
          this.ready = true;
          this.sendInit();
          this.timer ??= setInterval(() => this.sendAppend(), 2000);
        } else if (m.type === 'rendered') {
          MetricsPanel.lastRendered = { charts: m.charts ?? 0, points: m.points ?? 0, drawnPoints: m.drawnPoints ?? 0 };
        } else if (m.type === 'openTensorBoard' && m.runId) {
          const run = this.runs.find((r) => r.id === m.runId);
          if (run) this.options.openTensorBoard?.(run.data.folder);
        }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private sendInit(): void {
    const series = this.runs.flatMap((r) => {
      const p = r.data.poll();
      return p.series.map((s) => ({ runId: r.id, ...s }));
    });
    const memory = { ...(this.options.memory ?? {}) };
    void this.panel.webview.postMessage({
      type: 'init',
      title: this.runs.map((r) => r.label).join(' · '),
      runs: this.runs.map((r) => ({ id: r.id, label: r.label })),
      series,
      ...(memory.estimateGiB || memory.gpuGiB ? { memory } : {}),
    });
  }

  private sendAppend(): void {
    if (!this.ready) return;
    let reset = false;
    const series = this.runs.flatMap((r) => {
      const p = r.data.poll();
      reset ||= p.reset;
      return p.series.map((s) => ({ runId: r.id, ...s }));
    });
    if (reset) {
      void this.panel.webview.postMessage({ type: 'reset' });
      this.sendInit();
      return;
    }
    if (series.length) void this.panel.webview.postMessage({ type: 'append', series });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const r of this.runs) r.data.dispose();
    this.disposables.forEach((d) => d.dispose());
    MetricsPanel.panels.delete(this);
  }
}
