// Finding the parts of a run folder, over an injected FileView (core/src/files.ts), so it stays testable.
//
// ms-swift puts each run in a version folder under the output directory (`output_dir` in 4.x, `save` in 3.x):
//   <output>/v3-20250612-101530/
//     args.json  logging.jsonl  runs/events.out.tfevents.<time>.<host>.<pid>.<n>
//     iter_0000100/ ... latest_checkpointed_iteration.txt   (Megatron-LM checkpoints, 3.x)
//     checkpoint-100/ ...                                    (ms-swift 4.x / transformers checkpoints)
import * as path from 'path';
import type { FileView } from '../files';

export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

export interface VersionFolder {
  path: string;
  name: string;
  /** N of vN-YYYYMMDD-HHMMSS */
  version: number;
  /** "YYYYMMDD-HHMMSS" */
  timestamp: string;
  /** the timestamp as an ISO-like local time "YYYY-MM-DDTHH:MM:SS" */
  startedAt: string;
}

export interface CheckpointFolder {
  path: string;
  name: string;
  kind: 'megatron' | 'hf';
  /** the iteration / global step in the name */
  step: number;
}

export interface RunFiles {
  folder: string;
  /** event files under the folder (any depth up to maxDepth), sorted by path */
  eventFiles: string[];
  loggingJsonl?: string;
  argsJson?: string;
  checkpoints: CheckpointFolder[];
  /** Megatron's latest_checkpointed_iteration.txt content, when present */
  latestCheckpointedIteration?: string;
  /** ms-swift version folders directly in the folder, oldest first */
  versionFolders: VersionFolder[];
  /** true when a limit cut the search short */
  truncated: boolean;
}

export interface DiscoverOptions {
  /** how deep to look for event files below the folder (default 6) */
  maxDepth?: number;
  /** at most this many directories are listed (default 2000) */
  maxDirectories?: number;
  /** at most this many event files are returned (default 1000) */
  maxEventFiles?: number;
}

const VERSION_FOLDER = /^v(\d+)-(\d{8})-(\d{6})$/;
const MEGATRON_CKPT = /^iter_(\d+)$/;
const HF_CKPT = /^checkpoint-(\d+)$/;
const SKIP_DIRS = new Set(['node_modules', '__pycache__', '.git', 'images', 'wandb', 'swanlog']);

export function isEventFileName(name: string): boolean {
  return name.startsWith(EVENT_FILE_PREFIX) && !name.endsWith('.tmp');
}

export function parseVersionFolderName(name: string): Omit<VersionFolder, 'path'> | undefined {
  const m = VERSION_FOLDER.exec(name);
  if (!m) return undefined;
  const d = m[2]!;
  const t = m[3]!;
  return {
    name,
    version: Number(m[1]),
    timestamp: `${d}-${t}`,
    startedAt: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`,
  };
}

export function parseCheckpointName(name: string): Omit<CheckpointFolder, 'path'> | undefined {
  let m = MEGATRON_CKPT.exec(name);
  if (m) return { name, kind: 'megatron', step: Number(m[1]) };
  m = HF_CKPT.exec(name);
  if (m) return { name, kind: 'hf', step: Number(m[1]) };
  return undefined;
}

/** ms-swift version folders (vN-YYYYMMDD-HHMMSS) directly in `folder`, oldest first. */
export function versionFolders(folder: string, view: FileView): VersionFolder[] {
  const out: VersionFolder[] = [];
  for (const name of view.list(folder)) {
    const v = parseVersionFolderName(name);
    if (!v) continue;
    const p = path.join(folder, name);
    if (view.isDirectory(p)) out.push({ ...v, path: p });
  }
  return out.sort((a, b) => a.version - b.version || a.timestamp.localeCompare(b.timestamp));
}

/** The newest version folder in `folder` (highest N, then latest timestamp), if any. */
export function latestVersionFolder(folder: string, view: FileView): VersionFolder | undefined {
  const all = versionFolders(folder, view);
  return all[all.length - 1];
}

/** Event files under `folder` (breadth first, up to the limits), sorted by path. */
export function findEventFiles(folder: string, view: FileView, options: DiscoverOptions = {}): { files: string[]; truncated: boolean } {
  const maxDepth = options.maxDepth ?? 6;
  const maxDirs = options.maxDirectories ?? 2000;
  const maxFiles = options.maxEventFiles ?? 1000;
  const files: string[] = [];
  let truncated = false;
  let listed = 0;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: folder, depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    if (listed >= maxDirs) {
      truncated = true;
      break;
    }
    listed++;
    const names = [...view.list(dir)].sort();
    for (const name of names) {
      const p = path.join(dir, name);
      if (isEventFileName(name)) {
        if (view.isDirectory(p)) continue;
        if (files.length >= maxFiles) {
          truncated = true;
          continue;
        }
        files.push(p);
        continue;
      }
      // checkpoint folders hold weights, not logs; hidden folders and known noise are skipped
      if (name.startsWith('.') || SKIP_DIRS.has(name) || parseCheckpointName(name)) continue;
      if (depth + 1 > maxDepth) {
        if (view.isDirectory(p)) truncated = true;
        continue;
      }
      if (view.isDirectory(p)) queue.push({ dir: p, depth: depth + 1 });
    }
  }
  return { files: files.sort(), truncated };
}

/** The files of a run folder (a version folder, or any folder holding runs). */
export function discoverRun(folder: string, view: FileView, options: DiscoverOptions = {}): RunFiles {
  const { files, truncated } = findEventFiles(folder, view, options);
  const out: RunFiles = { folder, eventFiles: files, checkpoints: [], versionFolders: versionFolders(folder, view), truncated };
  const names = view.list(folder);
  for (const name of names) {
    const p = path.join(folder, name);
    if (name === 'logging.jsonl' && !view.isDirectory(p)) out.loggingJsonl = p;
    else if (name === 'args.json' && !view.isDirectory(p)) out.argsJson = p;
    else if (name === 'latest_checkpointed_iteration.txt') {
      const t = view.readText(p, 1024);
      if (t !== undefined) out.latestCheckpointedIteration = t.trim();
    } else {
      const c = parseCheckpointName(name);
      if (c && view.isDirectory(p)) out.checkpoints.push({ ...c, path: p });
    }
  }
  out.checkpoints.sort((a, b) => a.step - b.step || a.name.localeCompare(b.name));
  return out;
}
