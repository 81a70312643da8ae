// overlap_param_gather needs the distributed optimizer and overlap_grad_reduce (asserted by Megatron-LM in 3.4.1;
// not validated by ms-swift 4.5.2, where the rules are advisory).
import { stageText } from '../shared/stages';
import { Finding, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { RuleContext } from '../context';
import { isMuon } from '../precision/common';

/** what happens, per version, in plain words */
function consequence(ctx: RuleContext): string {
  return ctx.version === '3.4.1'
    ? `Megatron-LM asserts this and the run ${stageText('megatron-init', ctx.version)}`
    : 'ms-swift 4.5.2 does not check it (upstream Megatron-LM refuses it), so the parameter all-gather runs in an unvalidated mode';
}

export const overlapParamGatherRequiresDistributedOptimizer: Rule = {
  id: 'overlap-param-gather-requires-distributed-optimizer',
  title: 'overlap_param_gather needs the distributed optimizer',
  area: 'optimizer',
  severity: { '3.4.1': 'error', '4.5.2': 'warning' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:512-514',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/distributed/param_and_grad_buffer.py:363-365',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1027',
  ],
  *check(ctx) {
    if (ctx.bool('overlap_param_gather') !== true || ctx.bool('use_distributed_optimizer') !== false) return;
    if (ctx.version !== '3.4.1') {
      // muon: muon-no-overlap reports it; dist_muon is meant to overlap without it; Megatron-FSDP turns it on
      if (isMuon(ctx) || ctx.bool('use_megatron_fsdp') === true) return;
    }
    const finding: Finding = {
      message: `\`overlap_param_gather: true\` needs the distributed optimizer, but \`use_distributed_optimizer\` is false; ${consequence(ctx)}. Turn the distributed optimizer on, or turn \`overlap_param_gather\` off.`,
      key: 'overlap_param_gather',
      fixes: [
        ctx.setValueFix('use_distributed_optimizer', 'true', 'Set `use_distributed_optimizer: true`', true),
        ctx.setValueFix('overlap_param_gather', 'false', 'Set `overlap_param_gather: false`'),
      ],
    };
    const e = ctx.entry('use_distributed_optimizer');
    if (e) finding.related = [{ range: e.keyRange, message: 'the distributed optimizer is turned off here' }];
    yield finding;
  },
};

export const overlapParamGatherRequiresOverlapGradReduce: Rule = {
  id: 'overlap-param-gather-requires-overlap-grad-reduce',
  title: 'overlap_param_gather needs overlap_grad_reduce',
  area: 'optimizer',
  severity: { '3.4.1': 'error', '4.5.2': 'warning' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:515-516', 'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1029'],
  *check(ctx) {
    if (ctx.bool('overlap_param_gather') !== true || ctx.bool('overlap_grad_reduce') !== false) return;
    // plain muon cannot overlap at all: muon-no-overlap reports it
    if (ctx.version !== '3.4.1' && ctx.str('optimizer') === 'muon') return;
    const unset = ctx.isSet('overlap_grad_reduce') ? '' : ' (the default)';
    const finding: Finding = {
      message: `\`overlap_param_gather: true\` needs \`overlap_grad_reduce: true\`, but it is false${unset}; ${consequence(ctx)}. Turn \`overlap_grad_reduce\` on, or turn \`overlap_param_gather\` off.`,
      key: 'overlap_param_gather',
      fixes: [
        ctx.setValueFix('overlap_grad_reduce', 'true', 'Set `overlap_grad_reduce: true`', true),
        ctx.setValueFix('overlap_param_gather', 'false', 'Set `overlap_param_gather: false`'),
      ],
    };
    yield finding;
  },
};
