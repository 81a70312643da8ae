// Multi-node runs: the launcher forwards only the rendezvous variables that are set, so torchrun falls back to
// 127.0.0.1 and node rank 0 on every node.
import { Rule } from '../types';
import { MEGATRON_COMMANDS } from '../types';
import { effectiveEnvInt, envGiven } from './env-helpers';

const BOTH_WARNING = { '3.4.1': 'warning', '4.5.2': 'warning' } as const;

export const multinodeRequiresMasterAddr: Rule = {
  id: 'multinode-requires-master-addr',
  title: 'Multi-node run without MASTER_ADDR',
  area: 'launcher',
  severity: BOTH_WARNING,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'launch', '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v3.4.1:swift/cli/main.py:36-45', 'modelscope/ms-swift@v4.5.2:swift/cli/main.py:74-83'],
  *check(ctx) {
    const nodes = effectiveEnvInt(ctx, 'NNODES');
    if (nodes === undefined || nodes <= 1) return;
    // MASTER_ADDR is the same on every node, so a shared config is where it belongs; a known shell may supply it
    if (envGiven(ctx, 'MASTER_ADDR')) return;
    yield {
      message:
        `\`NNODES\` is ${nodes} but \`MASTER_ADDR\` is not set: torchrun then uses 127.0.0.1 on every node, each node waits for the ` +
        `others on its own address, and the job hangs at the rendezvous until the distributed timeout. ` +
        `Add \`MASTER_ADDR\` (the address of node 0) and \`MASTER_PORT\` to \`ENV:\`.`,
      key: 'NNODES',
      range: ctx.envKeyRange('NNODES'),
    };
  },
};

export const multinodeRequiresNodeRank: Rule = {
  id: 'multinode-requires-node-rank',
  title: 'Multi-node run without NODE_RANK',
  area: 'launcher',
  severity: BOTH_WARNING,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'launch', '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v3.4.1:swift/cli/main.py:36-45', 'modelscope/ms-swift@v4.5.2:swift/cli/main.py:74-83'],
  *check(ctx) {
    const nodes = effectiveEnvInt(ctx, 'NNODES');
    if (nodes === undefined || nodes <= 1) return;
    if (ctx.envEntry('NODE_RANK')) return;
    // NODE_RANK differs per node, so it normally comes from the shell of each node: report only when that shell is
    // known and lacks it
    const shell = ctx.python?.shellEnv;
    if (!shell || shell.NODE_RANK !== undefined) return;
    yield {
      message:
        `\`NNODES\` is ${nodes} but \`NODE_RANK\` is set neither in \`ENV:\` nor in the launching shell: torchrun gives every node ` +
        `rank 0, so the nodes claim the same rank and the rendezvous hangs or fails. Start each node with its own rank ` +
        `(0 to ${nodes - 1}), e.g. \`NODE_RANK=1 ${ctx.command} cfg.yaml\` on the second node.`,
      key: 'NNODES',
      range: ctx.envKeyRange('NNODES'),
    };
  },
};
