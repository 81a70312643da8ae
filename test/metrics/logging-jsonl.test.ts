// ms-swift's logging.jsonl: 3.x and 4.x keys, times, incremental reading, malformed lines, and progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { MemoryByteSource } from '../../core/src/metrics/follow';
import {
  JsonlFileFollower,
  LoggingJsonlParser,
  normaliseLogRecord,
  parseDuration,
  parseLoggingJsonl,
  parsePythonJson,
  progressOf,
} from '../../core/src/metrics/logging-jsonl';
import { RUN } from './util';

const read = (run: string) => fs.readFileSync(path.join(RUN, run, 'logging.jsonl'));

test('durations in ms-swift format_time form, and others', () => {
  assert.equal(parseDuration('1d 2h 3m 4s'), 86400 + 7200 + 180 + 4);
  assert.equal(parseDuration('2h 0m 5s'), 7205);
  assert.equal(parseDuration('3m 4s'), 184);
  assert.equal(parseDuration('4s'), 4);
  assert.equal(parseDuration('0s'), 0);
  assert.equal(parseDuration('12s'), 12);
  assert.equal(parseDuration('1:02:03'), 3723);
  assert.equal(parseDuration('02:03'), 123);
  assert.equal(parseDuration('17'), 17);
  assert.equal(parseDuration(''), undefined);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('5ms'), undefined);
});

test('ms-swift 3.x logging.jsonl (Megatron): lm loss, grad_norm, learning_rate, consumed_samples, global_step/max_steps', () => {
  const { records, issues } = parseLoggingJsonl(read('megatron-v3').toString('utf8'));
  assert.deepEqual(issues, []);
  assert.equal(records.length, 120);
  const r = records[0]!;
  assert.equal(r.kind, 'train');
  assert.equal(r.line, 1);
  assert.equal(r.step, 5);
  assert.equal(r.totalSteps, 600);
  assert.equal(r.trainLoss, 6.41553545);
  assert.equal(r.gradNorm, 1.42521191);
  assert.equal(r.lr, 8.333e-5);
  assert.equal(r.consumedSamples, 80);
  assert.equal(r.evalLoss, undefined);
  assert.equal(r.elapsedSeconds, undefined);
  assert.deepEqual(records.map((x) => x.step), Array.from({ length: 120 }, (_, i) => (i + 1) * 5));
  assert.equal(records[119]!.trainLoss, 8e-8);
  assert.ok(records.every((x) => x.kind === 'train' && x.totalSteps === 600));
});

test('ms-swift 4.x logging.jsonl: loss, iteration, elapsed/remaining time, memory, s/it, and eval_loss lines', () => {
  const { records, issues } = parseLoggingJsonl(read('swift-v4').toString('utf8'));
  assert.deepEqual(issues, []);
  assert.equal(records.length, 126);
  const train = records.filter((r) => r.kind === 'train');
  const evals = records.filter((r) => r.kind === 'eval');
  assert.equal(train.length, 120);
  assert.deepEqual(evals.map((r) => [r.step, r.totalSteps]), [100, 200, 300, 400, 500, 600].map((s) => [s, 600]));
  assert.equal(evals[0]!.evalLoss, 4.962e-5);
  assert.equal(evals[0]!.trainLoss, undefined);
  const r = train[0]!;
  assert.deepEqual(
    [r.step, r.totalSteps, r.trainLoss, r.gradNorm, r.lr, r.elapsedSeconds, r.remainingSeconds, r.memoryGiB, r.secondsPerIteration],
    [5, 600, 6.43504429, 1.25547576, 8.333e-5, 0, 6, 0.32, 0.011665],
  );
  const last = train[train.length - 1]!;
  assert.deepEqual([last.step, last.elapsedSeconds, last.remainingSeconds], [600, 7, 0]);
});

test('real ms-swift time strings and the transformers-style keys normalise too', () => {
  const r = normaliseLogRecord({ loss: 1.5, iteration: '50/1000', elapsed_time: '1h 2m 3s', remaining_time: '1d 0h 0m 10s', 'train_speed(s/it)': 2 }, 3);
  assert.deepEqual([r.line, r.elapsedSeconds, r.remainingSeconds, r.secondsPerIteration], [3, 3723, 86410, 2]);
  const hf = normaliseLogRecord({ loss: 0.9, 'global_step/max_steps': '10/20', 'train_speed(iter/s)': 0.5, epoch: 0.5, percentage: '50.00%' });
  assert.deepEqual([hf.kind, hf.step, hf.totalSteps, hf.secondsPerIteration, hf.epoch], ['train', 10, 20, 2, 0.5]);
  const summary = normaliseLogRecord({ train_runtime: 100.1, train_loss: 0.5, 'global_step/max_steps': '20/20' });
  assert.equal(summary.kind, 'summary');
  assert.equal(normaliseLogRecord({ note: 'x' }).kind, 'other');
});

