'use strict';
// A minimal LSP client over stdio (JSON-RPC with Content-Length framing), with no dependencies, so that both
// servers are driven by exactly the same code. Only loopback pipes to child processes: no network.
const { spawn } = require('child_process');
const fs = require('fs');

class LspClient {
  /**
   * @param {string} name
   * @param {string[]} argv node arguments (script and flags)
   * @param {{ configuration?: (item: {section?: string, scopeUri?: string}) => unknown, cwd?: string }} options
   */
  constructor(name, argv, options = {}) {
    this.name = name;
    this.configuration = options.configuration || (() => null);
    this.spawnedAt = process.hrtime.bigint();
    this.proc = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd });
    this.pid = this.proc.pid;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buffer = Buffer.alloc(0);
    this.stderr = '';
    this.exited = false;
    this.peakRssKb = 0;
    this.proc.stdout.on('data', (chunk) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk) => {
      if (this.stderr.length < 20000) this.stderr += chunk.toString();
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      this.exitCode = code;
      for (const [, p] of this.pending) p.reject(new Error(`${name} exited (${code ?? signal}) with a request pending`));
      this.pending.clear();
    });
    this.proc.stdin.on('error', () => {});
    // sample the resident set while the server runs (VmHWM is the kernel's own peak; sampled VmRSS is a fallback)
    this.rssTimer = setInterval(() => this.sampleRss(), 25);
    this.rssTimer.unref();
  }

  sampleRss() {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      const kb = Math.max(hwm ? Number(hwm[1]) : 0, rss ? Number(rss[1]) : 0);
      if (kb > this.peakRssKb) this.peakRssKb = kb;
    } catch {
      /* gone, or no /proc */
    }
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.toString('ascii', 0, headerEnd);
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) throw new Error(`${this.name}: bad header ${header}`);
      const length = Number(m[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.toString('utf8', start, start + length);
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(msg) {
    const at = process.hrtime.bigint();
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${this.name}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // a request from the server
      let result = null;
      if (msg.method === 'workspace/configuration') result = (msg.params.items || []).map((item) => this.configuration(item));
      this.write({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    for (const l of [...this.listeners]) l(msg, at);
  }

  write(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request(method, params, timeoutMs = 30000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the time (hrtime bigint) of the first notification matching the predicate. */
  waitFor(method, predicate, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`${this.name}: no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (msg, at) => {
        if (msg.method !== method || !predicate(msg.params)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve({ at, params: msg.params });
      };
      this.listeners.push(listener);
    });
  }

  async initialize(extra = {}) {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
      ...extra,
    });
    this.initializedAt = process.hrtime.bigint();
    this.notify('initialized', {});
    return result;
  }

  async stop() {
    clearInterval(this.rssTimer);
    this.sampleRss();
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      /* ignore */
    }
    await new Promise((resolve) => {
      if (this.exited) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 3000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

module.exports = { LspClient };
