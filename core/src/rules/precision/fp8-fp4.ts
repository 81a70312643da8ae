// FP8 / FP4: the parameter-gather options need their format, and the two formats exclude each other.
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { removeKeyEdit } from './common';

function formatSet(ctx: RuleContext, name: string): boolean {
  const v = ctx.value(name);
  return typeof v === 'string' && v !== '';
}

export const fp8Fp4ParamGatherAndExclusivity: Rule = {
  id: 'fp8-fp4-param-gather-and-exclusivity',
  title: 'FP8/FP4 parameter options need their format; FP8 and FP4 are exclusive',
  area: 'precision',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1297-1298',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1309-1313',
    'modelscope/ms-swift@v4.5.2:swift/megatron/model/utils.py:54-55',
  ],
  *check(ctx) {
    const stage = stageText('model-build', ctx.version);
    const fp8 = formatSet(ctx, 'fp8_format');
    const fp4 = formatSet(ctx, 'fp4_format');
    const fp8Gather = ctx.bool('fp8_param_gather') === true;
    const fp4Gather = ctx.bool('fp4_param_gather') === true;
    if (fp8Gather && !fp8) {
      const fixes: Fix[] = [];
      if (!fp4) {
        fixes.push(ctx.setValueFix('fp8_format', 'e4m3', 'Set `fp8_format: e4m3`', true));
        fixes.push(ctx.setValueFix('fp8_format', 'hybrid', 'Set `fp8_format: hybrid`'));
      }
      fixes.push(ctx.setValueFix('fp8_param_gather', 'false', 'Set `fp8_param_gather: false`', fp4));
      yield {
        message: `\`fp8_param_gather: true\` keeps the parameters in FP8, which needs FP8 training, but \`fp8_format\` is not set; megatron-core ${stage}. Set \`fp8_format\` (e4m3 or hybrid) or turn \`fp8_param_gather\` off.`,
        key: 'fp8_param_gather',
        fixes,
      };
    }
    if (fp4Gather && !fp4) {
      const fixes: Fix[] = [];
      if (!fp8) fixes.push(ctx.setValueFix('fp4_format', 'e2m1', 'Set `fp4_format: e2m1`', true));
      fixes.push(ctx.setValueFix('fp4_param_gather', 'false', 'Set `fp4_param_gather: false`', fp8));
      yield {
        message: `\`fp4_param_gather: true\` keeps the parameters in FP4, which needs FP4 training, but \`fp4_format\` is not set; megatron-core ${stage}. Set \`fp4_format: e2m1\` or turn \`fp4_param_gather\` off.`,
        key: 'fp4_param_gather',
        fixes,
      };
    }
    if (fp8 && fp4) {
      const fixes: Fix[] = [];
      const rm4 = removeKeyEdit(ctx, 'fp4_format');
      const rm8 = removeKeyEdit(ctx, 'fp8_format');
      if (rm4 && !fp4Gather) fixes.push({ title: 'Train in FP8: remove `fp4_format`', edits: [rm4], preferred: true });
      if (rm8 && !fp8Gather) fixes.push({ title: 'Train in FP4: remove `fp8_format`', edits: [rm8], preferred: fixes.length === 0 });
      yield {
        message: `\`fp8_format\` and \`fp4_format\` are both set; megatron-core cannot train in FP8 and FP4 at once and ${stage}. Keep one of them.`,
        key: 'fp4_format',
        fixes,
      };
    }
  },
};
