// ms-swift's logging.jsonl: one JSON object per logging step, written by the trainer as it goes.
//
// ms-swift 3.x (Megatron-SWIFT, swift/megatron/train/patcher.py):
//   {"lm loss": 6.41, "grad_norm": 1.42, "learning_rate": 8.3e-05, "consumed_samples": 80, "global_step/max_steps": "5/600"}
// ms-swift 4.x (swift/megatron/callbacks/print.py):
//   {"loss": 6.43, "grad_norm": 1.25, "learning_rate": 8.3e-05, "iteration": "5/600", "elapsed_time": "3m 4s",
//    "remaining_time": "1h 2m 3s", "memory(GiB)": 0.32, "train_speed(s/it)": 0.0117}
//   {"eval_loss": 4.9e-05, "iteration": "100/600", ...}
// `swift sft` (transformers Trainer) lines use "loss", "global_step/max_steps", "train_speed(iter/s)", "eval_loss",
// and end with a summary line ("train_runtime", "train_loss", ...).
//
// LoggingJsonlParser reads the file incrementally: complete lines only, an unfinished last line waits for the
// rest, malformed lines are reported (once) and skipped. Python's json writes NaN/Infinity for non-finite losses;
// those are read as numbers.
import type { ByteSource } from './follow';

export type LogRecordKind = 'train' | 'eval' | 'summary' | 'other';

/** One logging.jsonl line, normalised across ms-swift versions. Fields are absent when the line lacks them. */
export interface LogRecord {
  /** 1-based line number in the file */
  line: number;
  kind: LogRecordKind;
  step?: number;
  totalSteps?: number;
  trainLoss?: number;
  evalLoss?: number;
  lr?: number;
  gradNorm?: number;
  memoryGiB?: number;
  secondsPerIteration?: number;
  elapsedSeconds?: number;
  remainingSeconds?: number;
  consumedSamples?: number;
  epoch?: number;
  /** the line as written */
  raw: Record<string, unknown>;
}

export interface JsonlIssue {
  /** 1-based line number */
  line: number;
  /** byte offset of the line in the file */
  offset: number;
  message: string;
}

export interface JsonlBatch {
  records: LogRecord[];
  issues: JsonlIssue[];
}

/** "1d 2h 3m 4s", "2h 0m 5s", "3m 4s", "4s" (ms-swift's format_time) to seconds; also plain numbers and H:MM:SS. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(s);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const m = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?!s))?\s*(?:(\d+(?:\.\d+)?)\s*s)?$/.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined && m[4] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

/** "5/600" to [5, 600]. */
export function parseStepOfTotal(v: unknown): [number, number | undefined] | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return [v, undefined];
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+)\s*(?:\/\s*(\d+))?\s*$/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), m[2] !== undefined ? Number(m[2]) : undefined];
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function first(obj: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    if (k in obj) {
      const v = num(obj[k]);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

const TRAIN_LOSS_KEYS = ['loss', 'lm loss', 'lm_loss'] as const;
const EVAL_LOSS_KEYS = ['eval_loss', 'eval_lm loss', 'eval_lm_loss', 'val_loss', 'lm loss validation'] as const;

/** Normalises one parsed logging.jsonl object. */
export function normaliseLogRecord(raw: Record<string, unknown>, line = 0): LogRecord {
  const rec: LogRecord = { line, kind: 'other', raw };
  const st = parseStepOfTotal(raw['iteration'] ?? raw['global_step/max_steps'] ?? raw['global_step'] ?? raw['step']);
  if (st) {
    rec.step = st[0];
    if (st[1] !== undefined) rec.totalSteps = st[1];
  }
  const trainLoss = first(raw, TRAIN_LOSS_KEYS);
  let evalLoss = first(raw, EVAL_LOSS_KEYS);
  if (evalLoss === undefined) {
    for (const k of Object.keys(raw)) {
      if (/^eval[_/].*loss$/.test(k)) {
        evalLoss = num(raw[k]);
        if (evalLoss !== undefined) break;
      }
    }
  }
  if (trainLoss !== undefined) rec.trainLoss = trainLoss;
  if (evalLoss !== undefined) rec.evalLoss = evalLoss;
  const lr = first(raw, ['learning_rate', 'lr', 'learning-rate']);
  if (lr !== undefined) rec.lr = lr;
  const gn = first(raw, ['grad_norm', 'grad-norm']);
  if (gn !== undefined) rec.gradNorm = gn;
  const mem = first(raw, ['memory(GiB)', 'memory_GiB', 'memory']);
  if (mem !== undefined) rec.memoryGiB = mem;
  const spi = first(raw, ['train_speed(s/it)', 'train_speed(s_it)']);
  if (spi !== undefined) rec.secondsPerIteration = spi;
  else {
    const ips = first(raw, ['train_speed(iter/s)', 'train_speed(iter_s)']);
    if (ips !== undefined && ips > 0) rec.secondsPerIteration = 1 / ips;
  }
  for (const [key, field] of [
    ['elapsed_time', 'elapsedSeconds'],
    ['remaining_time', 'remainingSeconds'],
  ] as const) {
    const v = raw[key];
    const secs = typeof v === 'string' ? parseDuration(v) : num(v);
    if (secs !== undefined) rec[field] = secs;
  }
  const cs = first(raw, ['consumed_samples']);
  if (cs !== undefined) rec.consumedSamples = cs;
  const ep = first(raw, ['epoch']);
  if (ep !== undefined) rec.epoch = ep;
  if ('train_runtime' in raw) rec.kind = 'summary';
  else if (trainLoss !== undefined) rec.kind = 'train';
  else if (evalLoss !== undefined || Object.keys(raw).some((k) => k.startsWith('eval_'))) rec.kind = 'eval';
  return rec;
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** JSON.parse that also accepts Python's NaN / Infinity / -Infinity values. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
  }
  // replace the bare tokens outside strings by marker strings, then put numbers back
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const tok = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (tok) {
      out += `"\\u0000${tok[1]}"`;
      i += tok[1]!.length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_k, v) => (typeof v === 'string' && v.startsWith('\u0000') && v.slice(1) in NON_FINITE ? NON_FINITE[v.slice(1)] : v));
}

