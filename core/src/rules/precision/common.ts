// Shared helpers of the precision and optimizer rules: the model dtype ms-swift starts from, the fp16/bf16 flags it
// ends up with, and small fix builders (several keys in one edit, ENV variables, removing a key).
import { pyStr } from '../../config/pyyaml';
import { RuleContext } from '../context';
import { Fix, TextEdit } from '../types';

export type Dtype = 'bfloat16' | 'float16' | 'float32';

export interface DtypeInfo {
  dtype: Dtype;
  /** true when the config's own `torch_dtype` gives it, false when it comes from the model's config.json */
  fromArg: boolean;
  /** for messages: "`torch_dtype: float16`" or "the model's torch_dtype bfloat16 (from ...)" */
  where: string;
  /** the key a finding about the dtype belongs on (torch_dtype, or the key naming the model), when set */
  key: string | undefined;
}

/** What HfConfigFactory.to_torch_dtype accepts (getattr(torch, name) after stripping "torch."), for the three
 *  dtypes ms-swift's mixed-precision setup understands. */
export function normalizeDtype(text: string): Dtype | undefined {
  const t = text.trim().replace(/^torch\./, '');
  switch (t) {
    case 'bfloat16':
      return 'bfloat16';
    case 'float16':
    case 'half':
      return 'float16';
    case 'float32':
    case 'float':
      return 'float32';
    default:
      return undefined;
  }
}

const MODEL_KEYS = ['model', 'mcore_model', 'load'];

/** the key that names the model in this config, when one is set */
export function modelKey(ctx: RuleContext): string | undefined {
  return MODEL_KEYS.find((k) => ctx.isSet(k));
}

/**
 * The torch dtype ms-swift starts from: the `torch_dtype` argument when the config sets it (read as written, also in
 * 3.4.1 where argparse rejects the key: another rule reports that), else the model's config.json. undefined when
 * neither is known.
 */
export function dtypeInfo(ctx: RuleContext): DtypeInfo | undefined {
  const e = ctx.entry('torch_dtype');
  if (e) {
    if (!e.py || e.py.t === 'null') return undefined;
    const d = normalizeDtype(pyStr(e.py));
    return d ? { dtype: d, fromArg: true, where: `\`torch_dtype: ${d}\``, key: 'torch_dtype' } : undefined;
  }
  const ckpt = checkpointDtype(ctx);
  if (ckpt === 'unknown') return undefined;
  if (ckpt) return ckpt;
  const m = ctx.model();
  if (!m?.torchDtype) return undefined;
  const d = normalizeDtype(m.torchDtype);
  if (!d) return undefined;
  return { dtype: d, fromArg: false, where: `the model's torch_dtype ${d} (${shortOrigin(m.origin)})`, key: modelKey(ctx) };
}

/**
 * ms-swift reads an unset torch_dtype from the args.json of a checkpoint folder (adapters first, then the model
 * folder) when load_args is on (3.4.1 default; off by default for 4.5.2 training). Needs file access.
 */
function checkpointDtype(ctx: RuleContext): DtypeInfo | 'unknown' | undefined {
  const files = ctx.files;
  if (!files) return undefined;
  if (ctx.bool('load_args') !== true) return undefined;
  const strings = (name: string) => (ctx.list(name) ?? []).filter((v): v is string => typeof v === 'string' && v !== '');
  const candidates: Array<[string, string]> = [];
  const adapterKey = ['adapters', 'mcore_adapter'].find((k) => strings(k).length > 0);
  if (adapterKey) for (const v of strings(adapterKey)) candidates.push([adapterKey, v]);
  const modelKeys = ctx.version === '3.4.1' ? ['model', 'mcore_model', 'load'] : ['model', 'mcore_model'];
  const mk = modelKeys.find((k) => strings(k).length > 0);
  if (mk) candidates.push([mk, strings(mk)[0]!]);
  for (const [key, dir] of candidates) {
    const abs = ctx.resolvePath(dir);
    if (!abs) return 'unknown';
    const file = `${abs.replace(/[\\/]+$/, '')}/args.json`;
    if (!files.exists(file)) continue;
    // the first folder with an args.json is the one ms-swift reads
    let raw: unknown;
    try {
      raw = JSON.parse(files.readText(file, 4 * 1024 * 1024) ?? '');
    } catch {
      return 'unknown';
    }
    const t = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).torch_dtype : undefined;
    if (t === undefined || t === null) return undefined; // not recorded: config.json decides
    const d = typeof t === 'string' ? normalizeDtype(t) : undefined;
    return d ? { dtype: d, fromArg: false, where: `torch_dtype ${d} in ${file}`, key } : 'unknown';
  }
  return undefined;
}

