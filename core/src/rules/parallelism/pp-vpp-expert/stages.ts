// How Megatron spreads the decoder layers over the pipeline stages, for the pipeline rules and for anyone else
// who needs the layers on each stage (e.g. the uniform-recompute rule).
//
//   pipelineLayers(ctx)  -> the layers built on every pipeline rank and virtual stage of the config, or undefined
//                           when the model's layer count is unknown or the split itself is invalid.
//   evaluatePipeline(in) -> the same from plain numbers, plus what is wrong with the split (one entry per
//                           constraint id), following megatron-core 0.12 (ms-swift 3.4.1) and 0.18 (ms-swift 4.5.2).
//
// Sources: NVIDIA/Megatron-LM@core_r0.12.0 megatron/training/arguments.py:438-501,
// megatron/core/transformer/transformer_config.py:768-860, transformer_block.py:52-160;
// NVIDIA/Megatron-LM@core_r0.18.0 transformer_config.py:1699-1880, transformer_block.py:71-190,
// pipeline_parallel_layer_layout.py; modelscope/ms-swift@v4.5.2 swift/megatron/arguments/megatron_args.py:998-1018.
import { KnownVersion } from '../../../catalog/schema';
import type { RuleContext } from '../../context';
import { Values, layerCount } from './facts';

/** E = embedding, L = loss, t = decoder (transformer) layer, m = multi-token-prediction layer */
export type LayoutLayer = 'E' | 'L' | 't' | 'm';

/** The most layers a layout string may expand to before we give up on it (a typo like t*99999999). */
const MAX_LAYOUT_LAYERS = 100_000;

export type ParsedLayout = { ok: true; stages: LayoutLayer[][] } | { ok: false; error: string; tooLarge?: boolean };

/** Parses a pipeline_model_parallel_layout string like megatron-core's parse_str_to_list: "Et*3|(tt|)*29,m|L". */
export function parseLayout(text: string): ParsedLayout {
  let s = text.replace(/,/g, '');
  let tooLarge = false;
  const unroll = (re: RegExp) => {
    s = s.replace(re, (_m, body: string, count: string) => {
      const n = Number(count);
      if (!Number.isFinite(n) || body.length * n > MAX_LAYOUT_LAYERS) {
        tooLarge = true;
        return '';
      }
      return body.repeat(n);
    });
  };
  unroll(/\(([^)]+)\)\*(\d+)/g);
  unroll(/(.)\*(\d+)/g);
  if (tooLarge || s.length > MAX_LAYOUT_LAYERS) return { ok: false, error: 'the layout is too large to expand', tooLarge: true };
  const stages: LayoutLayer[][] = [];
  for (const stage of s.split('|')) {
    const row: LayoutLayer[] = [];
    for (const ch of stage) {
      if (ch !== 'E' && ch !== 'L' && ch !== 't' && ch !== 'm') {
        return { ok: false, error: `\`${ch}\` is not a layer letter (use E for the embedding, t for a decoder layer, m for an MTP layer, L for the loss, | between stages)` };
      }
      row.push(ch);
    }
    stages.push(row);
  }
  return { ok: true, stages };
}

export interface PipelineInput {
  version: KnownVersion;
  /** decoder layers of the model (num_hidden_layers); undefined when unknown */
  numLayers?: number;
  /** words naming where numLayers came from, for messages, e.g. "Qwen/Qwen2.5-7B-Instruct (bundled table)" */
  layersFrom?: string;
  pp: number;
  /** virtual_pipeline_model_parallel_size as written (4.5.2) */
  vppArg?: number;
  /** decoder_first_pipeline_num_layers / decoder_last_pipeline_num_layers */
  first?: number;
  last?: number;
  embedInSplit: boolean;
  lossInSplit: boolean;
  /** pipeline_model_parallel_layout (4.5.2) */
  layout?: string;
  /** mtp_num_layers (4.5.2) */
  mtpLayers?: number;
}

