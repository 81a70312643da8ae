// Gradient-accumulation fusion needs APEX; only checkable when the run's Python environment has been probed.
import { stageText } from '../shared/stages';
import { Finding, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';

/** true/false when the probed package list says; undefined when the environment is unknown */
export function hasPackage(ctx: RuleContext, name: string): boolean | undefined {
  const pkgs = ctx.python?.packages;
  if (!pkgs || Object.keys(pkgs).length === 0) return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
  const want = norm(name);
  return Object.keys(pkgs).some((k) => norm(k) === want);
}

export const gradientAccumulationFusionRequiresApex: Rule = {
  id: 'gradient-accumulation-fusion-requires-apex',
  title: 'Gradient accumulation fusion needs APEX',
  area: 'precision',
  severity: { '3.4.1': 'error', '4.5.2': 'warning' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'args' },
  // 3.4.1 also fails in `swift export --to_mcore/--to_hf` (another catalog without this key); a 4.5.2 export only
  // loses the fusion, which does not matter when nothing is trained
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/tensor_parallel/layers.py:40-44',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/tensor_parallel/layers.py:847-856',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:850-855',
  ],
  *check(ctx) {
    const v3 = ctx.version === '3.4.1';
    const key = v3 ? 'no_gradient_accumulation_fusion' : 'gradient_accumulation_fusion';
    const flag = ctx.bool(key);
    if (flag === undefined) return;
    const fusionOn = v3 ? !flag : flag;
    if (!fusionOn) return;
    if (hasPackage(ctx, 'apex') !== false) return;
    const explicit = ctx.isSet(key) ? '' : ' (the default)';
    const finding: Finding = v3
      ? {
          message: `Gradient-accumulation fusion is on${explicit}, but APEX is not installed in the run's Python environment (its fused_weight_gradient_mlp_cuda extension is needed): Megatron raises a RuntimeError and the run ${stageText('model-build', ctx.version)}. Set \`no_gradient_accumulation_fusion: true\` or install APEX with its CUDA extensions.`,
          key,
          fixes: [ctx.setValueFix(key, 'true', 'Set `no_gradient_accumulation_fusion: true`', true)],
        }
      : {
          message: `Gradient-accumulation fusion is on${explicit}, but APEX is not installed in the run's Python environment: ms-swift logs a warning and turns the fusion off (slower weight-gradient accumulation). Install APEX, or set \`gradient_accumulation_fusion: false\`.`,
          key,
          fixes: [ctx.setValueFix(key, 'false', 'Set `gradient_accumulation_fusion: false`', true)],
        };
    yield finding;
  },
};
