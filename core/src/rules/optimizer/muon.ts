// The muon optimizers (ms-swift 4.5.2): plain muon cannot overlap communication; muon and dist_muon turn the
// distributed optimizer off.
import { stageText } from '../shared/stages';
import { Finding, Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { isMuon, removeKeyEdit, setValuesFix } from '../precision/common';

const MUON_SOURCE = 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py';

export const muonNoOverlap: Rule = {
  id: 'muon-no-overlap',
  title: 'muon optimizer cannot overlap grad reduce / param gather',
  area: 'optimizer',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [`${MUON_SOURCE}:968-978`],
  *check(ctx) {
    if (ctx.str('optimizer') !== 'muon') return;
    const on = ['overlap_grad_reduce', 'overlap_param_gather'].filter((k) => ctx.bool(k) === true);
    if (!on.length) return;
    const names = on.map((k) => `\`${k}\``).join(' and ');
    const finding: Finding = {
      message: `The muon optimizer cannot overlap gradient reduction or parameter gathering, but ${names} ${on.length > 1 ? 'are' : 'is'} on; ms-swift stops with an AssertionError and the run ${stageText('args', ctx.version)}. Use \`optimizer: dist_muon\`, or turn the overlap off.`,
      key: 'optimizer',
      fixes: [
        ctx.setValueFix('optimizer', 'dist_muon', 'Set `optimizer: dist_muon`', true),
        setValuesFix(ctx, `Turn off ${names}`, on.map((k) => [k, 'false'] as [string, string])),
      ] as Fix[],
      related: on.flatMap((k) => {
        const e = ctx.entry(k);
        return e ? [{ range: e.keyRange, message: `\`${k}\` is turned on here` }] : [];
      }),
    };
    yield finding;
  },
};

export const muonDisablesDistributedOptimizer: Rule = {
  id: 'muon-disables-distributed-optimizer',
  title: 'muon/dist_muon turn the distributed optimizer off',
  area: 'optimizer',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [`${MUON_SOURCE}:979-980`],
  *check(ctx) {
    if (!isMuon(ctx)) return;
    if (!ctx.isSet('use_distributed_optimizer') || ctx.bool('use_distributed_optimizer') !== true) return;
    const opt = ctx.str('optimizer')!;
    const fixes: Fix[] = [];
    const rm = removeKeyEdit(ctx, 'use_distributed_optimizer', 'false');
    if (rm) fixes.push({ title: 'Remove `use_distributed_optimizer: true`', edits: [rm], preferred: true });
    yield {
      message: `\`use_distributed_optimizer: true\` is ignored: the ${opt} optimizer does not support the distributed optimizer, so ms-swift turns it off; remove the key.`,
      key: 'use_distributed_optimizer',
      fixes,
    };
  },
};
