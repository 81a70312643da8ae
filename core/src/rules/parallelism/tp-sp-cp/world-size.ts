// The processes of the run must split evenly into TP x PP x CP model-parallel groups.
import { nearestValid, parallelSizes } from '../../shared/parallel';
import { Fix, MEGATRON_COMMANDS, Rule } from '../../types';
import { availableGpus, currentLayout, envValueEdit, layoutFits, orList, preferredIndex, stageSentence, tpCandidates, tpFix } from './common';

export const worldSizeDivisibleByTpPpCp: Rule = {
  id: 'world-size-divisible-by-tp-pp-cp',
  title: 'World size not divisible by TP × PP × CP',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:320-327',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/parallel_state.py:629-630',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/megatron_lm_utils.py:57-78',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:943-948',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/parallel_state.py:735-736',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/training/arguments.py:432-433',
  ],
  *check(ctx) {
    const ps = parallelSizes(ctx);
    const world = ps.world;
    if (world === undefined) return; // NPROC_PER_NODE / NNODES not literal: the scheduler decides
    const group = ps.tp * ps.pp * ps.cp;
    if (world % group === 0) return;

    const nproc = ctx.nprocPerNode()!;
    const nnodes = ctx.nnodes()!;
    const worldText = nnodes > 1 ? `NPROC_PER_NODE ${nproc} × NNODES ${nnodes} = ${world} processes` : `${world} process${world === 1 ? '' : 'es'} (NPROC_PER_NODE ${nproc})`;
    const parts = [`TP ${ps.tp}`, `PP ${ps.pp}`, `CP ${ps.cp}`].join(' × ');

    const fixes: Fix[] = [];
    // TP values that make everything of this group fit
    const tpValues = ps.tp > 1 || ctx.isSet('tensor_model_parallel_size') ? tpCandidates(ctx, ['world']) : [];
    const p = preferredIndex(tpValues);
    fixes.push(...tpValues.map((v, i) => tpFix(ctx, v, i === p)));
    // NPROC_PER_NODE: fewer processes always exist; more only when the visible GPUs are known to be enough
    const gpus = availableGpus(ctx);
    const l = currentLayout(ctx);
    const nprocOk = (v: number) => v !== nproc && (v < nproc || (gpus !== undefined && v <= gpus)) && layoutFits(ctx, l, 'safe', ['world'], v * nnodes);
    const nprocs = ctx.envEntry('NPROC_PER_NODE') ? nearestValid(nproc, nprocOk, 2, Math.max(nproc, gpus ?? 0)) : [];
    for (const v of nprocs) {
      const edit = envValueEdit(ctx, 'NPROC_PER_NODE', String(v));
      if (edit) fixes.push({ title: `Set \`NPROC_PER_NODE: ${v}\``, edits: [edit], preferred: fixes.length === 0 });
    }

    const advice: string[] = [];
    if (tpValues.length) advice.push(`tensor_model_parallel_size ${orList(tpValues)}`);
    if (nprocs.length) advice.push(`NPROC_PER_NODE ${orList(nprocs)}`);
    const adviceText = advice.length ? ` Use ${advice.join(', or ')}.` : ` Make the number of processes a multiple of ${group}.`;

    const key = ps.tp > 1 ? 'tensor_model_parallel_size' : ps.cp > 1 ? 'context_parallel_size' : 'pipeline_model_parallel_size';
    yield {
      message: `${worldText} cannot be split into model-parallel groups of ${parts} = ${group}: the data-parallel size ${world}/${group} is not a whole number.${adviceText} ${stageSentence(ctx.version === '3.4.1' ? 'megatron-init' : 'args', ctx.version)}`,
      key,
      fixes,
      related: ctx.envEntry('NPROC_PER_NODE') ? [{ range: ctx.envKeyRange('NPROC_PER_NODE'), message: `NPROC_PER_NODE ${nproc}` }] : [],
    };
  },
};
