// The record of every run started from the extension, kept on the machine that runs it (the Remote-SSH host),
// so that a new window finds running runs and can reattach. One JSON file per run.
import * as fs from 'fs';
import * as path from 'path';
import { LaunchCommand } from '../../../core/src/launch/command';

export type RunKind = 'train' | 'export' | 'infer';

export interface RunRecord {
  id: string;
  name: string;
  kind: RunKind;
  /** config file the run came from, if any */
  configPath?: string;
  command: LaunchCommand;
  /** the command line as shown to the user */
  commandLine: string;
  startedAt: string;
  /** tmux session when detached */
  session?: string;
  logFile: string;
  exitFile: string;
  /** the run's output folder (output_dir/save), for metrics */
  outputDir?: string;
  /** set when the extension saw the run end */
  endedAt?: string;
  exitCode?: number | null;
}

const SAFE = /[^A-Za-z0-9_.-]+/g;

export class RunStore {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  newId(name: string, now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const base = `${name.replace(SAFE, '-').slice(0, 40)}-${stamp}`;
    let id = base;
    for (let i = 2; fs.existsSync(this.file(id)); i++) id = `${base}-${i}`;
    return id;
  }

  save(r: RunRecord): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file(r.id)}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(r, null, 2));
    fs.renameSync(tmp, this.file(r.id));
  }

  get(id: string): RunRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as RunRecord;
    } catch {
      return undefined;
    }
  }

  /** newest first; unreadable records are skipped */
  list(): RunRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names
      .map((n) => this.get(n.slice(0, -5)))
      .filter((r): r is RunRecord => !!r)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** The exit code recorded by the run's wrapper, when it has ended. */
  exitCodeOf(r: RunRecord): number | null | undefined {
    try {
      const t = fs.readFileSync(r.exitFile, 'utf8').trim();
      return /^-?\d+$/.test(t) ? Number(t) : null;
    } catch {
      return undefined;
    }
  }

  delete(id: string): void {
    fs.rmSync(this.file(id), { force: true });
  }
}
