// A small LSP client for protocol tests: spawns the bundled server over stdio and speaks JSON-RPC to it.
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { REPO_ROOT } from '../helpers';

export interface TestServer {
  connection: MessageConnection;
  process: ChildProcess;
  diagnostics: Map<string, { version?: number; diagnostics: Array<{ code: string; message: string; range: unknown; severity: number }> }[]>;
  waitForDiagnostics(uri: string, predicate?: (d: { version?: number; diagnostics: unknown[] }) => boolean, timeoutMs?: number): Promise<{ version?: number; diagnostics: Array<{ code: string; message: string; range: unknown; severity: number }> }>;
  stop(): Promise<void>;
}

export async function startServer(initOptions: Record<string, unknown> = {}): Promise<TestServer> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics: TestServer['diagnostics'] = new Map();
  const waiters: Array<() => void> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: never[] }) => {
    const list = diagnostics.get(p.uri) ?? [];
    list.push({ version: p.version, diagnostics: p.diagnostics });
    diagnostics.set(p.uri, list);
    for (const w of waiters.splice(0)) w();
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    ...initOptions,
  });
  connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    diagnostics,
    waitForDiagnostics(uri, predicate = () => true, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), timeoutMs);
        const check = () => {
          const found = (diagnostics.get(uri) ?? []).find(predicate);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
    async stop() {
      try {
        await connection.sendRequest('shutdown');
        connection.sendNotification('exit');
      } catch {
        /* already gone */
      }
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 3000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
      connection.dispose();
    },
  };
}