/** "bundled table (Qwen/Qwen2.5-7B-Instruct; long provenance)" -> "bundled table: Qwen/Qwen2.5-7B-Instruct" */
export function shortOrigin(origin: string): string {
  const m = /^bundled table \(([^;)]+)/.exec(origin);
  return m ? `bundled table: ${m[1]}` : origin;
}

export interface MixedPrecision {
  /** the value ms-swift ends up with; undefined when it depends on an unknown dtype */
  fp16: boolean | undefined;
  bf16: boolean | undefined;
  /** the config sets the flag itself (true or false) */
  fp16Explicit: boolean;
  bf16Explicit: boolean;
  dtype: DtypeInfo | undefined;
}

/** fp16/bf16 after ms-swift fills the unset ones from the dtype (float16/float32 -> fp16, bfloat16 -> bf16). */
export function mixedPrecision(ctx: RuleContext): MixedPrecision {
  const f = ctx.bool('fp16');
  const b = ctx.bool('bf16');
  const d = dtypeInfo(ctx);
  return {
    fp16: f ?? (d ? d.dtype !== 'bfloat16' : undefined),
    bf16: b ?? (d ? d.dtype === 'bfloat16' : undefined),
    fp16Explicit: f !== undefined,
    bf16Explicit: b !== undefined,
    dtype: d,
  };
}

/** where the fp16 decision comes from, for messages */
export function fp16Reason(p: MixedPrecision): string {
  return p.fp16Explicit ? '`fp16: true`' : (p.dtype?.where ?? 'the model dtype');
}

/** the key a finding about the fp16/bf16 choice belongs on */
export function precisionKey(p: MixedPrecision, flag: 'fp16' | 'bf16'): string | undefined {
  if (flag === 'fp16' ? p.fp16Explicit : p.bf16Explicit) return flag;
  return p.dtype?.key;
}

export function setValuesFix(ctx: RuleContext, title: string, pairs: Array<[string, string]>, preferred = false): Fix {
  return { title, edits: ctx.setValuesEdits(pairs), preferred };
}

/** An edit that removes a key's line(s) (or, for a key that came from a `<<:` merge, sets the fallback value instead;
 *  undefined without one). */
export function removeKeyEdit(ctx: RuleContext, name: string, fallbackValue?: string): TextEdit | undefined {
  const e = ctx.entry(name);
  if (!e) return undefined;
  if (e.viaMerge) return fallbackValue === undefined ? undefined : ctx.setValueEdit(name, fallbackValue);
  return ctx.removeEntryEdit(e);
}

/** 0.1 -> "0.1", 0 -> "0.0": numbers as floats in YAML */
export function floatText(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** muon and dist_muon (ms-swift tests `'muon' in optimizer`) */
export function isMuon(ctx: RuleContext): boolean {
  const o = ctx.str('optimizer');
  return o !== undefined && o.includes('muon');
}

/**
 * use_distributed_optimizer after ms-swift 4.5.2's adjustments: Megatron-FSDP turns it on, then muon/dist_muon turn it
 * off (in that order). In 3.4.1 the value as given.
 */
export function effectiveDistributedOptimizer(ctx: RuleContext): boolean | undefined {
  if (ctx.version !== '3.4.1') {
    if (isMuon(ctx)) return false;
    if (ctx.bool('use_megatron_fsdp') === true) return true;
  }
  return ctx.bool('use_distributed_optimizer');
}
