// How many processes the launcher starts: torchrun only runs when NPROC_PER_NODE or NNODES is set, and each rank
// takes the visible GPU with its local rank.
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { Finding, Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { effectiveEnvInt, envGiven, layoutFitsWorld, visibleGpus } from './env-helpers';

const BOTH_ERROR = { '3.4.1': 'error', '4.5.2': 'error' } as const;
const BOTH_INFO = { '3.4.1': 'info', '4.5.2': 'info' } as const;

function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${word}${/(s|x|ch|sh)$/.test(word) ? 'es' : 's'}`;
}

/** A fix setting NPROC_PER_NODE to n, when that keeps the parallel layout and the global batch valid. */
function nprocFix(ctx: RuleContext, n: number, nodes: number | undefined, title: string, preferred: boolean): Fix | undefined {
  if (n < 1 || nodes === undefined || !layoutFitsWorld(ctx, n, nodes)) return undefined;
  const edit = ctx.setEnvEdit('NPROC_PER_NODE', `"${n}"`, 'top');
  return edit ? { title, edits: [edit], preferred } : undefined;
}

export const launchRequiresNprocPerNode: Rule = {
  id: 'launch-requires-nproc-per-node',
  title: 'megatron commands need NPROC_PER_NODE (or NNODES), even on one GPU',
  area: 'launcher',
  severity: BOTH_ERROR,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/cli/main.py:28-33',
    'modelscope/ms-swift@v3.4.1:swift/cli/main.py:63-68',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:32-33',
    'modelscope/ms-swift@v3.4.1:swift/utils/torch_utils.py:380-391',
    'modelscope/ms-swift@v4.5.2:swift/cli/main.py:30-35',
    'modelscope/ms-swift@v4.5.2:swift/cli/main.py:93-98',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:18-19',
    'modelscope/ms-swift@v4.5.2:swift/utils/torch_utils.py:337-349',
  ],
  *check(ctx) {
    // `megatron rlhf` with use_ray is started through Ray, not torchrun
    if (ctx.command === 'megatron rlhf' && ctx.bool('use_ray') === true) return;
    if (envGiven(ctx, 'NPROC_PER_NODE') || envGiven(ctx, 'NNODES')) return;
    // the extension's launcher passes NPROC_PER_NODE for the GPUs chosen in the client
    if (ctx.launch.visibleGpus !== undefined) return;
    // a scheduler that exports the rendezvous variables itself
    if (['RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'].every((n) => envGiven(ctx, n))) return;
    const vis = visibleGpus(ctx);
    const n = vis && vis.count > 0 ? vis.count : 1;
    const fix = nprocFix(ctx, n, 1, `Add \`NPROC_PER_NODE: "${n}"\` to ENV`, true);
    const finding: Finding = {
      message:
        `Neither \`NPROC_PER_NODE\` nor \`NNODES\` is set (in \`ENV:\` or the shell), so \`${ctx.command}\` starts the training script as one plain ` +
        `Python process instead of through torchrun. RANK, WORLD_SIZE and MASTER_ADDR are then undefined and Megatron-SWIFT cannot ` +
        `create its process group: the run ${stageText('args', ctx.version)}. Set \`NPROC_PER_NODE\` in \`ENV:\` to the number of GPUs ` +
        `per node${vis && vis.count > 0 ? ` (${n} for ${vis.from})` : ' (1 for a single GPU)'}.`,
      key: 'NPROC_PER_NODE',
      range: ctx.envKeyRange('NPROC_PER_NODE'),
    };
    if (fix) finding.fixes = [fix];
    yield finding;
  },
};

export const nprocExceedsVisibleDevices: Rule = {
  id: 'nproc-exceeds-visible-devices',
  title: 'NPROC_PER_NODE larger than the number of visible GPUs',
  area: 'launcher',
  severity: BOTH_ERROR,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/utils/torch_utils.py:319-325',
    'modelscope/ms-swift@v3.4.1:swift/utils/torch_utils.py:380-383',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:32-33',
    'modelscope/ms-swift@v4.5.2:swift/utils/torch_utils.py:159-165',
    'modelscope/ms-swift@v4.5.2:swift/utils/torch_utils.py:337-340',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/sft_args.py:18-19',
  ],
  *check(ctx) {
    const nproc = effectiveEnvInt(ctx, 'NPROC_PER_NODE');
    const vis = visibleGpus(ctx);
    if (nproc === undefined || !vis || nproc <= vis.count) return;
    const fixes: Fix[] = [];
    const fix = nprocFix(ctx, vis.count, ctx.nnodes(), `Set \`NPROC_PER_NODE: "${vis.count}"\``, true);
    if (fix) fixes.push(fix);
    const extra = nproc - vis.count;
    yield {
      message:
        `\`NPROC_PER_NODE\` ${nproc} starts ${plural(nproc, 'process')} per node, but only ${plural(vis.count, 'GPU')} ` +
        `${vis.count === 1 ? 'is' : 'are'} visible (${vis.from}): the ${extra === 1 ? 'last rank has' : `last ${extra} ranks have`} no device of ${extra === 1 ? 'its' : 'their'} own ` +
        `(CUDA "invalid device ordinal") and the run ${stageText('args', ctx.version)}. ` +
        `Use at most ${vis.count} processes per node${vis.ids ? ', or list more GPUs' : ''}.`,
      key: 'NPROC_PER_NODE',
      range: ctx.envKeyRange('NPROC_PER_NODE'),
      fixes,
    };
  },
};

