// GPUs from `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu
// --format=csv[,noheader][,nounits]`.

export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  /** MiB */
  memoryTotal: number;
  memoryUsed: number;
  memoryFree: number;
  /** percent, or undefined when nvidia-smi says [N/A] */
  utilization: number | undefined;
}

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu', '--format=csv,noheader,nounits'];

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = /-?\d+(\.\d+)?/.exec(s);
  return m ? Number(m[0]) : undefined;
}

/** Parses the CSV (with or without header and units); lines that do not parse are skipped. */
export function parseNvidiaSmiCsv(text: string): GpuInfo[] {
  const out: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 7 || !/^\d+$/.test(cells[0]!)) continue;
    const total = num(cells[3]);
    const used = num(cells[4]);
    const free = num(cells[5]);
    if (total === undefined || used === undefined || free === undefined) continue;
    out.push({ index: Number(cells[0]), uuid: cells[1]!, name: cells[2]!, memoryTotal: total, memoryUsed: used, memoryFree: free, utilization: num(cells[6]) });
  }
  return out;
}

/** "GPU 0 · NVIDIA H200 · 0 / 140 GiB used" */
export function describeGpu(g: GpuInfo): string {
  const gib = (mib: number) => (mib / 1024).toFixed(mib >= 10240 ? 0 : 1);
  return `GPU ${g.index} · ${g.name} · ${gib(g.memoryUsed)} / ${gib(g.memoryTotal)} GiB used${g.utilization !== undefined ? ` · ${g.utilization}%` : ''}`;
}

/** The GPUs that look idle (little memory used), most free memory first. */
export function idleGpus(gpus: GpuInfo[], maxUsedMiB = 1024): GpuInfo[] {
  return gpus.filter((g) => g.memoryUsed <= maxUsedMiB).sort((a, b) => b.memoryFree - a.memoryFree || a.index - b.index);
}

/** Indices from a CUDA_VISIBLE_DEVICES value ("0,1", "GPU-uuid,..."), or undefined when it cannot be read. */
export function parseVisibleDevices(value: string): string[] | undefined {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.length ? parts : undefined;
}
