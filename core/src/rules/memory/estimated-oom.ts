// The memory estimate says the run will not fit on the GPUs: CUDA out of memory on the first step, after the
// data was preprocessed and the model loaded. Quick fixes apply a change that lowers the estimate and say the
// new figure.
import { buildEstimateInput, fitsOn, safeEstimate, WHAT_IF_KINDS, whatIfFromInput } from '../../estimate';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';

const gib = (x: number) => x.toFixed(1);

function yamlValue(v: string | number | boolean): string {
  return typeof v === 'string' ? (/^[\w./-]+$/.test(v) ? v : JSON.stringify(v)) : String(v);
}

export const estimatedOom: Rule = {
  id: 'estimated-oom',
  title: 'The estimated GPU memory per rank exceeds the GPU',
  area: 'memory',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  commands: MEGATRON_TRAIN_COMMANDS,
  stage: { '3.4.1': 'first-step', '4.5.2': 'first-step' },
  sources: ['ms-swift-studio memory estimate (core/src/estimate), method of shared/reference/memory-estimation.md'],
  *check(ctx: RuleContext) {
    const gpu = ctx.environment.gpuMemoryGiB;
    if (!gpu || gpu <= 0) return;
    const built = buildEstimateInput(ctx);
    if ('unknown' in built) return;
    const result = safeEstimate(built.input);
    if ('unknown' in result) return;
    const verdict = fitsOn(result, gpu);
    if (verdict.fits) return;
    const w = result.worst;
    const packing = ctx.bool('packing') === true;
    // without packing the token count depends on the data: over only because of the worst case is a hint
    const staticPart = w.weights + w.grads + w.optimizer + (w.device - w.allocated);
    const certain = packing || staticPart > gpu;
    const gpuText = `${gib(gpu)} GiB${ctx.environment.gpuName ? ` ${ctx.environment.gpuName}` : ''}`;
    const parts = `weights ${gib(w.weights)}, grads ${gib(w.grads)}, optimizer ${gib(w.optimizer)}, activations ${gib(w.activations)}, logits ${gib(w.logits)} GiB`;
    const fixes: Fix[] = [];
    for (const kind of WHAT_IF_KINDS) {
      const wi = whatIfFromInput(built, kind);
      if (!wi || 'unknown' in wi || wi.savesGiB <= 0.05) continue;
      const fits = wi.deviceGiB <= gpu;
      const values = Object.fromEntries(Object.entries(wi.set).map(([k, v]) => [k, yamlValue(v)]));
      fixes.push({ title: `${wi.title} (≈ ${gib(wi.deviceGiB)} GiB / GPU${fits ? ', fits' : ''})`, edits: ctx.setValuesEdits(values), preferred: false });
    }
    fixes.sort((a, b) => Number(/fits\)$/.test(b.title)) - Number(/fits\)$/.test(a.title)));
    if (fixes[0] && /fits\)$/.test(fixes[0].title)) fixes[0].preferred = true;
    const message = certain
      ? `Estimated ≈ ${gib(w.device)} GiB per GPU on the worst rank (stage ${w.stage}: ${parts}), more than the ${gpuText} GPU: expect CUDA out of memory on the first step, after data preprocessing and model loading.`
      : `Estimated ≈ ${gib(w.device)} GiB per GPU on the worst rank (stage ${w.stage}: ${parts}) if the samples reach \`max_length\`, more than the ${gpuText} GPU; with shorter data it may fit. Turn on \`packing\` for an exact token count.`;
    yield { message, key: ctx.isSet('model') ? 'model' : ctx.isSet('mcore_model') ? 'mcore_model' : 'micro_batch_size', severity: certain ? 'warning' : 'info', fixes };
  },
};
