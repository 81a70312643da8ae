// Labels of the launch CodeLens, from the first lines of a config (regular expressions only: no catalog, no YAML
// parser, so that the CodeLens stays cheap).
const NPROC = /^[ \t]+NPROC_PER_NODE[ \t]*:[ \t]*["']?(\d+)["']?[ \t]*(?:#.*)?$/m;
const NNODES = /^[ \t]+NNODES[ \t]*:[ \t]*["']?(\d+)["']?[ \t]*(?:#.*)?$/m;
const DEVICES = /^[ \t]+CUDA_VISIBLE_DEVICES[ \t]*:[ \t]*["']?([\d, ]+)["']?[ \t]*(?:#.*)?$/m;
const MODELINE = /^\uFEFF?#[ \t]*(megatron|swift)[ \t]+(\w+)/;

export function gpuLabel(text: string, remembered: number[] | undefined): string {
  const n = NPROC.exec(text)?.[1];
  const nodes = Number(NNODES.exec(text)?.[1] ?? '1');
  if (n) return nodes > 1 ? `${nodes} × ${n} GPUs` : `${n} GPU${n === '1' ? '' : 's'}`;
  const devices = DEVICES.exec(text)?.[1];
  if (devices) {
    const k = devices.split(',').filter((d) => d.trim()).length;
    return `${k} GPU${k === 1 ? '' : 's'}`;
  }
  return remembered?.length ? `${remembered.length} GPU${remembered.length === 1 ? '' : 's'}` : 'choose GPUs';
}

export function runLabel(text: string): string {
  const m = MODELINE.exec(text);
  if (!m) return 'Train';
  const [, program, sub] = m;
  if (program === 'megatron' || ['sft', 'pt', 'rlhf'].includes(sub!)) return sub === 'export' ? 'Export' : 'Train';
  return sub === 'infer' ? 'Infer' : sub === 'export' ? 'Export' : `Run swift ${sub}`;
}

