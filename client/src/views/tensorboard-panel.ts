// TensorBoard in a webview: the server runs on the machine with the runs (loopback), and the view reaches it
// through vscode.env.asExternalUri, which forwards the port over Remote-SSH.
import * as path from 'path';
import * as vscode from 'vscode';
import { TensorBoardManager } from '../host/tensorboard';

export async function openTensorBoard(manager: TensorBoardManager, logdir: string, command: string[], settings: { port?: number; extraArgs?: string[] }): Promise<vscode.WebviewPanel> {
  const server = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting TensorBoard for ${path.basename(path.dirname(logdir))}…` }, () =>
    manager.acquire(logdir, { command, ...(settings.port ? { port: settings.port } : {}), ...(settings.extraArgs ? { extraArgs: settings.extraArgs } : {}) }),
  );
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(server.url));
  const origin = `${external.scheme}://${external.authority}`;
  const panel = vscode.window.createWebviewPanel('msSwiftStudio.tensorboard', `TensorBoard: ${path.basename(path.dirname(logdir))}`, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true });
  const csp = `default-src 'none'; frame-src ${origin}; style-src 'unsafe-inline'`;
  const src = external.toString(true);
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<style>html,body,iframe{margin:0;padding:0;border:0;width:100%;height:100%;overflow:hidden;background:var(--vscode-editor-background)}</style></head>
<body><iframe src="${src.replace(/"/g, '&quot;')}" title="TensorBoard" sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-downloads"></iframe></body></html>`;
  panel.onDidDispose(() => manager.release(logdir));
  return panel;
}

/** The argv prefix that starts TensorBoard in an environment, or an explanation of how to install it. */
export function tensorBoardCommand(python: string, packages: Record<string, string>, tools: Record<string, string | null>): { command: string[] } | { error: string } {
  if (!packages['tensorboard']) return { error: `TensorBoard is not installed in ${python}. Install it with: ${python} -m pip install tensorboard` };
  if (tools['tensorboard']) return { command: [tools['tensorboard']] };
  return { command: [python, '-m', 'tensorboard.main'] };
}
