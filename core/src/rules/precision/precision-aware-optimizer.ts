// Low-precision optimizer states and CPU offload: both go through megatron-core's precision-aware optimizer.
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { effectiveDistributedOptimizer, isMuon, setValuesFix } from './common';

const DTYPE_KEYS = ['main_grads_dtype', 'main_params_dtype', 'exp_avg_dtype', 'exp_avg_sq_dtype'] as const;

/** the optimizer-state dtype keys that are not fp32, with their values */
function lowPrecisionKeys(ctx: RuleContext): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k of DTYPE_KEYS) {
    const v = ctx.str(k);
    if (v !== undefined && v !== 'fp32') out.push([k, v]);
  }
  return out;
}

/** a fix that turns the precision-aware optimizer on, when that is enough (adam); also the distributed optimizer */
function enablePrecisionAwareFix(ctx: RuleContext, preferred: boolean): Fix | undefined {
  if (ctx.str('optimizer') !== 'adam') return undefined;
  const pairs: Array<[string, string]> = [['use_precision_aware_optimizer', 'true']];
  if (effectiveDistributedOptimizer(ctx) === false) pairs.push(['use_distributed_optimizer', 'true']);
  const title = pairs.length > 1 ? 'Set `use_precision_aware_optimizer: true` and `use_distributed_optimizer: true`' : 'Set `use_precision_aware_optimizer: true`';
  return setValuesFix(ctx, title, pairs, preferred);
}

export const precisionAwareOptimizerRequirements: Rule = {
  id: 'precision-aware-optimizer-requirements',
  title: 'Low-precision optimizer states need use_precision_aware_optimizer (adam + distributed optimizer)',
  area: 'precision',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer/optimizer_config.py:425-480', 'modelscope/ms-swift@v4.5.2:swift/megatron/trainers/base.py:221-225'],
  *check(ctx) {
    const upo = ctx.bool('use_precision_aware_optimizer');
    if (upo === undefined) return;
    const stage = stageText('optimizer-setup', ctx.version);
    const low = lowPrecisionKeys(ctx);
    if (!upo) {
      for (const [k, v] of low) {
        const fixes: Fix[] = [];
        const enable = enablePrecisionAwareFix(ctx, true);
        if (enable) fixes.push(enable);
        fixes.push(ctx.setValueFix(k, 'fp32', `Set \`${k}: fp32\``, !enable));
        yield {
          message: `\`${k}: ${v}\` needs \`use_precision_aware_optimizer: true\`; without it megatron-core accepts only fp32 here and the run ${stage}.`,
          key: k,
          fixes,
        };
      }
      return;
    }
    const opt = ctx.str('optimizer');
    const dist = effectiveDistributedOptimizer(ctx);
    const problems: string[] = [];
    if (opt !== undefined && opt !== 'adam') problems.push(`\`optimizer: ${opt}\` (only adam is supported)`);
    if (dist === false) {
      problems.push(isMuon(ctx) ? `the distributed optimizer off (${opt} always turns it off)` : 'the distributed optimizer off (`use_distributed_optimizer: false`)');
    }
    if (!problems.length) return;
    const fixes: Fix[] = [];
    if (opt === 'adam') fixes.push(ctx.setValueFix('use_distributed_optimizer', 'true', 'Set `use_distributed_optimizer: true`', true));
    const off: Array<[string, string]> = [['use_precision_aware_optimizer', 'false'], ...low.map(([k]) => [k, 'fp32'] as [string, string])];
    fixes.push(
      setValuesFix(ctx, low.length ? 'Turn the precision-aware optimizer off (fp32 optimizer states)' : 'Set `use_precision_aware_optimizer: false`', off, opt !== 'adam'),
    );
    yield {
      message: `\`use_precision_aware_optimizer: true\` works only with adam and the distributed optimizer, but this config has ${problems.join(' and ')}; the run ${stage}.`,
      key: 'use_precision_aware_optimizer',
      fixes,
    };
  },
};

export const optimizerCpuOffloadNeedsPrecisionAware: Rule = {
  id: 'optimizer-cpu-offload-needs-precision-aware',
  title: 'optimizer_cpu_offload without use_precision_aware_optimizer',
  area: 'precision',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'optimizer-setup' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:955-959'],
  *check(ctx) {
    if (ctx.bool('optimizer_cpu_offload') !== true || ctx.bool('use_precision_aware_optimizer') !== false) return;
    const fixes: Fix[] = [];
    const enable = enablePrecisionAwareFix(ctx, true);
    if (enable) fixes.push(enable);
    fixes.push(ctx.setValueFix('optimizer_cpu_offload', 'false', 'Set `optimizer_cpu_offload: false`', !enable));
    yield {
      message:
        '`optimizer_cpu_offload: true` without `use_precision_aware_optimizer: true`: upstream Megatron-LM refuses this pairing and ms-swift documents the two together. ms-swift 4.5.2 does not check it, so the hybrid CPU optimizer runs in an untested setup.',
      key: 'optimizer_cpu_offload',
      fixes,
    };
  },
};
