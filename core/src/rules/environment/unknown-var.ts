// ENV names that are one slip away from a variable ms-swift, torchrun, NCCL or PyTorch reads
// (NPROC_PER_NODES, CUDA_VISBLE_DEVICES). Other unknown names are left alone: users set their own variables.
import { envVars } from '../../env/catalog';
import { editDistance } from '../../text/similarity';
import { Rule } from '../types';

export const envUnknownVar: Rule = {
  id: 'env-unknown-var',
  title: 'An ENV name that looks like a misspelt known variable',
  area: 'environment',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:30-35', 'pytorch/pytorch:torch/distributed/run.py'],
  *check(ctx) {
    const known = envVars();
    let looked = 0;
    for (const v of ctx.doc.envVars) {
      if (known.has(v.key)) continue;
      if (++looked > 200) break; // a generated ENV block with thousands of names: the first ones are enough
      const upper = v.key.toUpperCase();
      let best: { name: string; d: number } | undefined;
      for (const name of known.keys()) {
        if (Math.abs(name.length - upper.length) > 2) continue;
        const d = upper === name ? 0.5 : editDistance(upper, name, 2);
        if (d <= 2 && (!best || d < best.d)) best = { name, d };
      }
      if (!best) continue;
      // short names are too easy to confuse by chance: demand a closer match
      if (best.d > 1 && best.name.length < 8) continue;
      yield {
        message: `\`${v.key}\` is not read by ms-swift, torchrun, NCCL or PyTorch; did you mean \`${best.name}\`? As written it has no effect.`,
        key: v.key,
        range: v.keyRange,
        fixes: [{ title: `Rename to \`${best.name}\``, edits: [ctx.renameKeyEdit(v, best.name)], preferred: true }],
      };
    }
  },
};
