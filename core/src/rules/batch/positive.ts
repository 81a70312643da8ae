// micro_batch_size and global_batch_size must be at least 1.
import { stageText } from '../shared/stages';
import { parallelSizes } from '../shared/parallel';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { batchShapeOk, nearestGlobalBatches } from './batch-helpers';

export const batchSizesPositive: Rule = {
  id: 'batch-sizes-positive',
  title: 'Batch sizes must be positive',
  area: 'batch',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  commands: MEGATRON_TRAIN_COMMANDS,
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:429-436', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:950-959'],
  *check(ctx) {
    const p = parallelSizes(ctx);
    const mbs = ctx.int('micro_batch_size');
    const gbs = ctx.int('global_batch_size');
    const when =
      ctx.version === '3.4.1'
        ? `Megatron-LM asserts this, so the run ${stageText('megatron-init', ctx.version)}`
        : `ms-swift's global-batch check divides by it or rejects it, so the run ${stageText('args', ctx.version)}`;
    if (mbs !== undefined && mbs < 1) {
      const edits = [ctx.setValueEdit('micro_batch_size', '1')];
      let title = 'Set `micro_batch_size: 1`';
      // with a micro batch of 1 the global batch must still split over the data-parallel ranks
      if (p.dp !== undefined && gbs !== undefined && gbs >= 1 && !batchShapeOk(ctx, p, gbs, 1)) {
        const { up, down } = nearestGlobalBatches(ctx, p, gbs, 1);
        const g = up ?? down;
        if (g !== undefined) {
          edits.push(ctx.setValueEdit('global_batch_size', String(g)));
          title = `Set \`micro_batch_size: 1\` and \`global_batch_size: ${g}\``;
        }
      }
      yield {
        message: `\`micro_batch_size\` ${mbs} must be at least 1 (samples per GPU per forward pass); ${when}.`,
        key: 'micro_batch_size',
        fixes: [{ title, edits, preferred: true }],
      };
    }
    if (gbs !== undefined && gbs < 1) {
      const m = mbs !== undefined && mbs >= 1 ? mbs : 1;
      const fixes: Fix[] = [];
      if (p.dp !== undefined) {
        const { up } = nearestGlobalBatches(ctx, p, 0, m);
        if (up !== undefined) fixes.push(ctx.setValueFix('global_batch_size', String(up), `Set \`global_batch_size: ${up}\` (micro_batch_size ${m} × DP ${p.dp}${up / (m * p.dp) > 1 ? ` × ${up / (m * p.dp)}` : ''})`, true));
      } else {
        const entry = ctx.entry('global_batch_size');
        if (entry && !entry.viaMerge) fixes.push({ title: 'Remove `global_batch_size` (default 16)', edits: [ctx.removeEntryEdit(entry)], preferred: true });
      }
      yield {
        message:
          `\`global_batch_size\` ${gbs} must be at least 1 (samples per optimizer step over all data-parallel ranks, a multiple of ` +
          `\`micro_batch_size\` × DP); ${when}.`,
        key: 'global_batch_size',
        fixes,
      };
    }
  },
};
