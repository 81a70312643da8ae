// The TensorBoard event reader: the real fixture files (counts, steps, values against logging.jsonl), CRC-32C,
// and the scalar encodings TensorBoard accepts (simple_value and one-element tensors of every numeric dtype).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { crc32c, maskCrc, maskedCrc32c } from '../../core/src/metrics/crc32c';
import { EventStreamParser, ScalarPoint, bfloat16ToNumber, halfToNumber, parseEventBytes } from '../../core/src/metrics/events';
import { parseLoggingJsonl, LogRecord } from '../../core/src/metrics/logging-jsonl';
import { readEventFile } from '../../core/src/metrics/node-source';
import { ProtoReader } from '../../core/src/metrics/protobuf';
import { ScalarTable } from '../../core/src/metrics/series';
import { concat, event, eventFile, halfBits, record, varint } from './encode';
import { RUN, eventFileOf } from './util';

function byTag(points: ScalarPoint[]): Map<string, ScalarPoint[]> {
  const m = new Map<string, ScalarPoint[]>();
  for (const p of points) {
    let a = m.get(p.tag);
    if (!a) m.set(p.tag, (a = []));
    a.push(p);
  }
  return m;
}

function counts(points: ScalarPoint[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [t, a] of byTag(points)) out[t] = a.length;
  return out;
}

/** Decimal places of a number as JSON printed it (8e-08 → 8, 0.32 → 2, 6.41553545 → 8). */
function decimals(v: number): number {
  const [mant, exp] = String(v).split('e');
  const frac = mant!.includes('.') ? mant!.split('.')[1]!.length : 0;
  return Math.max(0, frac - Number(exp ?? 0));
}

/** Every jsonl value that has a twin in the event file equals it rounded to the jsonl's printed precision. */
function crossCheck(points: ScalarPoint[], records: LogRecord[], pairs: Array<[keyof LogRecord, string]>): number {
  const tags = byTag(points);
  let compared = 0;
  for (const [field, tag] of pairs) {
    const at = new Map((tags.get(tag) ?? []).map((p) => [p.step, p.value]));
    let n = 0;
    for (const r of records) {
      const v = r[field];
      if (typeof v !== 'number' || r.step === undefined) continue;
      const tb = at.get(r.step);
      assert.notEqual(tb, undefined, `${tag} has a point at step ${r.step}`);
      const d = decimals(v);
      assert.equal(Number(tb!.toFixed(d)), v, `${tag} at step ${r.step}: ${tb} rounded to ${d} places vs logging.jsonl ${v}`);
      n++;
    }
    assert.ok(n > 0, `compared ${field} with ${tag}`);
    compared += n;
  }
  return compared;
}

test('CRC-32C: the RFC 3720 / iSCSI check values, incremental use and TFRecord masking', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  // any split gives the same CRC (slicing-by-8 and the byte loop agree)
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 0xff);
  const whole = crc32c(data);
  for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) assert.equal(crc32c(data, cut, data.length, crc32c(data, 0, cut)), whole, `cut ${cut}`);
  assert.equal(maskCrc(0), 0xa282ead8);
  // the first record header of a real file carries the masked CRC of its length
  const bytes = fs.readFileSync(eventFileOf('megatron-v3'));
  assert.equal(maskedCrc32c(bytes, 0, 8), bytes.readUInt32LE(8));
  const len = bytes.readUInt32LE(0);
  assert.equal(maskedCrc32c(bytes, 12, 12 + len), bytes.readUInt32LE(12 + len));
});

test('protobuf varints: large steps and negative int64/int32 (10-byte two\'s complement)', () => {
  const read = (b: Uint8Array) => new ProtoReader(b).int64();
  assert.equal(read(varint(0)), 0);
  assert.equal(read(varint(300)), 300);
  assert.equal(read(varint(2 ** 40 + 3)), 2 ** 40 + 3);
  assert.equal(read(varint(2 ** 53 - 1)), 2 ** 53 - 1);
  assert.equal(read(varint(-1)), -1);
  assert.equal(read(varint(-123456789)), -123456789);
  assert.equal(new ProtoReader(varint(-5)).int32(), -5);
  assert.equal(varint(-1).length, 10);
  assert.throws(() => read(Uint8Array.from([0x80, 0x80])));
});

