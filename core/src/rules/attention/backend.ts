// attention_backend values, the flash-attention packages they need, and models flash attention cannot run.
import { RuleContext } from '../context';
import { rankCandidates } from '../../text/similarity';
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { extra, installedPackage, llmModelType, modelKey, modelOrigin, setValuesFix } from '../moe/common';

const KEY = 'attention_backend';

export const BACKENDS: Record<'3.4.1' | '4.5.2', readonly string[]> = {
  '3.4.1': ['flash', 'fused', 'unfused', 'local', 'auto'],
  '4.5.2': ['flash', 'fused', 'unfused', 'local', 'auto', 'flash_2', 'flash_3', 'flash_4'],
};

/** Hugging Face attn_impl spellings people put into attention_backend */
const HF_NAMES = new Set(['flash_attention_2', 'flash_attention_3', 'flash_attn', 'flash_attn2', 'flash_attn3', 'sdpa', 'eager', 'flex_attention']);

/** the FlashAttention major versions Transformer Engine would find; undefined when the environment is unknown */
export function flashVersions(ctx: RuleContext): number[] | undefined {
  if (!ctx.python) return undefined;
  const out = new Set<number>();
  const fa = installedPackage(ctx, 'flash-attn');
  if (typeof fa === 'string') {
    const major = Number(/^\s*(\d+)/.exec(fa)?.[1]);
    // lenient: an unreadable version counts as FlashAttention 2, a newer combined wheel as both
    if (!Number.isFinite(major) || major >= 2) out.add(2);
    if (Number.isFinite(major) && major > 2) out.add(major);
  }
  if (typeof installedPackage(ctx, 'flash-attn-3', 'flashattn-hopper') === 'string') out.add(3);
  if (typeof installedPackage(ctx, 'flash-attn-4') === 'string') out.add(4);
  return [...out].sort((a, b) => a - b);
}

/** the model uses a learnable softmax offset (gpt-oss), which flash attention cannot run */
export function learnableSoftmax(ctx: RuleContext): boolean {
  const st = extra(ctx, 'softmax_type');
  if (typeof st === 'string') return st === 'learnable';
  return llmModelType(ctx) === 'gpt_oss';
}

/** why one of the attention rules would refuse this backend value, if it would */
export function backendProblem(ctx: RuleContext, value: string): string | undefined {
  if (!BACKENDS[ctx.version].includes(value)) return 'unknown';
  if (ctx.version === '3.4.1') {
    if (value === 'local') return 'local';
    if (value === 'flash' && installedPackage(ctx, 'flash-attn') === null) return 'package';
    return undefined;
  }
  const m = /^flash_(\d)$/.exec(value);
  if (m) {
    const have = flashVersions(ctx);
    if (have && !have.includes(Number(m[1]))) return 'package';
  }
  if ((value === 'flash' || m) && learnableSoftmax(ctx)) return 'learnable';
  return undefined;
}

export const attentionBackendChoices: Rule = {
  id: 'attention-backend-choices',
  title: 'Unknown attention_backend',
  area: 'attention',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'megatron-init', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:48',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:1247',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:921-941',
  ],
  *check(ctx) {
    // attention_backend is a free string in ms-swift (value-not-in-choices cannot see it); Megatron checks it later
    if (!ctx.isSet(KEY)) return;
    const v = ctx.str(KEY);
    if (v === undefined) return;
    const allowed = BACKENDS[ctx.version];
    if (allowed.includes(v)) return;
    const lower = v.toLowerCase().replace(/-/g, '_');
    let candidates: string[];
    if (allowed.includes(lower)) candidates = [lower];
    else if (lower.includes('flash') || lower === 'fa' || /^fa\d$/.test(lower)) {
      const d = /(\d)/.exec(lower)?.[1];
      candidates = ctx.version === '4.5.2' && d && ['2', '3', '4'].includes(d) ? [`flash_${d}`, 'flash'] : ['flash'];
    } else if (lower === 'sdpa') candidates = ['fused'];
    else if (lower === 'eager') candidates = ['unfused'];
    else candidates = rankCandidates(lower, allowed, 2, 0.5).map((r) => r.name);
    candidates = candidates.filter((c) => !backendProblem(ctx, c));
    const list = allowed.map((a) => `\`${a}\``).join(', ');
    let message = `\`${v}\` is not an attention backend Megatron knows; ms-swift ${ctx.version} accepts ${list}.`;
    if (HF_NAMES.has(lower)) message += ` (\`${v}\` is a Hugging Face \`attn_impl\` name; \`attention_backend\` selects Megatron's Transformer Engine backend.)`;
    if (ctx.version === '3.4.1' && BACKENDS['4.5.2'].includes(lower)) message += ` (\`${lower}\`, which pins a FlashAttention version, arrived in ms-swift 4; 3.4.1 only has \`flash\`.)`;
    message += ` The run ${stageText(ctx.version === '3.4.1' ? 'megatron-init' : 'args', ctx.version)}.`;
    if (candidates.length) message += ` Did you mean \`${candidates[0]}\`?`;
    yield {
      message,
      key: KEY,
      range: ctx.valueRange(KEY),
      fixes: candidates.map((c, i) => ctx.setValueFix(KEY, c, `Change to \`${c}\``, i === 0)),
    };
  },
};