export const nprocBelowVisibleDevices: Rule = {
  id: 'nproc-below-visible-devices',
  title: 'Fewer processes than visible GPUs',
  area: 'launcher',
  severity: BOTH_INFO,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'launch', '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v3.4.1:swift/utils/torch_utils.py:319-325', 'modelscope/ms-swift@v4.5.2:swift/utils/torch_utils.py:159-165'],
  *check(ctx) {
    const nproc = effectiveEnvInt(ctx, 'NPROC_PER_NODE');
    const vis = visibleGpus(ctx);
    if (nproc === undefined || nproc < 1 || !vis || nproc >= vis.count) return;
    const fixes: Fix[] = [];
    const useAll = nprocFix(ctx, vis.count, ctx.nnodes(), `Use all ${vis.count} GPUs: set \`NPROC_PER_NODE: "${vis.count}"\``, true);
    if (useAll) fixes.push(useAll);
    if (vis.ids) {
      const keep = vis.ids.slice(0, nproc).join(',');
      const edit = ctx.setEnvEdit('CUDA_VISIBLE_DEVICES', `"${keep}"`, 'top');
      if (edit) fixes.push({ title: `List only the GPUs used: \`CUDA_VISIBLE_DEVICES: "${keep}"\``, edits: [edit], preferred: !useAll });
    }
    const idle = vis.ids ? ` (${vis.ids.slice(nproc).join(', ')})` : '';
    yield {
      message:
        `\`NPROC_PER_NODE\` ${nproc} starts ${plural(nproc, 'process')} per node while ${plural(vis.count, 'GPU')} ` +
        `${vis.count === 1 ? 'is' : 'are'} visible (${vis.from}): rank i uses visible GPU i, so ${vis.count - nproc === 1 ? 'one GPU stays' : `${vis.count - nproc} GPUs stay`} idle${idle}.`,
      key: 'NPROC_PER_NODE',
      range: ctx.envKeyRange('NPROC_PER_NODE'),
      fixes,
    };
  },
};

export const nnodesWithoutNprocPerNode: Rule = {
  id: 'nnodes-without-nproc-per-node',
  title: 'NNODES set but NPROC_PER_NODE unset',
  area: 'launcher',
  severity: BOTH_INFO,
  commands: MEGATRON_COMMANDS,
  stage: { '3.4.1': 'launch', '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v3.4.1:swift/cli/main.py:28-33', 'modelscope/ms-swift@v4.5.2:swift/cli/main.py:30-35'],
  *check(ctx) {
    if (!ctx.envEntry('NNODES')) return;
    const nodes = effectiveEnvInt(ctx, 'NNODES');
    // NNODES from a scheduler variable: the platform supplies the per-node count as well
    if (nodes === undefined || nodes < 1) return;
    if (envGiven(ctx, 'NPROC_PER_NODE') || envGiven(ctx, 'PET_NPROC_PER_NODE')) return;
    if (ctx.launch.visibleGpus !== undefined) return;
    const vis = visibleGpus(ctx);
    const fixes: Fix[] = [];
    if (vis && vis.count > 1) {
      const fix = nprocFix(ctx, vis.count, nodes, `Add \`NPROC_PER_NODE: "${vis.count}"\` to ENV`, true);
      if (fix) fixes.push(fix);
    }
    yield {
      message:
        `\`NNODES\` ${nodes} makes the launcher use torchrun, but without \`NPROC_PER_NODE\` (or the platform's \`PET_NPROC_PER_NODE\`) torchrun ` +
        `starts its default of one process per node: the run uses ${plural(nodes, 'GPU')} in total, one per node. ` +
        `Set \`NPROC_PER_NODE\` to the number of GPUs on each node.`,
      key: 'NNODES',
      range: ctx.envKeyRange('NNODES'),
      fixes,
    };
  },
};