export interface PipelineSplit {
  kind: 'even' | 'uneven' | 'layout';
  numLayers: number;
  pp: number;
  /** virtual stages per pipeline rank (1 without interleaving) */
  vpp: number;
  /** decoder layers each pipeline rank is assigned, before the embedding/loss adjustment */
  perRank: number[];
  /** decoder layers each model chunk really builds: chunks[ppRank][virtualStage] (embedding/loss accounted for) */
  chunks: number[][];
  /** layers on the first / last rank, and on each middle rank (undefined when there is no middle rank or they differ) */
  first: number;
  last: number;
  middle?: number;
}

export interface SplitProblem {
  id: string;
  /** the argument to point at */
  key: string;
  /** why, in words (without the stage sentence) */
  detail: string;
  /** when the failure happens, if it differs from the rule's own stage */
  stage?: 'args' | 'model-build';
  /** overrides the rule's severity (e.g. a silently ignored value) */
  severity?: 'warning';
}

export interface PipelineEvaluation {
  /** virtual stages per rank that will be used (undefined: no interleaving) */
  vpp?: number;
  /** stage count of the layout, when it parses */
  layoutStages?: number;
  problems: SplitProblem[];
  split?: PipelineSplit;
}

const F = 'decoder_first_pipeline_num_layers';
const L = 'decoder_last_pipeline_num_layers';
const EMB = 'account_for_embedding_in_pipeline_split';
const LOSS = 'account_for_loss_in_pipeline_split';
const LAYOUT = 'pipeline_model_parallel_layout';
const PP = 'pipeline_model_parallel_size';
const VPP = 'virtual_pipeline_model_parallel_size';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Checks a pipeline split the way megatron-core does and, when it is valid, computes the layers per stage. */
export function evaluatePipeline(input: PipelineInput): PipelineEvaluation {
  const v4 = input.version !== '3.4.1';
  const problems: SplitProblem[] = [];
  const { pp, first, last } = input;
  const hasF = first !== undefined;
  const hasL = last !== undefined;
  const N = input.numLayers;
  const of = input.layersFrom ? ` of ${input.layersFrom}` : '';

  // ---- layout (4.5.2): parsed while the arguments are read; VPP = stages / PP
  let parsed: ParsedLayout | undefined;
  let vpp: number | undefined;
  let layoutStages: number | undefined;
  if (v4 && input.layout !== undefined) {
    parsed = parseLayout(input.layout);
    if (!parsed.ok) {
      if (!parsed.tooLarge) problems.push({ id: 'pp-layout-stage-count', key: LAYOUT, detail: `\`${LAYOUT}\` does not parse: ${parsed.error}`, stage: 'args' });
      return { problems };
    }
    layoutStages = parsed.stages.length;
    if (layoutStages % pp !== 0) {
      problems.push({
        id: 'pp-layout-stage-count',
        key: LAYOUT,
        detail: `\`${LAYOUT}\` has ${plural(layoutStages, 'stage')}, which is not a multiple of \`${PP}\` ${pp}; ms-swift derives the virtual pipeline size as stages / PP and asserts they divide`,
        stage: 'args',
      });
      return { layoutStages, problems };
    }
    vpp = layoutStages / pp;
    if (input.vppArg !== undefined && input.vppArg !== vpp && !(input.vppArg <= 1 && vpp === 1)) {
      problems.push({
        id: 'pp-split-options-conflict',
        key: VPP,
        detail: `\`${VPP}\` ${input.vppArg} is ignored: the ${plural(layoutStages, 'stage')} of \`${LAYOUT}\` over ${pp} pipeline ${pp === 1 ? 'rank' : 'ranks'} mean ${vpp} virtual ${vpp === 1 ? 'stage' : 'stages'} per rank, and ms-swift uses that instead`,
        severity: 'warning',
      });
    }
  } else if (v4 && input.vppArg !== undefined) {
    vpp = input.vppArg;
  }
  if (vpp !== undefined && vpp <= 1) vpp = undefined;

  // ---- checks made while the arguments are read
  if (vpp !== undefined && pp === 1) {
    const fromLayout = input.layout !== undefined;
    problems.push({
      id: 'vpp-requires-pp-gt-1',
      key: fromLayout ? LAYOUT : VPP,
      detail: fromLayout
        ? `the ${plural(layoutStages!, 'stage')} of \`${LAYOUT}\` mean ${vpp} virtual pipeline stages, but \`${PP}\` is 1; interleaving needs at least 2 pipeline ranks`
        : `\`${VPP}\` ${vpp} needs pipeline parallelism, but \`${PP}\` is 1`,
    });
  }
  if (pp === 1 && (hasF || hasL)) {
    const which = [hasF ? `\`${F}\`` : '', hasL ? `\`${L}\`` : ''].filter(Boolean).join(' and ');
    problems.push({
      id: 'uneven-pp-requires-pp-gt-1',
      key: hasF ? F : L,
      detail: `${which} only ${hasF && hasL ? 'make' : 'makes'} sense with pipeline parallelism, but \`${PP}\` is 1`,
    });
  }

  // ---- conflicts checked when TransformerConfig is built (4.5.2; 3.4.1 has none of these options)
  let conflict = false;
  if (v4 && (hasF || hasL) && (input.embedInSplit || input.lossInSplit) && input.layout === undefined) {
    conflict = true;
    const acc = [input.embedInSplit ? `\`${EMB}\`` : '', input.lossInSplit ? `\`${LOSS}\`` : ''].filter(Boolean).join(' and ');
    const fl = [hasF ? `\`${F}\`` : '', hasL ? `\`${L}\`` : ''].filter(Boolean).join(' and ');
    problems.push({
      id: 'pp-split-options-conflict',
      key: input.embedInSplit ? EMB : LOSS,
      detail: `${acc} cannot be combined with ${fl}: megatron-core accepts either an explicit first/last stage size or counting the embedding/loss as layers, not both`,
    });
  }
  if (v4 && input.layout !== undefined && (hasF || hasL || input.embedInSplit || input.lossInSplit)) {
    conflict = true;
    const others = [hasF ? `\`${F}\`` : '', hasL ? `\`${L}\`` : '', input.embedInSplit ? `\`${EMB}\`` : '', input.lossInSplit ? `\`${LOSS}\`` : ''].filter(Boolean);
    problems.push({
      id: 'pp-split-options-conflict',
      key: LAYOUT,
      detail: `\`${LAYOUT}\` already places every layer, so it cannot be combined with ${others.join(', ')}`,
    });
  }
  if (conflict) return { vpp, layoutStages, problems };

  // ---- layout: validated against the model when TransformerConfig is built
  if (parsed?.ok) {
    const flat: LayoutLayer[] = [];
    const vp = vpp ?? 1;
    // layout[i] with i = vpStage * PP + ppRank; flattened in layer order
    for (let v = 0; v < vp; v++) for (let r = 0; r < pp; r++) flat.push(...parsed.stages[v * pp + r]!);
    const count = (c: LayoutLayer) => flat.filter((x) => x === c).length;
    const issues: string[] = [];
    if (flat[0] !== 'E') issues.push('it must start with the embedding `E`');
    if (flat[flat.length - 1] !== 'L') issues.push('it must end with the loss `L`');
    if (count('E') > 1) issues.push('the embedding `E` may appear only once');
    if (count('L') > 1) issues.push('the loss `L` may appear only once');
    if (N !== undefined && count('t') !== N) issues.push(`it lists ${count('t')} decoder layers \`t\` but the model has ${N}${of ? ` (${input.layersFrom})` : ''}`);
    const mtp = input.mtpLayers ?? 0;
    if (count('m') !== mtp) issues.push(`it lists ${count('m')} MTP layers \`m\` but \`mtp_num_layers\` is ${input.mtpLayers ?? 'not set'}`);
    const firstM = flat.indexOf('m');
    if (firstM >= 0 && flat.slice(firstM).includes('t')) issues.push('the MTP layers `m` must come after every decoder layer');
    if (issues.length) {
      problems.push({ id: 'pp-layout-stage-count', key: LAYOUT, detail: `\`${LAYOUT}\` does not fit the model: ${issues.join('; ')}`, stage: 'model-build' });
      return { vpp, layoutStages, problems };
    }
    if (N === undefined || pp === 1 && vpp !== undefined) return { vpp, layoutStages, problems };
    const chunks: number[][] = [];
    for (let r = 0; r < pp; r++) {
      const row: number[] = [];
      for (let v = 0; v < vp; v++) row.push(parsed.stages[v * pp + r]!.filter((x) => x === 't').length);
      chunks.push(row);
    }
    const perRank = chunks.map((row) => row.reduce((a, b) => a + b, 0));
    return { vpp, layoutStages, problems, split: summarize('layout', N, pp, vp, perRank, chunks) };
  }

  if (pp === 1 && (hasF || hasL || vpp !== undefined)) return { vpp, layoutStages, problems };

  // ---- uneven split
  if (hasF || hasL) {
    const key = hasF ? F : L;
    let bad = false;
    if (hasF && first! <= 0) {
      problems.push({ id: 'uneven-pp-layer-split', key: F, detail: `\`${F}\` must be at least 1 (it is ${first})` });
      bad = true;
    }
    if (hasL && last! <= 0) {
      problems.push({ id: 'uneven-pp-layer-split', key: L, detail: `\`${L}\` must be at least 1 (it is ${last})` });
      bad = true;
    }
    if (bad || N === undefined) return { vpp, layoutStages, problems };
    const m = pp - (hasF ? 1 : 0) - (hasL ? 1 : 0);
    const r = N - (first ?? 0) - (last ?? 0);
    const given = [hasF ? `\`${F}\` ${first}` : '', hasL ? `\`${L}\` ${last}` : ''].filter(Boolean).join(' and ');
    const verb = (one: string, two: string) => (hasF && hasL ? two : one);
    if (r < 0) {
      problems.push({ id: 'uneven-pp-layer-split', key, detail: `${given} ${verb('is', 'add up to')} more than the ${N} layers${of}` });
      return { vpp, layoutStages, problems };
    }
    if (m === 0) {
      if (!v4) {
        problems.push({
          id: 'uneven-pp-layer-split',
          key,
          detail: `with \`${PP}\` ${pp} and both first and last stage sizes set there is no middle stage, and megatron-core 0.12 (used by ms-swift 3.4.1) then divides by zero; set only one of \`${F}\` / \`${L}\``,
        });
        return { vpp, layoutStages, problems };
      }
      if (r !== 0) {
        problems.push({ id: 'uneven-pp-layer-split', key, detail: `${given} leave ${plural(r, 'layer')}${of} unplaced: with \`${PP}\` ${pp} there is no middle stage, so they must add up to ${N}` });
        return { vpp, layoutStages, problems };
      }
    } else {
      if (v4 && r === 0) {
        problems.push({ id: 'uneven-pp-layer-split', key, detail: `${given} ${verb('uses', 'use')} all ${N} layers${of}, leaving nothing for the ${plural(m, 'middle stage')}` });
        return { vpp, layoutStages, problems };
      }
      if (r % m !== 0) {
        problems.push({
          id: 'uneven-pp-layer-split',
          key,
          detail: `${given} ${verb('leaves', 'leave')} ${plural(r, 'layer')}${of} for ${plural(m, 'other stage')} (${r} / ${m} is not a whole number)`,
        });
        return { vpp, layoutStages, problems };
      }
    }
    const mid = m > 0 ? r / m : 0;
    const perRank: number[] = [];
    for (let i = 0; i < pp; i++) perRank.push(i === 0 && hasF ? first! : i === pp - 1 && hasL ? last! : mid);
    if (vpp !== undefined) {
      const bads: string[] = [];
      if (hasF && first! % vpp !== 0) bads.push(`the first stage's ${first}`);
      if (hasL && last! % vpp !== 0) bads.push(`the last stage's ${last}`);
      if (m > 0 && mid % vpp !== 0) bads.push(`each middle stage's ${mid}`);
      if (bads.length) {
        problems.push({ id: 'vpp-divides-layers-per-stage', key: VPP, detail: `\`${VPP}\` ${vpp} does not divide ${bads.join(', ')} layers` });
        return { vpp, layoutStages, problems };
      }
    }
    const vp = vpp ?? 1;
    const chunks = perRank.map((n) => Array.from({ length: vp }, () => n / vp));
    return { vpp, layoutStages, problems, split: summarize('uneven', N, pp, vp, perRank, chunks) };
  }

  // ---- even split (optionally counting the embedding and the loss as layers)
  if (N === undefined) return { vpp, layoutStages, problems };
  const extra = (input.embedInSplit ? 1 : 0) + (input.lossInSplit ? 1 : 0);
  const total = N + extra;
  if (total % pp !== 0) {
    const what = extra ? `${N} layers${of} plus ${[input.embedInSplit ? 'the embedding' : '', input.lossInSplit ? 'the loss' : ''].filter(Boolean).join(' and ')} (${total})` : `${N} layers${of}`;
    problems.push({ id: 'pp-divides-num-layers', key: PP, detail: `\`${PP}\` ${pp} does not divide the ${what}` });
    return { vpp, layoutStages, problems };
  }
  const per = total / pp;
  if (vpp !== undefined && per % vpp !== 0) {
    problems.push({ id: 'vpp-divides-layers-per-stage', key: VPP, detail: `\`${VPP}\` ${vpp} does not divide the ${per} layers on each of the ${pp} pipeline stages (${total} / ${pp})` });
    return { vpp, layoutStages, problems };
  }
  const vp = vpp ?? 1;
  const chunks = Array.from({ length: pp }, () => Array.from({ length: vp }, () => per / vp));
  if (input.embedInSplit) chunks[0]![0]! -= 1;
  if (input.lossInSplit) chunks[pp - 1]![vp - 1]! -= 1;
  const perRank = Array.from({ length: pp }, () => per);
  return { vpp, layoutStages, problems, split: summarize('even', N, pp, vp, perRank, chunks) };
}