const UTF8 = new TextDecoder('utf-8');
const ENCODER = new TextEncoder();
const EMPTY = new Uint8Array(0);

export class LoggingJsonlParser {
  private pending: Uint8Array = EMPTY;
  private base = 0;
  private lineNo = 0;
  /** records produced so far */
  count = 0;

  /** bytes consumed (complete lines) */
  get offset(): number {
    return this.base;
  }

  /** lines read so far */
  get lines(): number {
    return this.lineNo;
  }

  /** Feeds the next bytes (or text) of the file. Returns the records of the lines they completed. */
  push(chunk: Uint8Array | string): JsonlBatch {
    const bytes = typeof chunk === 'string' ? ENCODER.encode(chunk) : chunk;
    const batch: JsonlBatch = { records: [], issues: [] };
    if (bytes.length === 0) return batch;
    let buf: Uint8Array;
    if (this.pending.length === 0) buf = bytes;
    else {
      buf = new Uint8Array(this.pending.length + bytes.length);
      buf.set(this.pending, 0);
      buf.set(bytes, this.pending.length);
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      this.line(buf, start, nl, batch);
      start = nl + 1;
    }
    this.base += start;
    this.pending = start === buf.length ? EMPTY : buf.slice(start);
    return batch;
  }

  /** No more bytes will come: an unterminated last line is read as a line. */
  end(): JsonlBatch {
    const batch: JsonlBatch = { records: [], issues: [] };
    if (this.pending.length > 0) {
      const buf = this.pending;
      this.pending = EMPTY;
      this.line(buf, 0, buf.length, batch);
      this.base += buf.length;
    }
    return batch;
  }

  private line(buf: Uint8Array, start: number, end: number, batch: JsonlBatch): void {
    this.lineNo++;
    const offset = this.base + start;
    let text = UTF8.decode(buf.subarray(start, end));
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = parsePythonJson(text);
    } catch (e) {
      batch.issues.push({ line: this.lineNo, offset, message: `line ${this.lineNo} is not valid JSON (${(e as Error).message}); skipped` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      batch.issues.push({ line: this.lineNo, offset, message: `line ${this.lineNo} is not a JSON object; skipped` });
      return;
    }
    this.count++;
    batch.records.push(normaliseLogRecord(value as Record<string, unknown>, this.lineNo));
  }
}

/** Parses a whole logging.jsonl text. */
export function parseLoggingJsonl(text: string): JsonlBatch {
  const p = new LoggingJsonlParser();
  const a = p.push(text);
  const b = p.end();
  return { records: [...a.records, ...b.records], issues: [...a.issues, ...b.issues] };
}

/** Follows a growing logging.jsonl through a ByteSource (see follow.ts); poll() returns the new lines. */
export class JsonlFileFollower {
  private parser = new LoggingJsonlParser();
  private readOffset = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly chunkBytes = 1024 * 1024,
  ) {}

  get offset(): number {
    return this.readOffset;
  }

