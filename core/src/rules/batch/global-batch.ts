// global_batch_size must split into whole micro-batches on every data-parallel rank.
import { stageText } from '../shared/stages';
import { parallelSizes } from '../shared/parallel';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { batchShapeOk, dpText, nearestGlobalBatches, steps } from './batch-helpers';

export const globalBatchDivisibleByMicroTimesDp: Rule = {
  id: 'global-batch-divisible-by-micro-times-dp',
  title: 'global_batch_size not divisible by micro_batch_size × DP',
  area: 'batch',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  commands: MEGATRON_TRAIN_COMMANDS,
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/num_microbatches_calculator.py:340-351',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/global_vars.py:84',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:943-959',
  ],
  *check(ctx) {
    const p = parallelSizes(ctx);
    // world size unknown (or not a multiple of TP × PP × CP, which another rule reports): nothing to say
    if (p.dp === undefined || p.world === undefined) return;
    const mbs = ctx.int('micro_batch_size');
    const gbs = ctx.int('global_batch_size');
    if (mbs === undefined || gbs === undefined || mbs < 1 || gbs < 1) return;
    const unit = mbs * p.dp;
    if (gbs % unit === 0) return;
    const { down, up } = nearestGlobalBatches(ctx, p, gbs, mbs);
    const fixes: Fix[] = [];
    const preferUp = up !== undefined && (down === undefined || up - gbs <= gbs - down);
    if (down !== undefined) fixes.push(ctx.setValueFix('global_batch_size', String(down), `Round \`global_batch_size\` down to ${down} (${steps(down / unit)})`, !preferUp));
    if (up !== undefined) fixes.push(ctx.setValueFix('global_batch_size', String(up), `Round \`global_batch_size\` up to ${up} (${steps(up / unit)})`, preferUp));
    // keeping the global batch: the largest smaller micro batch that divides it
    for (let m = mbs - 1; m >= 1; m--) {
      if (batchShapeOk(ctx, p, gbs, m)) {
        fixes.push(ctx.setValueFix('micro_batch_size', String(m), `Set \`micro_batch_size\` to ${m} (keeps ${gbs}: ${steps(gbs / (m * p.dp))})`));
        break;
      }
    }
    const options: string[] = [];
    if (down !== undefined) options.push(`${down} (${steps(down / unit)})`);
    if (up !== undefined) options.push(`${up} (${steps(up / unit)})`);
    const small = gbs < unit ? ` It is even smaller than one micro-batch per data-parallel rank.` : '';
    yield {
      message:
        `\`global_batch_size\` ${gbs} is not a multiple of \`micro_batch_size\` ${mbs} × DP ${p.dp} = ${unit}, where ${dpText(ctx, p)}: ` +
        `${gbs} / ${unit} = ${+(gbs / unit).toFixed(2)} gradient-accumulation steps is not a whole number.${small} ` +
        `The run ${stageText(ctx.version === '3.4.1' ? 'megatron-init' : 'args', ctx.version)}.` +
        (options.length ? ` Use ${options.join(' or ')}.` : ''),
      key: ctx.isSet('global_batch_size') || !ctx.isSet('micro_batch_size') ? 'global_batch_size' : 'micro_batch_size',
      fixes,
    };
  },
};