export const attentionBackendLocalUnsupportedV3: Rule = {
  id: 'attention-backend-local-unsupported-v3',
  title: 'attention_backend local needs --spec local (not settable in 3.4.1)',
  area: 'attention',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'megatron-init' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.12.0:megatron/training/arguments.py:329-330'],
  *check(ctx) {
    if (ctx.str(KEY) !== 'local') return;
    yield {
      message: `Megatron-LM only accepts \`attention_backend: local\` together with its \`--spec local\` layer spec, which ms-swift 3.4.1 has no way to pass; validate_args asserts and the run ${stageText('megatron-init', ctx.version)}. Use \`auto\` (the default) or \`fused\`.`,
      key: KEY,
      range: ctx.valueRange(KEY),
      fixes: [ctx.setValueFix(KEY, 'auto', undefined, true), ctx.setValueFix(KEY, 'fused')],
    };
  },
};

export const flashAttentionPackageRequired: Rule = {
  id: 'flash-attention-package-required',
  title: 'Flash attention selected but the package/version is missing',
  area: 'attention',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:211-212', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:922-931'],
  *check(ctx) {
    if (!ctx.python) return; // only the probed environment of the run can tell
    const stage = stageText('args', ctx.version);
    if (ctx.version === '3.4.1') {
      const useFa = ctx.bool('use_flash_attn') === true;
      const backendFlash = ctx.str(KEY) === 'flash';
      if (!useFa && !backendFlash) return;
      if (installedPackage(ctx, 'flash-attn') !== null) return;
      const pairs: Array<[string, string]> = [];
      if (useFa) pairs.push(['use_flash_attn', 'false']);
      if (backendFlash) pairs.push([KEY, 'auto']);
      const what = useFa && backendFlash ? '`use_flash_attn: true` and `attention_backend: flash` need' : useFa ? '`use_flash_attn: true` needs' : '`attention_backend: flash` needs';
      const key = backendFlash ? KEY : 'use_flash_attn';
      yield {
        message: `${what} the flash-attn package, which is not installed in the run's Python environment; ms-swift 3.4.1 checks for it and the run ${stage}. Install flash-attn, or let Transformer Engine pick another backend.`,
        key,
        range: ctx.valueRange(key),
        fixes: [setValuesFix(ctx, pairs, pairs.length > 1 ? 'Turn flash attention off' : undefined, true)],
      };
      return;
    }
    const v = ctx.str(KEY);
    const m = v ? /^flash_(\d)$/.exec(v) : null;
    if (!m) return;
    const want = Number(m[1]);
    if (![2, 3, 4].includes(want)) return;
    const have = flashVersions(ctx) ?? [];
    if (have.includes(want)) return;
    const pkg = want === 2 ? 'flash-attn' : want === 3 ? 'flash-attn-3' : 'flash-attn-4';
    const candidates = [...have.map((h) => `flash_${h}`), ...(have.length ? ['flash'] : ['fused'])].filter((c) => !backendProblem(ctx, c));
    const found = have.length ? `only has FlashAttention ${have.join(' and ')}` : 'has no FlashAttention package';
    yield {
      message: `\`attention_backend: ${v}\` pins FlashAttention ${want} (the ${pkg} package), but the run's Python environment ${found}; ms-swift raises a ValueError and the run ${stage}. ${have.length ? `Use \`flash_${have[0]}\` or \`flash\`` : 'Install it, or use `fused`'}.`,
      key: KEY,
      range: ctx.valueRange(KEY),
      fixes: candidates.map((c, i) => ctx.setValueFix(KEY, c, `Change to \`${c}\``, i === 0)),
    };
  },
};

