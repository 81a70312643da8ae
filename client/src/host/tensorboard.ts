// TensorBoard servers for run folders: started from the run's Python environment, bound to 127.0.0.1 on a free
// port, waited for until they answer, shared by every view of the same log folder, stopped with the last view.
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';

export interface TensorBoardOptions {
  /** argv prefix that starts TensorBoard, e.g. ['/env/bin/python', '-m', 'tensorboard.main'] */
  command: string[];
  /** a fixed port (0: a free one) */
  port?: number;
  extraArgs?: string[];
  /** how long to wait for the server to answer */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TensorBoardServer {
  logdir: string;
  port: number;
  url: string;
  process: ChildProcess;
  refs: number;
}

export class TensorBoardError extends Error {}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export class TensorBoardManager {
  private readonly servers = new Map<string, TensorBoardServer>();
  private readonly starting = new Map<string, Promise<TensorBoardServer>>();

  /** A server for the log folder (started, or shared); each call must be matched by release(). */
  async acquire(logdir: string, options: TensorBoardOptions): Promise<TensorBoardServer> {
    const existing = this.servers.get(logdir);
    if (existing && existing.process.exitCode === null) {
      existing.refs++;
      return existing;
    }
    let pending = this.starting.get(logdir);
    if (!pending) {
      pending = this.start(logdir, options).finally(() => this.starting.delete(logdir));
      this.starting.set(logdir, pending);
    }
    const server = await pending;
    server.refs++;
    return server;
  }

  private async start(logdir: string, options: TensorBoardOptions): Promise<TensorBoardServer> {
    const port = options.port && options.port > 0 ? options.port : await freePort();
    const [file, ...prefix] = options.command;
    if (!file) throw new TensorBoardError('no TensorBoard command');
    const args = [...prefix, '--logdir', logdir, '--host', '127.0.0.1', '--port', String(port), ...(options.extraArgs ?? [])];
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout?.on('data', () => undefined);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e) => reject(new TensorBoardError(`could not start TensorBoard (${file}): ${e.message}`)));
      child.once('exit', (code) => reject(new TensorBoardError(`TensorBoard exited (status ${code}) before it answered:\n${stderr.trim().split('\n').slice(-5).join('\n')}`)));
    });
    failed.catch(() => undefined);
    const url = `http://127.0.0.1:${port}/`;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const ok = await Promise.race([answers(url), failed]);
      if (ok) break;
      if (Date.now() > deadline) {
        this.kill(child);
        throw new TensorBoardError(`TensorBoard did not answer on ${url} within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 300)), failed]);
    }
    const server: TensorBoardServer = { logdir, port, url, process: child, refs: 0 };
    this.servers.set(logdir, server);
    child.once('exit', () => {
      if (this.servers.get(logdir) === server) this.servers.delete(logdir);
    });
    return server;
  }

  /** Drops one reference; the server stops with the last. */
  release(logdir: string): void {
    const s = this.servers.get(logdir);
    if (!s) return;
    s.refs--;
    if (s.refs <= 0) {
      this.servers.delete(logdir);
      this.kill(s.process);
    }
  }

  running(): TensorBoardServer[] {
    return [...this.servers.values()];
  }

  private kill(child: ChildProcess): void {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      if (process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
      else child.kill();
    } catch {
      child.kill();
    }
  }

  dispose(): void {
    for (const s of this.servers.values()) this.kill(s.process);
    this.servers.clear();
  }
}