test('megatron-v3 fixture: every Megatron tag with its exact count, steps as written', () => {
  const r = readEventFile(eventFileOf('megatron-v3'));
  assert.equal(r.fileVersion, 'brain.Event:2');
  assert.deepEqual(r.issues, []);
  const perIteration = ['learning-rate', 'batch-size', 'lm loss', 'loss-scale', 'world-size', 'grad-norm'];
  const expected: Record<string, number> = {};
  for (const t of perIteration) {
    expected[t] = 600;
    expected[`${t} vs samples`] = 600;
  }
  Object.assign(expected, {
    'iteration-time': 600,
    'mem-reserved-bytes': 600,
    'mem-allocated-bytes': 600,
    'lm loss validation': 6,
    'lm loss validation vs samples': 6,
    'lm loss validation ppl': 6,
  });
  assert.deepEqual(counts(r.scalars), expected);
  assert.equal(r.scalars.length, 9018);
  const tags = byTag(r.scalars);
  assert.deepEqual(tags.get('lm loss')!.map((p) => p.step), Array.from({ length: 600 }, (_, i) => i + 1));
  assert.deepEqual(tags.get('lm loss vs samples')!.map((p) => p.step), Array.from({ length: 600 }, (_, i) => (i + 1) * 16));
  assert.deepEqual(tags.get('lm loss validation')!.map((p) => p.step), [100, 200, 300, 400, 500, 600]);
  // the samples twin carries the same value as its iteration tag
  const lossBySample = tags.get('lm loss vs samples')!;
  tags.get('lm loss')!.forEach((p, i) => assert.equal(lossBySample[i]!.value, p.value));
  assert.equal(tags.get('batch-size')![0]!.value, 16);
  assert.equal(tags.get('learning-rate')![0]!.value, Math.fround(1e-3 / 60));
  // ppl = exp(loss) as float32
  const val = tags.get('lm loss validation')!;
  tags.get('lm loss validation ppl')!.forEach((p, i) => assert.ok(Math.abs(p.value - Math.exp(val[i]!.value)) <= 1e-6 * p.value));
  for (const a of tags.values()) for (let i = 1; i < a.length; i++) assert.ok(a[i]!.wallTime >= a[i - 1]!.wallTime);
});

test('megatron-v3 fixture: lm loss, grad norm and lr equal logging.jsonl at every logged step', () => {
  const r = readEventFile(eventFileOf('megatron-v3'));
  const { records, issues } = parseLoggingJsonl(fs.readFileSync(path.join(RUN, 'megatron-v3', 'logging.jsonl'), 'utf8'));
  assert.deepEqual(issues, []);
  assert.equal(records.length, 120);
  const n = crossCheck(r.scalars, records, [
    ['trainLoss', 'lm loss'],
    ['gradNorm', 'grad-norm'],
    ['lr', 'learning-rate'],
  ]);
  assert.equal(n, 360);
  // step 5 explicitly: 6.41553545 in the jsonl
  const at5 = r.scalars.find((p) => p.tag === 'lm loss' && p.step === 5)!;
  assert.equal(Number(at5.value.toFixed(8)), 6.41553545);
  assert.equal(Math.fround(at5.value), at5.value, 'a float32 value widened, nothing added');
});

test('swift-v4 fixture: ms-swift 4 tags, the config as text summaries at step 0, values equal logging.jsonl', () => {
  const r = readEventFile(eventFileOf('swift-v4'));
  assert.deepEqual(r.issues, []);
  assert.deepEqual(counts(r.scalars), {
    'train/loss': 120,
    'train/grad_norm': 120,
    'train/learning_rate': 120,
    'train/memory(GiB)': 120,
    'train/train_speed(s_it)': 120,
    'eval/loss': 6,
  });
  const tags = byTag(r.scalars);
  assert.deepEqual(tags.get('train/loss')!.map((p) => p.step), Array.from({ length: 120 }, (_, i) => (i + 1) * 5));
  assert.deepEqual(tags.get('eval/loss')!.map((p) => p.step), [100, 200, 300, 400, 500, 600]);
  // text summaries are kept apart from the scalars
  assert.deepEqual(
    r.texts.map((t) => [t.tag, t.step, t.text]),
    [
      ['model/text_summary', 0, 'tiny-causal-lm'],
      ['micro_batch_size/text_summary', 0, '16'],
      ['global_batch_size/text_summary', 0, '16'],
      ['train_iters/text_summary', 0, '600'],
      ['lr/text_summary', 0, '0.001'],
      ['max_length/text_summary', 0, '128'],
      ['tensor_model_parallel_size/text_summary', 0, '1'],
    ],
  );
  assert.ok(!r.scalars.some((p) => p.tag.endsWith('text_summary')));
  const { records } = parseLoggingJsonl(fs.readFileSync(path.join(RUN, 'swift-v4', 'logging.jsonl'), 'utf8'));
  const n = crossCheck(r.scalars, records, [
    ['trainLoss', 'train/loss'],
    ['gradNorm', 'train/grad_norm'],
    ['lr', 'train/learning_rate'],
    ['memoryGiB', 'train/memory(GiB)'],
    ['secondsPerIteration', 'train/train_speed(s_it)'],
    ['evalLoss', 'eval/loss'],
  ]);
  assert.equal(n, 5 * 120 + 6);
  const loss5 = r.scalars.find((p) => p.tag === 'train/loss' && p.step === 5)!;
  assert.equal(loss5.value, Math.fround(6.43504429));
});

