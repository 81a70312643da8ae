// deterministic_mode in ms-swift 3.4.1 (Megatron-LM's validate_args): no flash attention, no fused cross
// entropy, and NCCL_ALGO set to an all-reduce algorithm that gives reproducible sums.
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';

const NCCL_ALGOS = ['Tree', 'Ring', 'CollnetDirect', 'CollnetChain', '^NVLS'];

export const deterministicModeRequirements: Rule = {
  id: 'deterministic-mode-requirements',
  title: 'deterministic_mode requirements',
  area: 'attention',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:886-892', 'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:1708-1711'],
  *check(ctx) {
    if (ctx.bool('deterministic_mode') !== true) return;
    const stage = stageText('megatron-init', ctx.version);
    const off = (): Fix => ctx.setValueFix('deterministic_mode', 'false', 'Turn `deterministic_mode` off');
    if (ctx.bool('use_flash_attn') === true) {
      yield {
        message: `Megatron-LM does not allow flash attention in deterministic mode (\`use_flash_attn: true\` with \`deterministic_mode: true\`); validate_args asserts and the run ${stage}.`,
        key: 'use_flash_attn',
        range: ctx.valueRange('use_flash_attn'),
        fixes: [ctx.setValueFix('use_flash_attn', 'false', undefined, true), off()],
      };
    }
    if (ctx.bool('cross_entropy_loss_fusion') === true) {
      yield {
        message: `The fused cross-entropy kernel is not deterministic, so Megatron-LM refuses \`cross_entropy_loss_fusion: true\` with \`deterministic_mode: true\`; validate_args asserts and the run ${stage}.`,
        key: 'cross_entropy_loss_fusion',
        range: ctx.valueRange('cross_entropy_loss_fusion'),
        fixes: [ctx.setValueFix('cross_entropy_loss_fusion', 'false', undefined, true), off()],
      };
    }
    const inEnv = ctx.envEntry('NCCL_ALGO') !== undefined;
    const algo = inEnv ? ctx.env('NCCL_ALGO') : ctx.python?.shellEnv?.NCCL_ALGO;
    if (algo !== undefined && NCCL_ALGOS.includes(algo)) return;
    const fixes: Fix[] = [];
    const edit = ctx.setEnvEdit('NCCL_ALGO', 'Ring');
    if (edit) fixes.push({ title: 'Set `NCCL_ALGO: Ring` under `ENV:`', edits: [edit], preferred: true });
    fixes.push(off());
    const list = NCCL_ALGOS.map((a) => `\`${a}\``).join(', ');
    yield {
      message:
        algo === undefined
          ? `Deterministic mode needs the environment variable NCCL_ALGO set to one of ${list} (NCCL otherwise picks all-reduce algorithms whose sums vary between runs), and it is not set; validate_args asserts and the run ${stage}. Add \`NCCL_ALGO: Ring\` under \`ENV:\`.`
          : `Deterministic mode needs NCCL_ALGO to be exactly one of ${list}, not \`${algo}\`; validate_args asserts and the run ${stage}.`,
      key: 'NCCL_ALGO',
      range: inEnv ? ctx.envEntry('NCCL_ALGO')!.valueRange : ctx.keyRange('deterministic_mode'),
      fixes,
    };
  },
};

export const rules: readonly Rule[] = [deterministicModeRequirements];
