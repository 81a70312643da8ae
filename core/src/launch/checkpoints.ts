// Finding what a run produced (ms-swift's version folders are listed by metrics/discovery): Megatron iterations
// (`iter_0000100`), Hugging Face checkpoints (`checkpoint-100`), LoRA adapters; used to prefill Export and Infer.
import * as path from 'path';
import { FileView } from '../files';
import { versionFolders } from '../metrics/discovery';

export interface CheckpointInfo {
  path: string;
  kind: 'mcore' | 'hf' | 'lora';
  /** iteration or step when known */
  step?: number;
}

/** Checkpoints inside a run folder, newest step first: `checkpoint-N` (HF/safetensors or LoRA), `iter_N` (mcore). */
export function checkpointsIn(files: FileView, dir: string): CheckpointInfo[] {
  const out: CheckpointInfo[] = [];
  for (const name of files.list(dir)) {
    const p = path.join(dir, name);
    if (!files.isDirectory(p)) continue;
    const hf = /^checkpoint-(\d+)(?:-merged)?$/.exec(name);
    if (hf) {
      const lora = files.exists(path.join(p, 'adapter_config.json'));
      out.push({ path: p, kind: lora ? 'lora' : 'hf', step: Number(hf[1]) });
      continue;
    }
    const it = /^iter_(\d+)$/.exec(name);
    if (it) out.push({ path: dir, kind: 'mcore', step: Number(it[1]) });
  }
  // a Megatron checkpoint root names its latest iteration
  const latest = files.readText(path.join(dir, 'latest_checkpointed_iteration.txt'), 1024)?.trim();
  if (latest && /^\d+$/.test(latest) && !out.some((c) => c.kind === 'mcore')) out.push({ path: dir, kind: 'mcore', step: Number(latest) });
  const seen = new Set<string>();
  return out
    .sort((a, b) => (b.step ?? -1) - (a.step ?? -1))
    .filter((c) => {
      const k = `${c.kind}:${c.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/** The newest checkpoint under an output folder (newest version folder first), if any. */
export function newestCheckpoint(files: FileView, outputDir: string, kinds: CheckpointInfo['kind'][] = ['hf', 'lora', 'mcore']): CheckpointInfo | undefined {
  for (const run of [...versionFolders(outputDir, files).reverse(), { path: outputDir }]) {
    const c = checkpointsIn(files, run.path).find((x) => kinds.includes(x.kind));
    if (c) return c;
  }
  return undefined;
}
