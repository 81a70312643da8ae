// The memory estimate as the editor shows it: the CodeLens title and the breakdown in markdown.
import { buildEstimateInput, EstimateResult, fitsOn, safeEstimate } from '../estimate';
import { parallelSizes } from '../rules/shared/parallel';
import { RuleContext } from '../rules/context';

export interface MemoryEstimate {
  result?: EstimateResult;
  /** why there is no estimate */
  unknown?: string;
  pp: number;
}

export function memoryEstimate(ctx: RuleContext): MemoryEstimate {
  const pp = parallelSizes(ctx).pp;
  const built = buildEstimateInput(ctx);
  if ('unknown' in built) return { unknown: built.unknown, pp };
  const result = safeEstimate(built.input);
  if ('unknown' in result) return { unknown: result.unknown, pp };
  return { result, pp };
}

const g = (x: number) => x.toFixed(1);

/** "≈ 61.8 GiB / GPU (worst: PP stage 0) · fits 80 GiB H100" or "… · does not fit: needs 92.1 GiB of 80 GiB" */
export function estimateLensTitle(result: EstimateResult, gpuGiB: number | undefined, gpuName: string | undefined, pp: number): string {
  const w = result.worst;
  const where = pp > 1 ? ` (worst: PP stage ${w.stage})` : '';
  let title = `≈ ${g(w.device)} GiB / GPU${where}`;
  if (gpuGiB) {
    const v = fitsOn(result, gpuGiB);
    const card = `${Math.round(gpuGiB)} GiB${gpuName ? ` ${shortGpuName(gpuName)}` : ''}`;
    title += v.fits ? ` · ${v.level === 'tight' ? 'tight on' : 'fits'} ${card}` : ` · does not fit: needs ${g(w.device)} GiB of ${card}`;
  }
  return title;
}

/** "NVIDIA H100 80GB HBM3" -> "H100" */
export function shortGpuName(name: string): string {
  const m = /\b([A-Z]{1,2}\d{2,4}[A-Za-z]?)\b/.exec(name.replace(/^NVIDIA\s+/, ''));
  return m ? m[1]! : name;
}

export function estimateMarkdown(e: MemoryEstimate & { gpuMemoryGiB?: number | undefined; gpuName?: string | undefined }): string {
  if (!e.result) return `**Memory estimate unavailable**: ${e.unknown ?? 'unknown reason'}.`;
  const r = e.result;
  const lines = ['# GPU memory per rank (estimate)', '', '| stage | rank | weights | grads | optimizer | activations | logits | overhead | allocated | reserved | device |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const x of r.perRank) lines.push(`| ${x.stage} | ${x.rank} | ${g(x.weights)} | ${g(x.grads)} | ${g(x.optimizer)} | ${g(x.activations)} | ${g(x.logits)} | ${g(x.overhead)} | ${g(x.allocated)} | ${g(x.reserved)} | **${g(x.device)}** |`);
  lines.push('', 'GiB. *allocated* is what PyTorch allocates at the peak, *reserved* what its allocator holds (ms-swift logs this as `memory(GiB)`), *device* what `nvidia-smi` shows (plus the CUDA context and NCCL buffers).', '');
  if (e.gpuMemoryGiB) {
    const v = fitsOn(r, e.gpuMemoryGiB);
    lines.push(v.fits ? `**Fits** on ${g(e.gpuMemoryGiB)} GiB${e.gpuName ? ` (${e.gpuName})` : ''}: ${g(v.headroomGiB)} GiB to spare on the worst rank.` : `**Does not fit** on ${g(e.gpuMemoryGiB)} GiB${e.gpuName ? ` (${e.gpuName})` : ''}: the worst rank needs ${g(-v.headroomGiB)} GiB more.`, '');
  }
  lines.push('## Assumptions', '', ...r.assumptions.map((a) => `- ${a}`));
  return lines.join('\n') + '\n';
}