export const flashAttentionLearnableSoftmax: Rule = {
  id: 'flash-attention-learnable-softmax',
  title: 'Flash attention cannot run models with learnable softmax (gpt-oss)',
  area: 'attention',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/model/utils.py:14-18', 'modelscope/mcore-bridge@f020e47:src/mcore_bridge/config/parser.py:150-153'],
  *check(ctx) {
    const v = ctx.str(KEY);
    if (v === undefined || !(v === 'flash' || /^flash_[234]$/.test(v))) return;
    if (!learnableSoftmax(ctx)) return;
    const m = ctx.model();
    const packing = ctx.bool('packing') === true;
    const fixes: Fix[] = packing
      ? [ctx.setValueFix(KEY, 'fused', undefined, true)]
      : [
          setValuesFix(ctx, [[KEY, 'fused'], ['padding_free', 'false']], undefined, true),
          setValuesFix(ctx, [[KEY, 'unfused'], ['padding_free', 'false']]),
        ];
    const key = ctx.isSet(KEY) ? KEY : modelKey(ctx);
    yield {
      message: `${m ? `The model (${modelOrigin(ctx)}) is` : 'This model is'} a gpt-oss model, whose attention adds a learnable softmax offset ("sink"); flash attention${ctx.isSet(KEY) ? '' : ' (the default backend)'} cannot run it, so the run ${stageText('model-build', ctx.version)}. ms-swift's gpt-oss recipes use \`attention_backend: unfused\` (or \`fused\`) with \`padding_free: false\`.`,
      key,
      range: key === KEY ? ctx.valueRange(KEY) : ctx.keyRange(key),
      fixes,
    };
  },
};

export const unfusedAttentionDisablesPaddingFree: Rule = {
  id: 'unfused-attention-disables-padding-free',
  title: 'attention_backend unfused turns padding_free off',
  area: 'attention',
  severity: { '4.5.2': 'warning' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/model/utils.py:21-34', 'modelscope/ms-swift@v4.5.2:swift/megatron/trainers/base.py:70-75'],
  *check(ctx) {
    if (ctx.str(KEY) !== 'unfused') return;
    const packing = ctx.bool('packing') === true;
    const paddingFree = packing || ctx.bool('padding_free') === true;
    if (!paddingFree) return;
    const key = ctx.isSet(KEY) ? KEY : packing ? 'packing' : 'padding_free';
    const fixes: Fix[] = [];
    if (!packing) fixes.push(ctx.setValueFix('padding_free', 'false', 'Set `padding_free: false` (padded batches)', true));
    const other = ['flash', 'fused'].find((b) => !backendProblem(ctx, b));
    if (other) fixes.push(ctx.setValueFix(KEY, other, `Use the \`${other}\` backend`, fixes.length === 0));
    const why = packing
      ? 'Because `packing: true` turns padding_free on, the packed samples then go through the model as padded batches and are no longer kept apart (only flash attention isolates packed samples).'
      : `padding_free is on${ctx.isSet('padding_free') ? '' : ' (the default)'}, so batches get padded to their longest sample instead, which costs memory and speed.`;
    yield {
      message: `The unfused attention backend cannot run padding-free batches: when the model is built ms-swift warns and sets padding_free to false. ${why} ${packing ? 'Use flash (or fused) attention with packing.' : 'Set `padding_free: false` to make that explicit, or use flash or fused attention.'}`,
      key,
      range: key === KEY ? ctx.valueRange(KEY) : ctx.keyRange(key),
      fixes,
    };
  },
};

export const rules: readonly Rule[] = [attentionBackendChoices, attentionBackendLocalUnsupportedV3, flashAttentionPackageRequired, flashAttentionLearnableSoftmax, unfusedAttentionDisablesPaddingFree];
