// A language server that crashes is restarted by the client: diagnostics come back.
import * as assert from 'assert';
import * as vscode from 'vscode';

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('crash recovery', () => {
  it('restarts a killed language server, and diagnostics work again', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'ms-swift-studio')!;
    const api = (ext.isActive ? ext.exports : await ext.activate()) as { serverPid(): Promise<number | undefined> };
    const ws = vscode.workspace.workspaceFolders![0]!.uri;
    const doc = await vscode.workspace.openTextDocument({ language: 'ms-swift-yaml', content: '# megatron sft\nmicrobatch_size: 2\n' });
    await vscode.window.showTextDocument(doc);
    void ws;
    await until(() => (vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'unknown-argument') ? true : undefined));
    const pid = await until(() => api.serverPid());
    process.kill(pid, 'SIGKILL');
    // after the restart the server answers with another process, and an edit is checked again
    const newPid = await until(async () => {
      try {
        const p = await api.serverPid();
        return p && p !== pid ? p : undefined;
      } catch {
        return undefined;
      }
    }, 40000);
    assert.notStrictEqual(newPid, pid);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(2, 0), 'recompute_granularity: fulll\n');
    await vscode.workspace.applyEdit(edit);
    await until(() => (vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'value-not-in-choices') ? true : undefined), 30000);
  });
});
