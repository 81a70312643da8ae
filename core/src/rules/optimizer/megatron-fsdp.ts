// Megatron-FSDP (ms-swift 4.5.2): forces the distributed optimizer, supports only adam/sgd, and needs
// CUDA_DEVICE_MAX_CONNECTIONS > 1.
import { stageText } from '../shared/stages';
import { Finding, Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { removeKeyEdit } from '../precision/common';

const FSDP_SOURCE = 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py';

export const megatronFsdpForcesDistributedOptimizer: Rule = {
  id: 'megatron-fsdp-forces-distributed-optimizer',
  title: 'Megatron-FSDP turns the distributed optimizer on',
  area: 'optimizer',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [`${FSDP_SOURCE}:905-911`],
  *check(ctx) {
    if (ctx.bool('use_megatron_fsdp') !== true) return;
    if (!ctx.isSet('use_distributed_optimizer') || ctx.bool('use_distributed_optimizer') !== false) return;
    const fixes: Fix[] = [];
    const rm = removeKeyEdit(ctx, 'use_distributed_optimizer');
    if (rm) fixes.push({ title: 'Remove `use_distributed_optimizer: false`', edits: [rm], preferred: true });
    else fixes.push(ctx.setValueFix('use_distributed_optimizer', 'true', 'Set `use_distributed_optimizer: true`', true));
    yield {
      message: '`use_distributed_optimizer: false` is ignored: Megatron-FSDP works only with the distributed optimizer, so ms-swift turns it on.',
      key: 'use_distributed_optimizer',
      fixes,
    };
  },
};

export const megatronFsdpOptimizerChoice: Rule = {
  id: 'megatron-fsdp-optimizer-choice',
  title: 'Megatron-FSDP supports only adam/sgd',
  area: 'optimizer',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [`${FSDP_SOURCE}:912-914`],
  *check(ctx) {
    if (ctx.bool('use_megatron_fsdp') !== true) return;
    const opt = ctx.str('optimizer');
    if (opt === undefined || opt === 'adam' || opt === 'sgd') return;
    yield {
      message: `Megatron-FSDP supports only the adam and sgd optimizers, not \`${opt}\`; ms-swift raises a ValueError and the run ${stageText('args', ctx.version)}.`,
      key: 'optimizer',
      fixes: [ctx.setValueFix('optimizer', 'adam', 'Set `optimizer: adam`', true), ctx.setValueFix('use_megatron_fsdp', 'false', 'Set `use_megatron_fsdp: false`')],
    };
  },
};

const CDMC = 'CUDA_DEVICE_MAX_CONNECTIONS';

export const megatronFsdpCudaDeviceMaxConnections: Rule = {
  id: 'megatron-fsdp-cuda-device-max-connections',
  title: 'Megatron-FSDP needs CUDA_DEVICE_MAX_CONNECTIONS > 1',
  area: 'optimizer',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [`${FSDP_SOURCE}:796`, `${FSDP_SOURCE}:915-919`],
  *check(ctx) {
    if (ctx.bool('use_megatron_fsdp') !== true) return;
    // a variable already set in the shell wins over ENV
    const shell = ctx.python?.shellEnv?.[CDMC];
    const inEnv = ctx.envEntry(CDMC) !== undefined;
    const value = shell ?? ctx.env(CDMC);
    if (value !== undefined && value !== '1') return;
    const fixes: Fix[] = [];
    const edit = shell === undefined ? ctx.setEnvEdit(CDMC, '"32"') : undefined;
    if (edit) fixes.push({ title: `Set ${CDMC}: "32" under ENV`, edits: [edit], preferred: true });
    fixes.push(ctx.setValueFix('use_megatron_fsdp', 'false', 'Set `use_megatron_fsdp: false`'));
    const what =
      shell !== undefined
        ? `${CDMC} is "1" in the shell the run starts from (it wins over ENV)`
        : value === '1'
          ? `${CDMC} is "1"`
          : `${CDMC} is not set, so ms-swift sets it to "1"`;
    const stage = stageText('args', ctx.version);
    const finding: Finding = {
      message: `Megatron-FSDP needs ${CDMC} greater than 1, but ${what}; ms-swift raises a ValueError and the run ${stage}. Set it to e.g. "32" under ENV.`,
      fixes,
    };
    if (inEnv && shell === undefined) {
      finding.key = CDMC;
      finding.range = ctx.envKeyRange(CDMC);
    } else {
      finding.key = 'use_megatron_fsdp';
    }
    yield finding;
  },
};