  /** New complete lines since the last poll; `reset` when the file shrank and was read again from the start. */
  poll(): JsonlBatch & { reset: boolean } {
    const out: JsonlBatch & { reset: boolean } = { records: [], issues: [], reset: false };
    const size = this.source.size();
    if (size === undefined) return out;
    if (size < this.readOffset) {
      this.parser = new LoggingJsonlParser();
      this.readOffset = 0;
      out.reset = true;
    }
    while (this.readOffset < size) {
      const chunk = this.source.read(this.readOffset, Math.min(this.chunkBytes, size - this.readOffset));
      if (chunk.length === 0) break;
      this.readOffset += chunk.length;
      const b = this.parser.push(chunk);
      out.records.push(...b.records);
      out.issues.push(...b.issues);
    }
    return out;
  }

  /** The run ended: an unterminated last line is read too. */
  finish(): JsonlBatch {
    return this.parser.end();
  }
}

export interface RunProgress {
  /** latest iteration logged */
  step?: number;
  totalSteps?: number;
  /** step / totalSteps, 0..1 */
  fraction?: number;
  trainLoss?: number;
  /** the step of trainLoss */
  trainLossStep?: number;
  evalLoss?: number;
  evalLossStep?: number;
  lr?: number;
  secondsPerIteration?: number;
  elapsedSeconds?: number;
  /** estimated seconds until totalSteps */
  remainingSeconds?: number;
  /** where remainingSeconds comes from (absent when the run is finished): ms-swift's own estimate, logged s/it, or the wall times given */
  remainingFrom?: 'logged' | 'seconds-per-iteration' | 'wall-times';
  finished: boolean;
}

export interface ProgressOptions {
  /**
   * (step, wall time in seconds) pairs, e.g. from the event file, used to estimate the pace when the log has no
   * timing (ms-swift 3.x). The last `window` points are used (default 20).
   */
  wallTimes?: ReadonlyArray<{ step: number; wallTime: number }>;
  window?: number;
}

/** Where a run is: latest step of the total, latest losses, and the time left. */
export function progressOf(records: readonly LogRecord[], options: ProgressOptions = {}): RunProgress {
  const p: RunProgress = { finished: false };
  let lastTiming: LogRecord | undefined;
  for (const r of records) {
    if (r.step !== undefined && (p.step === undefined || r.step >= p.step)) p.step = r.step;
    if (r.totalSteps !== undefined) p.totalSteps = r.totalSteps;
    if (r.trainLoss !== undefined && r.kind === 'train') {
      p.trainLoss = r.trainLoss;
      if (r.step !== undefined) p.trainLossStep = r.step;
      else delete p.trainLossStep;
    }
    if (r.evalLoss !== undefined) {
      p.evalLoss = r.evalLoss;
      if (r.step !== undefined) p.evalLossStep = r.step;
      else delete p.evalLossStep;
    }
    if (r.lr !== undefined) p.lr = r.lr;
    if (r.secondsPerIteration !== undefined) p.secondsPerIteration = r.secondsPerIteration;
    if (r.elapsedSeconds !== undefined) p.elapsedSeconds = r.elapsedSeconds;
    if (r.remainingSeconds !== undefined || r.secondsPerIteration !== undefined) lastTiming = r;
    if (r.kind === 'summary') p.finished = true;
  }
  if (p.step !== undefined && p.totalSteps !== undefined && p.totalSteps > 0) {
    p.fraction = Math.min(1, p.step / p.totalSteps);
    if (p.step >= p.totalSteps) p.finished = true;
  }
  const left = p.step !== undefined && p.totalSteps !== undefined ? Math.max(0, p.totalSteps - p.step) : undefined;
  if (p.finished) {
    p.remainingSeconds = 0;
  } else if (lastTiming?.remainingSeconds !== undefined && lastTiming.step === p.step) {
    p.remainingSeconds = lastTiming.remainingSeconds;
    p.remainingFrom = 'logged';
  } else if (left !== undefined && p.secondsPerIteration !== undefined) {
    p.remainingSeconds = left * p.secondsPerIteration;
    p.remainingFrom = 'seconds-per-iteration';
  } else if (left !== undefined && options.wallTimes && options.wallTimes.length >= 2) {
    const w = options.wallTimes.slice(-(options.window ?? 20));
    const a = w[0]!;
    const b = w[w.length - 1]!;
    if (b.step > a.step && b.wallTime > a.wallTime) {
      const spi = (b.wallTime - a.wallTime) / (b.step - a.step);
      p.secondsPerIteration ??= spi;
      p.remainingSeconds = left * spi;
      p.remainingFrom = 'wall-times';
    }
  }
  return p;
}
