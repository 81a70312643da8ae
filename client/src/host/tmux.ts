// Detached runs in tmux: the run keeps going when the VS Code window closes or the SSH link drops; its output
// also goes to a log file; the exit status is written next to it; reopening VS Code lists and reattaches.
import { run } from './exec';

export const SESSION_PREFIX = 'mss-';

export interface TmuxOptions {
  /** tmux -L socket name (tests use their own server) */
  socket?: string;
  tmux?: string;
}

export interface StartRequest {
  session: string;
  cwd: string;
  /** the complete command line for `bash -c` (environment assignments included) */
  commandLine: string;
  logFile: string;
  exitFile: string;
  /** run first, e.g. `source ~/miniconda3/bin/activate myenv` */
  activation?: string;
}

export class Tmux {
  constructor(private readonly options: TmuxOptions = {}) {}

  private args(rest: string[]): string[] {
    return this.options.socket ? ['-L', this.options.socket, ...rest] : rest;
  }

  private tmux(rest: string[], timeoutMs = 10000) {
    return run(this.options.tmux ?? 'tmux', this.args(rest), { timeoutMs });
  }

  async available(): Promise<boolean> {
    const r = await run(this.options.tmux ?? 'tmux', ['-V'], { timeoutMs: 5000 });
    return r.code === 0;
  }

  /** The bash script a session runs: activation, the command with its output teed to the log, the exit status. */
  static script(req: StartRequest): string {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const activation = req.activation ? `${req.activation} || { echo "activation failed: ${req.activation.replace(/["\\$`]/g, '\\$&')}"; exit 97; }; ` : '';
    return [
      // a trap (not an ignore) keeps this shell alive when Ctrl-C ends the run, so the exit status is recorded
      `trap ':' INT`,
      // tee ignores Ctrl-C so that the run's last words (after an interrupt) still reach the log
      `${activation}( ${req.commandLine} ) 2>&1 | ( trap '' INT; exec tee -a ${q(req.logFile)} )`,
      `code=\${PIPESTATUS[0]}`,
      `echo "$code" > ${q(req.exitFile)}`,
      `echo; echo "[ms-swift-studio] the run ended with exit status $code; press Enter to close"`,
      `read -r _`,
    ].join('; ');
  }

  async start(req: StartRequest): Promise<void> {
    if (!req.session.startsWith(SESSION_PREFIX)) throw new Error(`session names start with ${SESSION_PREFIX}`);
    const r = await this.tmux(['new-session', '-d', '-s', req.session, '-c', req.cwd, '-x', '220', '-y', '50', 'bash', '-c', Tmux.script(req)]);
    if (r.code !== 0) throw new Error(`tmux could not start the session: ${r.stderr.trim()}`);
  }

  /** Our sessions that exist (running or ended but not closed). */
  async sessions(): Promise<string[]> {
    const r = await this.tmux(['list-sessions', '-F', '#{session_name}']);
    if (r.code !== 0) return []; // no server: no sessions
    return r.stdout.split('\n').filter((s) => s.startsWith(SESSION_PREFIX));
  }

  async exists(session: string): Promise<boolean> {
    return (await this.tmux(['has-session', '-t', `=${session}`])).code === 0;
  }

  /** argv for a terminal that attaches to the session */
  attachArgv(session: string): string[] {
    return [this.options.tmux ?? 'tmux', ...this.args(['attach-session', '-t', `=${session}`])];
  }

  /** Sends Ctrl-C; if the run has not ended after `graceMs`, kills the session. */
  async stop(session: string, exitFile: string, fileExists: (p: string) => boolean, graceMs = 10000): Promise<'interrupted' | 'killed' | 'gone'> {
    if (!(await this.exists(session))) return 'gone';
    await this.tmux(['send-keys', '-t', `=${session}:`, 'C-c']);
    const end = Date.now() + graceMs;
    while (Date.now() < end) {
      if (fileExists(exitFile)) {
        await this.tmux(['kill-session', '-t', `=${session}`]);
        return 'interrupted';
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.tmux(['kill-session', '-t', `=${session}`]);
    return 'killed';
  }

  async killServer(): Promise<void> {
    await this.tmux(['kill-server']);
  }
}