function summarize(kind: PipelineSplit['kind'], numLayers: number, pp: number, vpp: number, perRank: number[], chunks: number[][]): PipelineSplit {
  const built = chunks.map((row) => row.reduce((a, b) => a + b, 0));
  const middles = built.slice(1, -1);
  const middle = middles.length && middles.every((x) => x === middles[0]) ? middles[0] : undefined;
  return { kind, numLayers, pp, vpp, perRank, chunks, first: built[0]!, last: built[built.length - 1]!, middle };
}

/** The pipeline inputs of a config (with optional pending changes). */
export function pipelineInput(v: Values): PipelineInput {
  const ctx = v.ctx;
  const v4 = ctx.version !== '3.4.1';
  const pos = (name: string) => {
    const n = v.int(name);
    return n !== undefined ? n : undefined;
  };
  const ppRaw = v.int(PP);
  const layers = layerCount(v);
  const input: PipelineInput = {
    version: ctx.version,
    pp: ppRaw !== undefined && ppRaw > 0 ? ppRaw : 1,
    embedInSplit: v4 && v.bool(EMB) === true,
    lossInSplit: v4 && v.bool(LOSS) === true,
  };
  if (layers) {
    input.numLayers = layers.count;
    input.layersFrom = layers.from;
  }
  const first = pos(F);
  const last = pos(L);
  if (first !== undefined) input.first = first;
  if (last !== undefined) input.last = last;
  if (v4) {
    const vpp = pos(VPP);
    if (vpp !== undefined && vpp > 0) input.vppArg = vpp;
    const layout = v.str(LAYOUT);
    if (layout !== undefined && layout !== '') input.layout = layout;
    const mtp = pos('mtp_num_layers');
    if (mtp !== undefined && mtp > 0) input.mtpLayers = mtp;
  }
  return input;
}

/**
 * The decoder layers on every pipeline rank and virtual stage of the config, or undefined when they cannot be
 * known (model layers unknown, megatron_extra_kwargs overriding the split) or the split is invalid (the pipeline
 * rules report that). `chunks[r][v]` is what one TransformerBlock builds, i.e. what recompute_num_layers applies to.
 */
export function pipelineLayers(ctx: RuleContext): PipelineSplit | undefined {
  const v = new Values(ctx);
  const input = pipelineInput(v);
  if (input.numLayers === undefined) return undefined;
  const e = evaluatePipeline(input);
  if (e.problems.some((p) => p.severity !== 'warning')) return undefined;
  return e.split;
}
