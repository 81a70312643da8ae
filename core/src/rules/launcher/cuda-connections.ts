// CUDA_DEVICE_MAX_CONNECTIONS: ms-swift 3.4.1 always forces it to 1; 4.5.2 only fills in 1 when it is unset.
import { Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { parallelSizes } from '../shared/parallel';

export const cudaDeviceMaxConnectionsDefault: Rule = {
  id: 'cuda-device-max-connections-default',
  title: 'CUDA_DEVICE_MAX_CONNECTIONS is set to 1 by ms-swift',
  area: 'launcher',
  severity: { '3.4.1': 'warning', '4.5.2': 'info' },
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:213',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:796',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:778-791',
  ],
  *check(ctx) {
    const name = 'CUDA_DEVICE_MAX_CONNECTIONS';
    const entry = ctx.envEntry(name);
    const value = ctx.env(name);
    if (!entry || value === undefined || value.trim() === '1') return;
    const fixes: Fix[] = [];
    const set = ctx.setEnvEdit(name, '"1"', 'top');
    if (set) fixes.push({ title: `Set \`${name}: "1"\``, edits: [set], preferred: true });
    fixes.push({ title: `Remove \`${name}\` (ms-swift sets 1)`, edits: [ctx.removeEntryEdit(entry)] });
    if (ctx.version === '3.4.1') {
      yield {
        message:
          `ms-swift 3.4.1 always sets \`${name}\` to 1 when it parses the Megatron arguments, so "${value}" from \`ENV:\` is silently ` +
          `replaced and has no effect.`,
        key: name,
        range: entry.keyRange,
        fixes,
      };
      return;
    }
    // 4.5.2 keeps a user value. Megatron-FSDP needs more than one connection; with TP or CP > 1 Megatron expects 1
    // so that its communication kernels run in issue order.
    if (ctx.bool('use_megatron_fsdp') === true) return;
    const { tp, cp } = parallelSizes(ctx);
    if (tp <= 1 && cp <= 1) return;
    yield {
      message:
        `ms-swift 4.5.2 keeps \`${name}\` "${value}" (it fills in 1 only when the variable is unset), but with ` +
        `${tp > 1 ? `\`tensor_model_parallel_size\` ${tp}` : `\`context_parallel_size\` ${cp}`} Megatron expects 1 so that the ` +
        `tensor/context-parallel communication is scheduled in order; only Megatron-FSDP (\`use_megatron_fsdp\`) wants more than 1.`,
      key: name,
      range: entry.keyRange,
      fixes,
    };
  },
};
