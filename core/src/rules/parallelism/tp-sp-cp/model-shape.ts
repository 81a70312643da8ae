// Tensor parallelism splits attention heads, KV heads, the vocabulary and the MLP widths evenly across the TP ranks
// (and Gated DeltaNet heads across TP x CP): the model's shape decides which TP values work.
import { nearestValid, parallelSizes } from '../../shared/parallel';
import { Finding, MEGATRON_COMMANDS, Rule } from '../../types';
import {
  attentionHeads,
  cpCandidates,
  currentLayout,
  layoutFits,
  hiddenSize,
  linearHeads,
  mlpWidths,
  modelKey,
  orList,
  queryGroups,
  queryGroupsFit,
  stageSentence,
  tpAdvice,
  tpCandidates,
  tpFix,
  tpFixes,
  vocabSize,
} from './common';

const TP = 'tensor_model_parallel_size';

export const tpDividesAttentionHeads: Rule = {
  id: 'tp-divides-attention-heads',
  title: 'TP does not divide the number of attention heads',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:559-563',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1195-1199',
    'NVIDIA/Megatron-LM@d98e8a6:megatron/core/transformer/transformer_config.py:1448',
  ],
  *check(ctx) {
    const tp = parallelSizes(ctx).tp;
    const heads = attentionHeads(ctx);
    if (tp <= 1 || !heads || heads.value % tp === 0) return;
    yield {
      message: `\`${TP}\` ${tp} does not divide the ${heads.value} attention heads of ${heads.source}. ${tpAdvice(ctx)} ${stageSentence('model-build', ctx.version)}`,
      key: TP,
      fixes: tpFixes(ctx),
    };
  },
};

export const tpVsQueryGroups: Rule = {
  id: 'tp-vs-query-groups',
  title: 'TP incompatible with the number of KV heads (query groups)',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:215',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:1044-1047',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:571-578',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1207-1217',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:13',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:134',
  ],
  *check(ctx) {
    const tp = parallelSizes(ctx).tp;
    const g = queryGroups(ctx);
    if (tp <= 1 || !g || queryGroupsFit(ctx.version, g.value, tp)) return;
    // a TP that does not divide the heads is reported (first, as Megatron does) by tp-divides-attention-heads
    const heads = attentionHeads(ctx);
    if (heads && heads.value % tp !== 0) return;
    const need =
      ctx.version === '3.4.1'
        ? 'ms-swift 3.4.1 (megatron-core 0.12) needs TP to divide them'
        : 'megatron-core needs TP to divide them or to be a multiple of them';
    yield {
      message: `\`${TP}\` ${tp} does not fit the ${g.value} KV heads (query groups) of ${g.source}: ${need}. ${tpAdvice(ctx)} ${stageSentence('model-build', ctx.version)}`,
      key: TP,
      fixes: tpFixes(ctx),
    };
  },
};

export const hiddenSizeDivisibleByHeads: Rule = {
  id: 'hidden-size-divisible-by-heads',
  title: 'hidden_size not divisible by num_attention_heads (no head_dim)',
  area: 'parallelism',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:689-691', 'modelscope/ms-swift@v3.4.1:swift/megatron/model/config.py:22'],
  *check(ctx) {
    // kv_channels comes from config.json's head_dim, or from the kv_channels argument
    if (ctx.isSet('kv_channels') && ctx.int('kv_channels') !== undefined) return;
    const facts = ctx.model();
    const headDim = facts?.raw?.head_dim;
    if (typeof headDim === 'number') return;
    const hidden = hiddenSize(ctx);
    const heads = attentionHeads(ctx);
    if (!hidden || !heads || hidden.value % heads.value === 0) return;
    const sameSource = hidden.source === heads.source;
    const from = sameSource ? ` of ${hidden.source}` : ` (hidden size from ${hidden.source}, heads from ${heads.source})`;
    const key = hidden.key ?? heads.key ?? modelKey(ctx);
    yield {
      message:
        `The hidden size ${hidden.value} is not a multiple of the ${heads.value} attention heads${from}, and there is no head_dim in config.json ` +
        `(nor a \`kv_channels\` setting), so Megatron-LM cannot derive the size of one head. Check the model's config.json (add its real head_dim) ` +
        `or set \`kv_channels\` to the model's head size. ${stageSentence('megatron-init', ctx.version)}`,
      ...(key ? { key } : {}),
    };
  },
};

export const tpDividesVocabSize: Rule = {
  id: 'tp-divides-vocab-size',
  title: 'TP does not divide the vocabulary size',
  area: 'parallelism',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/config.py:16',
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/gpt/model.py:22',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/tensor_parallel/layers.py:202-206',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/tensor_parallel/utils.py:106-110',
    'modelscope/mcore-bridge@f020e47:src/mcore_bridge/model/gpt_model.py:63-64',
  ],
  *check(ctx) {
    const tp = parallelSizes(ctx).tp;
    const v = vocabSize(ctx);
    if (tp <= 1 || !v || v.value % tp === 0) return;
    const padded = Math.ceil(v.value / tp) * tp;
    yield {
      message:
        `\`${TP}\` ${tp} does not divide the vocabulary of ${v.value} tokens of ${v.source}: ms-swift 3.4.1 passes the vocabulary to Megatron unpadded ` +
        `and the embedding and output layers are split evenly across the TP ranks. ${tpAdvice(ctx)} ` +
        `(Setting \`padded_vocab_size: ${padded}\` also works, but the checkpoint's embedding must have that size; ms-swift 4 pads by itself.) ${stageSentence('model-build', ctx.version)}`,
      key: TP,
      fixes: tpFixes(ctx),
    };
  },
};