test('long fixture: exactly 200,000 train/loss and 20,000 train/learning_rate points, steps as written', () => {
  const file = eventFileOf('long');
  const table = new ScalarTable();
  const p = new EventStreamParser({ sink: table });
  const bytes = fs.readFileSync(file);
  const b = p.push(bytes);
  assert.deepEqual([...b.issues, ...p.end()], []);
  assert.equal(b.scalars.length, 0, 'with a sink, scalars go to the sink');
  assert.deepEqual(table.counts(), { 'train/loss': 200000, 'train/learning_rate': 20000 });
  const loss = table.get('train/loss')!.columns();
  for (let i = 0; i < loss.steps.length; i++) if (loss.steps[i] !== i + 1) assert.fail(`train/loss point ${i} has step ${loss.steps[i]}`);
  const lr = table.get('train/learning_rate')!.columns();
  for (let i = 0; i < lr.steps.length; i++) if (lr.steps[i] !== (i + 1) * 10) assert.fail(`train/learning_rate point ${i} has step ${lr.steps[i]}`);
  for (let i = 0; i < loss.values.length; i++) if (Math.fround(loss.values[i]!) !== loss.values[i]) assert.fail('not a float32 value');
  assert.equal(p.records, 220001);
  // the object form gives the same values
  const objects = parseEventBytes(bytes).scalars.filter((s) => s.tag === 'train/loss');
  assert.equal(objects.length, 200000);
  assert.equal(objects[123456]!.value, loss.values[123456]);
  assert.equal(objects[123456]!.wallTime, loss.wallTimes[123456]);
  assert.equal(objects[0]!.value, 2.000990867614746);
});

test('scalar tensors of every numeric dtype decode as TensorBoard reads them', () => {
  const f32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return b;
  };
  const le = (width: 2 | 4 | 8, v: number | bigint, kind: 'f' | 'i' | 'u' = 'f') => {
    const b = new Uint8Array(width);
    const dv = new DataView(b.buffer);
    if (width === 8 && kind === 'f') dv.setFloat64(0, Number(v), true);
    else if (width === 8) dv.setBigInt64(0, BigInt(v), true);
    else if (width === 4 && kind === 'i') dv.setInt32(0, Number(v), true);
    else if (width === 2) dv.setUint16(0, Number(v), true);
    return b;
  };
  const cases: Array<[string, Parameters<typeof event>[0]['values'], number]> = [
    ['simple_value', [{ tag: 'a', simple: 0.1 }], Math.fround(0.1)],
    ['simple_value 0 (written: oneof field)', [{ tag: 'a', simple: 0 }], 0],
    ['float_val packed', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 1, floatVal: [0.1] } }], Math.fround(0.1)],
    ['float_val unpacked', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 1, floatVal: [2.5], packed: false } }], 2.5],
    ['double_val', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 2, doubleVal: [0.1] } }], 0.1],
    ['half_val', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 19, halfVal: [halfBits(1.5)] } }], 1.5],
    ['bfloat16 half_val', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 14, halfVal: [0x3fc0] } }], 1.5],
    ['int_val negative', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 3, intVal: [-7] } }], -7],
    ['int64_val', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 9, int64Val: [2 ** 40] } }], 2 ** 40],
    ['tensor_content float', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 1, content: f32(3.25) } }], 3.25],
    ['tensor_content double', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 2, content: le(8, 0.1) } }], 0.1],
    ['tensor_content half', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 19, content: le(2, halfBits(-0.75)) } }], -0.75],
    ['tensor_content int32', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 3, content: le(4, -3, 'i') } }], -3],
    ['tensor_content int64', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 9, content: le(8, -9n, 'i') } }], -9],
    ['shape [1]', [{ tag: 'a', plugin: 'scalars', tensor: { dtype: 1, shape: [1], floatVal: [4] } }], 4],
    ['no plugin metadata at all', [{ tag: 'a', tensor: { dtype: 2, doubleVal: [1.25] } }], 1.25],
  ];
  for (const [name, values, want] of cases) {
    const r = parseEventBytes(eventFile([{ step: 3, wallTime: 1700000001.5, values: values! }]));
    assert.deepEqual(r.issues, [], name);
    assert.deepEqual(r.scalars, [{ tag: 'a', step: 3, wallTime: 1700000001.5, value: want }], name);
  }
  assert.equal(halfToNumber(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
  assert.equal(halfToNumber(0x0001), 2 ** -24);
  assert.equal(bfloat16ToNumber(0xbf80), -1);
});

