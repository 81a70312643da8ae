// What a TensorBoard tag measures, across Megatron-LM (ms-swift 3.x) and ms-swift 4.x names, so charts can put
// "lm loss" and "train/loss" in the same place. The original tag is always kept.
//
// Megatron-LM (training.py training_log / evaluate_and_print_results): "lm loss", "learning-rate",
// "decoupled-learning-rate", "grad-norm", "params-norm", "num-zeros", "batch-size", "loss-scale", "world-size",
// "iteration-time", "throughput", "mem-reserved-bytes", "mem-allocated-bytes", "mem-max-allocated-bytes",
// "lm loss validation", "lm loss validation ppl", MoE "load_balancing_loss", ..., and a "<tag> vs samples" twin of
// most of them (x axis: consumed samples instead of iterations).
// ms-swift 4.x / transformers: "train/loss", "train/grad_norm", "train/learning_rate", "train/memory(GiB)",
// "train/train_speed(s_it)", "eval/loss", "train/epoch", "eval/runtime", ...

export type MetricKind = 'train-loss' | 'eval-loss' | 'lr' | 'grad-norm' | 'throughput' | 'memory' | 'other';

export interface TagInfo {
  /** the tag as written */
  tag: string;
  kind: MetricKind;
  /** the tag without its " vs samples" suffix */
  base: string;
  /** what the step of this tag counts: iterations, or consumed samples for Megatron's "... vs samples" twins */
  axis: 'step' | 'samples';
  /** for throughput and memory: the unit of the values */
  unit?: 's/it' | 'it/s' | 'samples/s' | 'tokens/s' | 'TFLOP/s/GPU' | 'bytes' | 'GiB' | 'MiB' | 's';
  /** perplexity (Megatron's "... ppl"): kind is 'other' but charts may pair it with the loss */
  perplexity?: boolean;
}

const VS_SAMPLES = / vs samples$/;
const EVAL_PREFIX = /^(eval|evaluation|val|valid|validation|test)[/_]/i;
const TRAIN_PREFIX = /^(train|training)[/_]/i;

function memoryUnit(name: string): TagInfo['unit'] {
  if (/bytes/i.test(name)) return 'bytes';
  if (/gib|\bgb\b/i.test(name)) return 'GiB';
  if (/mib|\bmb\b/i.test(name)) return 'MiB';
  return undefined;
}

function speedUnit(name: string): TagInfo['unit'] {
  const n = name.toLowerCase();
  if (/iteration[-_ ]time|s[_/]it\b|sec(onds)?[_ ]per[_ ]it/.test(n)) return 's/it';
  if (/iter[_/]s\b|steps?[_ ]per[_ ]second|it[_/]s\b/.test(n)) return 'it/s';
  if (/samples?[_ ]per[_ ]second/.test(n)) return 'samples/s';
  if (/tokens?[_ ]per[_ ]second|tokens?[_/]s\b/.test(n)) return 'tokens/s';
  if (/tflop|throughput/.test(n)) return 'TFLOP/s/GPU';
  return undefined;
}

/** Classifies a tag for the charts. */
export function tagInfo(tag: string): TagInfo {
  const axis = VS_SAMPLES.test(tag) ? 'samples' : 'step';
  const base = axis === 'samples' ? tag.replace(VS_SAMPLES, '') : tag;
  let name = base.trim();
  let evaluation = false;
  if (EVAL_PREFIX.test(name)) {
    evaluation = true;
    name = name.replace(EVAL_PREFIX, '');
  } else name = name.replace(TRAIN_PREFIX, '');
  // Megatron: "<loss name> validation" and "<loss name> validation ppl"
  const val = /^(.*) validation( ppl)?$/.exec(name);
  if (val) {
    evaluation = true;
    name = val[1]! + (val[2] ?? '');
  }
  const lower = name.toLowerCase();
  const info = (kind: MetricKind, extra: Partial<TagInfo> = {}): TagInfo => ({ tag, kind, base, axis, ...extra });

  if (/(^|[\s_-])(ppl|perplexity)$/.test(lower)) return info('other', { perplexity: true });
  if (/(^|[\s_-])loss$/.test(lower) || lower === 'loss') {
    // auxiliary losses (MoE load balancing, z-loss, MTP) are not the training objective
    if (/load[_ -]?balanc|z[_ -]loss|aux|mtp|router/.test(lower)) return info('other');
    if (/scale/.test(lower)) return info('other'); // "loss-scale"
    return info(evaluation ? 'eval-loss' : 'train-loss');
  }
  if (/^(decoupled[-_ ])?(learning[-_ ]rate|lr)$/.test(lower)) return info('lr');
  if (/^grad(ient)?[-_ ]norm$/.test(lower)) return info('grad-norm');
  if (/^mem|memory/.test(lower)) {
    const unit = memoryUnit(name);
    return info('memory', unit ? { unit } : {});
  }
  if (/iteration[-_ ]time|train[-_ ]speed|throughput|per[_ ]second|tflops|tokens?[_/]s\b/.test(lower)) {
    const unit = speedUnit(name);
    return info('throughput', unit ? { unit } : {});
  }
  if (evaluation && lower === 'runtime') return info('other', { unit: 's' });
  return info('other');
}

/** Shorthand for tagInfo(tag).kind. */
export function metricKind(tag: string): MetricKind {
  return tagInfo(tag).kind;
}
