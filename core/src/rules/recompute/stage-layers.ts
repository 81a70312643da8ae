// How many decoder layers each model chunk holds: the unit Megatron's uniform recompute walks through in steps of
// `recompute_num_layers`. A chunk is a pipeline stage, or a virtual stage with interleaved PP (4.5.2). The split
// itself is computed by the pipeline rules (parallelism/pp-vpp-expert: pipelineLayers, which follows megatron-core's
// get_num_layers_to_build); this module only words it. undefined whenever the split is invalid or unknown (the
// pipeline rules report those), so callers stay silent.
import { RuleContext } from '../context';
import { pipelineLayers } from '../parallelism/pp-vpp-expert/stages';
import { extraKwargs } from './common';
import { modelLabel } from '../shared/model';

export interface StageLayers {
  /** decoder layers of the model */
  total: number;
  pp: number;
  /** VPP when it splits the stages (4.5.2, PP > 1) */
  vpp: number | undefined;
  /** every chunk's layer count: chunks[stage][virtual stage] */
  chunks: number[][];
  /** a clause describing the split, e.g. "the 28 layers of Qwen/Qwen2.5-7B-Instruct (bundled table) split over PP 2 give 14 per stage" */
  description: string;
}

/** where the layer count comes from, for messages (the same precedence as the pipeline rules) */
function layersSource(ctx: RuleContext): string {
  const extra = extraKwargs(ctx);
  if (extra !== 'unknown' && 'num_layers' in extra) return 'the model (`num_layers` in `megatron_extra_kwargs`)';
  if (ctx.version === '3.4.1' && ctx.isSet('num_layers')) return 'the model (`num_layers`)';
  const facts = ctx.model();
  return facts ? modelLabel(ctx, facts) : 'the model';
}

export function stageLayers(ctx: RuleContext): StageLayers | undefined {
  const split = pipelineLayers(ctx);
  if (!split) return undefined;
  const { numLayers: total, pp, perRank, chunks } = split;
  const vpp = split.vpp > 1 ? split.vpp : undefined;
  const source = layersSource(ctx);
  let description: string;
  if (split.kind === 'layout') {
    const sizes = [...new Set(chunks.flat())].sort((a, b) => a - b);
    description = `\`pipeline_model_parallel_layout\` places the ${total} layers of ${source} ${sizes.length === 1 ? `${sizes[0]} per model chunk` : `${sizes.join(' / ')} to a model chunk`}`;
  } else if (split.kind === 'uneven') {
    description = `the uneven split puts ${perRank.join(' / ')} of the ${total} layers of ${source} on the ${pp} pipeline stages`;
  } else {
    const v4 = ctx.version !== '3.4.1';
    const embed = v4 && ctx.bool('account_for_embedding_in_pipeline_split') === true;
    const loss = v4 && ctx.bool('account_for_loss_in_pipeline_split') === true;
    const counted = embed || loss ? `, with ${[embed ? 'the embedding' : '', loss ? 'the loss' : ''].filter(Boolean).join(' and ')} counted as ${embed && loss ? 'layers' : 'a layer'},` : '';
    description = pp === 1 && !counted ? `the ${total} layers of ${source} all sit on one pipeline stage` : `the ${total} layers of ${source}${counted} split over PP ${pp} give ${perRank[0]} per stage`;
    if (vpp) description += `, and VPP ${vpp} cuts each stage into ${vpp} chunks of ${perRank[0]! / vpp} layers`;
    if (embed || loss) {
      const part = vpp ? 'chunk' : 'stage';
      const where = [embed ? `the first ${part} (which also holds the embedding)` : '', loss ? `the last ${part} (which also computes the loss)` : ''].filter(Boolean).join(' and ');
      description += `, one fewer on ${where}`;
    }
    return { total, pp, vpp, chunks, description };
  }
  if (vpp && split.kind === 'uneven') description += `, and VPP ${vpp} cuts each stage into ${vpp} chunks`;
  return { total, pp, vpp, chunks, description };
}