test('what TensorBoard does not chart as a scalar is left out: histograms, images, vectors, other plugins', () => {
  const r = parseEventBytes(
    eventFile([
      { step: 1, values: [{ tag: 'vec', plugin: 'scalars', tensor: { dtype: 1, shape: [3], floatVal: [1, 2, 3] } }] },
      { step: 1, values: [{ tag: 'h', plugin: 'histograms', tensor: { dtype: 2, shape: [1], doubleVal: [1] } }] },
      { step: 1, values: [{ tag: 'img', extra: concat(Uint8Array.of(0x22, 0x02, 0x08, 0x01)) }] },
      { step: 1, values: [{ tag: 'ok', simple: 1 }] },
    ]),
  );
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.scalars.map((p) => p.tag), ['ok']);
});

test('plugin metadata written only with the first value of a tag applies to the later values', () => {
  const r = parseEventBytes(
    eventFile([
      { step: 0, values: [{ tag: 'cfg', plugin: 'text', tensor: { dtype: 7, stringVal: ['a'] } }] },
      { step: 1, values: [{ tag: 'cfg', tensor: { dtype: 7, stringVal: ['b', 'c'] } }] },
      { step: 1, values: [{ tag: 'h', plugin: 'histograms', tensor: { dtype: 2, doubleVal: [1] } }] },
      { step: 2, values: [{ tag: 'h', tensor: { dtype: 2, doubleVal: [2] } }] },
      { step: 2, values: [{ tag: 's', plugin: 'scalars', tensor: { dtype: 1, floatVal: [1] } }] },
      { step: 3, values: [{ tag: 's', tensor: { dtype: 1, floatVal: [2] } }] },
    ]),
  );
  assert.deepEqual(r.texts.map((t) => [t.tag, t.step, t.text]), [
    ['cfg', 0, 'a'],
    ['cfg', 1, 'b\nc'],
  ]);
  assert.deepEqual(r.scalars.map((p) => [p.tag, p.step, p.value]), [
    ['s', 2, 1],
    ['s', 3, 2],
  ]);
});

test('several values per event, large and negative steps, missing wall time', () => {
  const r = parseEventBytes(
    eventFile([
      { step: 2 ** 40, wallTime: 1.5, values: [{ tag: 'x', simple: 1 }, { tag: 'y', simple: 2 }] },
      { step: -1, values: [{ tag: 'x', simple: 3 }] },
    ]),
  );
  assert.deepEqual(r.scalars, [
    { tag: 'x', step: 2 ** 40, wallTime: 1.5, value: 1 },
    { tag: 'y', step: 2 ** 40, wallTime: 1.5, value: 2 },
    { tag: 'x', step: -1, wallTime: 0, value: 3 },
  ]);
});

test('a record whose CRCs are right but whose bytes are not an Event is reported and skipped', () => {
  const bad = record(Uint8Array.of(0x0a, 0x7f, 0x01)); // length-delimited field running past the end
  const bytes = concat(eventFile([{ step: 1, values: [{ tag: 'a', simple: 1 }] }]), bad, record(event({ step: 2, values: [{ tag: 'a', simple: 2 }] })));
  const r = parseEventBytes(bytes);
  assert.deepEqual(r.issues.map((i) => i.kind), ['undecodable-event']);
  assert.deepEqual(r.scalars.map((p) => p.step), [1, 2]);
});