export const tpDividesFfnHiddenSize: Rule = {
  id: 'tp-divides-ffn-hidden-size',
  title: 'TP does not divide the MLP width',
  area: 'parallelism',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/utils.py:307-316',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/tensor_parallel/layers.py:765',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/utils.py:496-505',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/tensor_parallel/layers.py:862',
  ],
  *check(ctx) {
    const ps = parallelSizes(ctx);
    const widths = mlpWidths(ctx);
    const out: Finding[] = [];
    const badTp = ps.tp > 1 ? widths.tp.filter((w) => w.fact.value % ps.tp !== 0) : [];
    if (badTp.length) {
      const list = badTp.map((w) => `the ${w.what} ${w.fact.value}`).join(' and ');
      out.push({
        message: `\`${TP}\` ${ps.tp} does not divide ${list} of ${badTp[0]!.fact.source}; the MLP's linear layers are split evenly across the TP ranks. ${tpAdvice(ctx)} ${stageSentence('model-build', ctx.version)}`,
        key: TP,
        fixes: tpFixes(ctx),
      });
    }
    const badEtp = ps.etp > 1 ? widths.etp.filter((w) => w.fact.value % ps.etp !== 0) : [];
    if (badEtp.length && ctx.version === '4.5.2') {
      const w = badEtp[0]!;
      const l = currentLayout(ctx);
      const fits = (v: number) => layoutFits(ctx, { ...l, etp: v }, 'safe', ['expert-width']);
      const ok = (v: number) => v !== ps.etp && fits(v);
      const values = nearestValid(ps.etp, ok, 2, ps.world ?? Math.max(8, 2 * ps.etp));
      const all = [];
      for (let v = ps.world ?? Math.max(8, ps.etp); v >= 1; v--) if (fits(v)) all.push(v);
      out.push({
        message:
          `\`expert_tensor_parallel_size\` ${ps.etp} does not divide the ${w.what} ${w.fact.value} of ${w.fact.source}; each expert's linear layers are split evenly across the expert-TP ranks. ` +
          `${all.length ? `Use expert_tensor_parallel_size ${orList(all.slice(0, 5))}. ` : ''}${stageSentence('model-build', ctx.version)}`,
        key: 'expert_tensor_parallel_size',
        fixes: values.map((v, i) => ctx.setValueFix('expert_tensor_parallel_size', String(v), undefined, i === 0)),
      });
    }
    yield* out;
  },
};

export const tpCpDividesLinearAttentionHeads: Rule = {
  id: 'tp-cp-divides-linear-attention-heads',
  title: 'TP × CP must divide the linear-attention (Gated DeltaNet) head counts',
  area: 'parallelism',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1245-1254', 'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:171-176'],
  *check(ctx) {
    const lin = linearHeads(ctx);
    if (!lin) return;
    const ps = parallelSizes(ctx);
    const split = ps.tp * ps.cp;
    if (split <= 1) return;
    const bad = [
      lin.key && lin.key.value % split !== 0 ? `${lin.key.value} key heads` : undefined,
      lin.value && lin.value.value % split !== 0 ? `${lin.value.value} value heads` : undefined,
    ].filter((x): x is string => !!x);
    if (!bad.length) return;
    const source = (lin.key ?? lin.value)!.source;
    // CP is usually what was added on top of a working TP (for long sequences): suggest changing it first
    const key = ps.cp > 1 ? 'context_parallel_size' : TP;
    const cps = cpCandidates(ctx);
    const tps = tpCandidates(ctx);
    const cpFixes = cps.map((v) => ctx.setValueFix('context_parallel_size', String(v)));
    const tpFixList = tps.map((v) => tpFix(ctx, v, false));
    const fixes = key === TP ? [...tpFixList, ...cpFixes] : [...cpFixes, ...tpFixList];
    if (fixes.length) fixes[0]!.preferred = true;
    const options = [cps.length ? `context_parallel_size ${orList(cps)}` : '', tps.length ? `tensor_model_parallel_size ${orList(tps)}` : ''].filter((x) => x);
    const advice = options.length ? ` Use ${(key === TP ? options.reverse() : options).join(', or ')}.` : '';
    yield {
      message:
        `TP ${ps.tp} × CP ${ps.cp} = ${split} does not divide the ${bad.join(' and ')} of the Gated DeltaNet (linear attention) layers of ${source}; ` +
        `megatron-core splits those heads across the TP and CP ranks.${advice} ${stageSentence('model-build', ctx.version)}`,
      key,
      fixes,
    };
  },
};
