// Facts about the learning-rate schedule that several 'lr' (and 'iterations') rules need: the peak LR after
// ms-swift's run-time default, the number of training iterations and the decay horizon the scheduler uses.
import { RuleContext } from '../context';
import { ConfigEntry } from '../../config/parse';
import { Fix } from '../types';
import { Range } from '../../text/positions';

/** The peak learning rate the scheduler gets, and where it comes from; undefined when it cannot be known. */
export interface PeakLr {
  value: number;
  /** how the value came about, for messages: "`lr` 1e-5" or "the default `lr` 1e-5 for full training" */
  text: string;
  /** the config sets lr explicitly */
  explicit: boolean;
}

/**
 * 3.4.1: `lr` (default 1e-5). 4.5.2: `lr` defaults to None and ms-swift fills in 1e-5 for tuner_type full and 1e-4
 * otherwise (MegatronArguments._set_default). With load_args the value may come from a checkpoint's args.json:
 * unknown then.
 */
export function peakLr(ctx: RuleContext): PeakLr | undefined {
  const v = ctx.value('lr');
  if (typeof v === 'number' && !Number.isNaN(v)) {
    const explicit = ctx.isSet('lr') && ctx.entry('lr')?.py?.t !== 'null';
    return { value: v, text: explicit ? `\`lr\` ${numText(v)}` : `the default \`lr\` ${numText(v)}`, explicit };
  }
  if (v !== null || ctx.version === '3.4.1') return undefined;
  if (ctx.bool('load_args') !== false) return undefined;
  const tuner = ctx.str('tuner_type');
  if (tuner === undefined) return undefined;
  const value = tuner === 'full' ? 1e-5 : 1e-4;
  return { value, text: `the default \`lr\` ${numText(value)} (ms-swift's value for \`tuner_type: ${tuner}\` when \`lr\` is not set)`, explicit: false };
}

/** How many iterations the run trains for, as far as the config tells. */
export type TrainIters =
  | { kind: 'known'; iters: number }
  /** 4.5.2: num_train_epochs on a sized dataset: computed from the dataset length after loading it */
  | { kind: 'dataset' }
  /** train_iters is not set (and nothing computes it) */
  | { kind: 'unset' }
  /** a value does not parse (another rule reports it) */
  | { kind: 'unknown' };

export function trainIters(ctx: RuleContext): TrainIters {
  const ti = ctx.value('train_iters');
  if (ti === undefined) return { kind: 'unknown' };
  if (ctx.version !== '3.4.1') {
    const ep = ctx.value('num_train_epochs');
    if (ep === undefined) return { kind: 'unknown' };
    if (ep !== null) {
      const streaming = ctx.bool('streaming');
      if (streaming === undefined) return { kind: 'unknown' };
      if (!streaming) return { kind: 'dataset' };
    }
  }
  if (ti === null) return { kind: 'unset' };
  return typeof ti === 'number' ? { kind: 'known', iters: ti } : { kind: 'unknown' };
}

/** The decay horizon D of the scheduler: lr_decay_iters when set, else train_iters. */
export type DecayHorizon = (TrainIters & { from: 'train_iters' }) | { kind: 'known'; iters: number; from: 'lr_decay_iters' };

export function decayHorizon(ctx: RuleContext): DecayHorizon {
  const ldi = ctx.value('lr_decay_iters');
  if (ldi === undefined) return { kind: 'unknown', from: 'train_iters' };
  if (typeof ldi === 'number') return { kind: 'known', iters: ldi, from: 'lr_decay_iters' };
  return { ...trainIters(ctx), from: 'train_iters' };
}

/**
 * `megatron rlhf` with `use_ray: true` (4.5.2) reads nothing but `--config` (the Ray pipeline YAML): the other keys of
 * this file are not the run's training arguments, so the schedule rules stay silent.
 */
export function rayDelegated(ctx: RuleContext): boolean {
  return ctx.command === 'megatron rlhf' && ctx.version !== '3.4.1' && ctx.bool('use_ray') === true;
}

/** A number for messages: 1e-5, 2.5e-6, 0.05, 1000. */
export function numText(x: number): string {
  x = Number(x.toPrecision(6));
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e7)) return x.toExponential();
  return String(x);
}

/** A float as a YAML 1.1 (PyYAML) float literal, which needs a dot: 1.0e-5, 0.05, 2.0. */
export function yamlFloat(x: number): string {
  const r = Number(x.toPrecision(12));
  if (r !== 0 && (Math.abs(r) < 1e-4 || Math.abs(r) >= 1e16)) {
    const [mant, exp] = r.toExponential().split('e') as [string, string];
    return `${mant.includes('.') ? mant : `${mant}.0`}e${exp}`;
  }
  const s = String(r);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A fix removing the line(s) of a key set in the config (none for keys that come from a YAML merge). */
export function removeKeyFix(ctx: RuleContext, name: string, title: string, preferred = false): Fix | undefined {
  const e: ConfigEntry | undefined = ctx.entry(name);
  if (!e || e.viaMerge) return undefined;
  return { title, edits: [ctx.removeEntryEdit(e)], preferred };
}

/** "set here" pointers to other keys that take part in a finding. */
export function relatedKeys(ctx: RuleContext, names: string[]): Array<{ range: Range; message: string }> {
  const out: Array<{ range: Range; message: string }> = [];
  for (const n of names) {
    const e = ctx.entry(n);
    if (e) out.push({ range: e.keyRange, message: `\`${n}\` is set here` });
  }
  return out;
}