test('Python NaN / Infinity in a line are read as numbers, not reported as malformed', () => {
  assert.ok(Number.isNaN((parsePythonJson('{"loss": NaN}') as { loss: number }).loss));
  assert.deepEqual(parsePythonJson('{"a": -Infinity, "b": "NaN here", "c": [Infinity]}'), { a: -Infinity, b: 'NaN here', c: [Infinity] });
  const { records, issues } = parseLoggingJsonl('{"loss": NaN, "grad_norm": Infinity, "iteration": "7/10"}\n');
  assert.deepEqual(issues, []);
  assert.ok(Number.isNaN(records[0]!.trainLoss!));
  assert.equal(records[0]!.gradNorm, Infinity);
  assert.throws(() => parsePythonJson('{"loss": NaNa}'));
});

test('incremental: a partial last line waits, malformed lines are reported once and skipped', () => {
  const bytes = read('swift-v4');
  const source = new MemoryByteSource();
  const follower = new JsonlFileFollower(source);
  const steps: number[] = [];
  // cut everywhere, including inside multi-byte-free lines and right at newlines
  for (let i = 0; i < bytes.length; i += 333) {
    source.append(bytes.subarray(i, i + 333));
    const b = follower.poll();
    assert.deepEqual(b.issues, []);
    for (const r of b.records) if (r.kind === 'train') steps.push(r.step!);
  }
  assert.deepEqual(follower.finish(), { records: [], issues: [] });
  assert.deepEqual(steps, Array.from({ length: 120 }, (_, i) => (i + 1) * 5));

  const p = new LoggingJsonlParser();
  let b = p.push('{"loss": 1.0, "iteration": "1/3"}\n{"loss": 0.9, "itera');
  assert.deepEqual(b.records.map((r) => r.step), [1]);
  assert.equal(p.offset, 34);
  b = p.push('tion": "2/3"}\nnot json at all\n[1, 2]\n\n{"loss": 0.8, "iteration": "3/3"}');
  assert.deepEqual(b.records.map((r) => r.step), [2]);
  assert.deepEqual(b.issues.map((i) => i.line), [3, 4]);
  assert.match(b.issues[0]!.message, /line 3 is not valid JSON/);
  assert.match(b.issues[1]!.message, /line 4 is not a JSON object/);
  assert.equal(b.issues[0]!.offset, 34 + 34);
  // the unterminated last line is read only when the file is known to be complete
  const end = p.end();
  assert.deepEqual(end.records.map((r) => [r.line, r.step]), [[6, 3]]);
  assert.deepEqual(p.end(), { records: [], issues: [] });
});

test('a UTF-8 character split between two reads is decoded whole; CRLF line ends are accepted', () => {
  const line = new TextEncoder().encode('{"loss": 1, "note": "损失", "iteration": "1/2"}\r\n');
  const cut = line.indexOf(0xe6) + 1; // inside the first Chinese character
  const p = new LoggingJsonlParser();
  assert.equal(p.push(line.subarray(0, cut)).records.length, 0);
  const b = p.push(line.subarray(cut));
  assert.deepEqual(b.issues, []);
  assert.equal(b.records[0]!.raw['note'], '损失');
});

test('progress: latest iteration of the total, latest losses, and the time left', () => {
  const v4 = parseLoggingJsonl(read('swift-v4').toString('utf8')).records;
  const mid = progressOf(v4.filter((r) => (r.step ?? 0) <= 300));
  assert.equal(mid.step, 300);
  assert.equal(mid.totalSteps, 600);
  assert.equal(mid.fraction, 0.5);
  assert.equal(mid.trainLossStep, 300);
  assert.equal(mid.evalLossStep, 300);
  assert.equal(mid.evalLoss, 3.53e-6);
  assert.equal(mid.remainingFrom, 'logged');
  assert.equal(mid.remainingSeconds, 3); // "remaining_time": "3s" on the line of step 300
  assert.equal(mid.finished, false);
  const done = progressOf(v4);
  assert.deepEqual([done.step, done.finished, done.remainingSeconds, done.trainLoss], [600, true, 0, 7e-8]);

  // ms-swift 3.x logs no timing: the pace comes from the event file's wall times
  const v3 = parseLoggingJsonl(read('megatron-v3').toString('utf8')).records.filter((r) => r.step! <= 100);
  const noTiming = progressOf(v3);
  assert.equal(noTiming.remainingSeconds, undefined);
  const timed = progressOf(v3, { wallTimes: [{ step: 90, wallTime: 1000 }, { step: 100, wallTime: 1020 }] });
  assert.equal(timed.secondsPerIteration, 2);
  assert.equal(timed.remainingSeconds, 1000);
  assert.equal(timed.remainingFrom, 'wall-times');

  // logged s/it without a remaining time
  const spi = progressOf([normaliseLogRecord({ loss: 2, iteration: '10/110', 'train_speed(s/it)': 1.5 })]);
  assert.equal(spi.remainingSeconds, 150);
  assert.equal(spi.remainingFrom, 'seconds-per-iteration');
  assert.deepEqual(progressOf([]), { finished: false });
});
