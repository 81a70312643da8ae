// GPUs on this machine, from nvidia-smi.
import { GpuInfo, NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from '../../../core/src/launch/gpus';
import { run } from './exec';

export type GpuQuery = { ok: true; gpus: GpuInfo[] } | { ok: false; reason: string };

export async function queryGpus(nvidiaSmi = 'nvidia-smi'): Promise<GpuQuery> {
  const r = await run(nvidiaSmi, NVIDIA_SMI_ARGS, { timeoutMs: 10000 });
  if (r.notFound) return { ok: false, reason: 'nvidia-smi was not found: this machine has no NVIDIA driver (or it is not on PATH).' };
  if (r.timedOut) return { ok: false, reason: 'nvidia-smi did not answer within 10 s.' };
  if (r.code !== 0) return { ok: false, reason: `nvidia-smi failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}` };
  const gpus = parseNvidiaSmiCsv(r.stdout);
  if (!gpus.length) return { ok: false, reason: 'nvidia-smi lists no GPU.' };
  return { ok: true, gpus };
}
