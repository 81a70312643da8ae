// Running helper programs (python, nvidia-smi, tmux) with a time limit; never through a shell.
import { execFile } from 'child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the program could not be started (not installed, not executable) */
  notFound?: boolean;
  timedOut?: boolean;
}

export function run(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args as string[],
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 15000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        if (e && (e.code === 'ENOENT' || e.code === 'EACCES')) return resolve({ code: null, stdout: '', stderr: e.message, notFound: true });
        if (e?.killed) return resolve({ code: null, stdout, stderr, timedOut: true });
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
