// Sequence length vs context parallelism (3.4.1: a multiple of 2 x CP; 4.5.2 pads instead) and vs the model's
// position embeddings (3.4.1).
import { parallelSizes } from '../../shared/parallel';
import { Fix, MEGATRON_COMMANDS, Rule } from '../../types';
import { Fact, isTraining, maxPositions, seqLengthV3, stageSentence } from './common';

/** Fixes that round a length key to a multiple of `unit` (down, and up when that stays within `max`). */
function roundFixes(ctx: Parameters<Rule['check']>[0], key: string, value: number, unit: number, max: number | undefined): Fix[] {
  const down = Math.floor(value / unit) * unit;
  const up = Math.ceil(value / unit) * unit;
  const candidates: number[] = [];
  if (up <= (max ?? Infinity)) candidates.push(up);
  if (down >= unit) candidates.push(down);
  // nearest first; on a tie the larger one
  candidates.sort((a, b) => Math.abs(a - value) - Math.abs(b - value) || b - a);
  return candidates.map((v, i) => ({ title: `Set \`${key}: ${v}\``, edits: ctx.setValuesEdits([[key, String(v)]]), preferred: i === 0 }));
}

export const cpSeqLengthMultiple: Rule = {
  id: 'cp-seq-length-multiple',
  title: 'Sequence length must be a multiple of 2 × CP',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'info' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'silent' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:693-696',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:48',
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:220-221',
    'modelscope/ms-swift@v4.5.2:swift/megatron/utils/utils.py:209-229',
  ],
  *check(ctx) {
    const ps = parallelSizes(ctx);
    if (ps.cp <= 1) return;
    const unit = 2 * ps.cp;
    if (ctx.version === '3.4.1') {
      const seq = seqLengthV3(ctx);
      if (!seq || seq.value % unit === 0) return;
      const maxPos = maxPositions(ctx);
      const key = seq.key ?? 'max_length';
      const from = seq.key ? `\`${seq.key}\` ${seq.value}` : `The sequence length ${seq.value} (max_length is unset, so Megatron uses max_position_embeddings of ${seq.source})`;
      yield {
        message:
          `${from} is not a multiple of 2 × \`context_parallel_size\` = ${unit}; Megatron-LM splits every sequence into ${unit} equal chunks for context parallelism. ` +
          `${stageSentence('megatron-init', ctx.version)}`,
        key: seq.key ?? 'context_parallel_size',
        fixes: roundFixes(ctx, key, seq.value, unit, maxPos?.value),
      };
      return;
    }
    // 4.5.2: no check; batches are padded (training only: exports do not read data)
    if (!isTraining(ctx)) return;
    const len = lengthV4(ctx);
    if (!len || len.value % unit === 0) return;
    const pad = paddingTo(ctx);
    yield {
      message:
        `${len.source} ${len.value} is not a multiple of 2 × \`context_parallel_size\` = ${unit}. ms-swift 4.5.2 accepts this: it pads each batch to a multiple of ${pad} tokens ` +
        `for context parallelism, so nothing fails (ms-swift 3.4.1 would reject it). A multiple of ${unit} avoids the padding.`,
      key: len.key!,
      fixes: roundFixes(ctx, len.key!, len.value, unit, undefined).map((f) => ({ ...f, preferred: false })),
    };
  },
};

function lengthV4(ctx: Parameters<Rule['check']>[0]): Fact | undefined {
  for (const name of ['packing_length', 'max_length']) {
    if (!ctx.spec(name)) continue;
    const n = ctx.int(name);
    if (n !== undefined && n > 0) return { value: n, source: `\`${name}\``, key: name };
  }
  return undefined;
}

/** ms-swift 4.5.2's get_padding_to, for the message (CP, x TP with SP, x FP8/FP4 block sizes, fused attention). */
function paddingTo(ctx: Parameters<Rule['check']>[0]): number {
  const ps = parallelSizes(ctx);
  let pad = ps.tp > 1 && ctx.bool('sequence_parallel') === true ? ps.tp : 1;
  pad *= ps.cp;
  const origin = pad;
  const recipe = ctx.str('fp8_recipe');
  const fp8 = ctx.spec('fp8_format') ? ctx.str('fp8_format') : undefined;
  const fp4 = ctx.spec('fp4_format') ? ctx.str('fp4_format') : undefined;
  if (recipe === 'blockwise') pad *= 128;
  else if (recipe === 'mxfp8') pad *= 32;
  else if (fp8 || fp4) pad *= 16;
  if (ctx.str('attention_backend') === 'fused') pad = Math.max(pad, origin * 64);
  return pad;
}

export const seqLengthExceedsMaxPositionEmbeddings: Rule = {
  id: 'seq-length-exceeds-max-position-embeddings',
  title: 'max_length larger than max_position_embeddings',
  area: 'parallelism',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:705-708', 'modelscope/ms-swift@v3.4.1:swift/megatron/argument/train_args.py:48'],
  *check(ctx) {
    const seq = seqLengthV3(ctx);
    if (!seq?.key) return; // unset: Megatron uses max_position_embeddings itself
    const maxPos = maxPositions(ctx);
    if (!maxPos || seq.value <= maxPos.value) return;
    const cp = parallelSizes(ctx).cp;
    const unit = cp > 1 ? 2 * cp : 1;
    const target = Math.floor(maxPos.value / unit) * unit;
    const fixes: Fix[] =
      target > 0 ? [{ title: `Set \`${seq.key}: ${target}\``, edits: ctx.setValuesEdits([[seq.key, String(target)]]), preferred: true }] : [];
    const overrideHint = maxPos.key
      ? ''
      : ' To train longer sequences, extend the context with `rope_scaling` and raise `max_position_embeddings` to match.';
    yield {
      message:
        `\`${seq.key}\` ${seq.value} is larger than the ${maxPos.value} position embeddings of ${maxPos.source}; Megatron-LM refuses sequences longer than ` +
        `max_position_embeddings. Use at most ${maxPos.value}.${overrideHint} ${stageSentence('megatron-init', ctx.version)}`,
      key: seq.key,
      fixes,
    };
  },
};
