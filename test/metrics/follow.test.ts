// Following event files while they are written: pieces cut anywhere (inside headers and bodies), corrupt records
// in the middle, empty and truncated files, files that are not event files, and files that shrink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EventStreamParser, ScalarPoint, parseEventBytes } from '../../core/src/metrics/events';
import { EventFileFollower, MemoryByteSource } from '../../core/src/metrics/follow';
import { nodeByteSource } from '../../core/src/metrics/node-source';
import { ScalarTable } from '../../core/src/metrics/series';
import { concat, event, eventFile, record } from './encode';
import { eventFileOf } from './util';

const key = (p: ScalarPoint) => `${p.tag}|${p.step}|${p.wallTime}|${p.value}`;

/** Record boundaries of a TFRecord file. */
function boundaries(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [0];
  for (let p = 0; p < bytes.length; ) {
    p += 16 + dv.getUint32(p, true);
    out.push(p);
  }
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-metrics-'));
}

test('a file written in pieces (cuts inside headers and bodies) gives exactly the points of the whole file', () => {
  const bytes = new Uint8Array(fs.readFileSync(eventFileOf('swift-v4')));
  const whole = parseEventBytes(bytes);
  const b = boundaries(bytes);
  // cut points: inside the 8-byte length, inside the length CRC, right after the header, inside the body,
  // inside the data CRC, exactly at a boundary
  const cuts = new Set<number>();
  for (let i = 1; i < b.length - 1; i += 7) {
    const start = b[i]!;
    const end = b[i + 1]!;
    for (const c of [start + 3, start + 10, start + 12, Math.floor((start + end) / 2), end - 2, end]) if (c < bytes.length) cuts.add(c);
  }
  const sorted = [...cuts].sort((x, y) => x - y);
  const parser = new EventStreamParser();
  const got: ScalarPoint[] = [];
  const texts: string[] = [];
  let prev = 0;
  for (const c of [...sorted, bytes.length]) {
    const batch = parser.push(bytes.subarray(prev, c));
    assert.deepEqual(batch.issues, [], `no issue for a cut at ${c}`);
    got.push(...batch.scalars);
    texts.push(...batch.texts.map((t) => t.tag));
    // only an unfinished record is kept back, never something already parsed
    assert.equal(parser.offset + parser.buffered, c);
    assert.ok(b.includes(parser.offset), 'the parser stops at a record boundary');
    prev = c;
  }
  assert.deepEqual(parser.end(), []);
  assert.equal(got.length, whole.scalars.length);
  assert.deepEqual(got.map(key), whole.scalars.map(key));
  assert.equal(texts.length, 7);
});

test('byte by byte: nothing twice, nothing lost, a half-written record is not an error', () => {
  const bytes = eventFile(Array.from({ length: 30 }, (_, i) => ({ step: i, wallTime: 1700000000 + i, values: [{ tag: 'train/loss', simple: 1 / (i + 1) }] })));
  const parser = new EventStreamParser();
  const got: ScalarPoint[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = parser.push(bytes.subarray(i, i + 1));
    assert.deepEqual(b.issues, []);
    got.push(...b.scalars);
  }
  assert.deepEqual(parser.end(), []);
  assert.deepEqual(got.map((p) => p.step), Array.from({ length: 30 }, (_, i) => i));
  assert.equal(got[7]!.value, Math.fround(1 / 8));
});

test('following a real file on disk as it grows, through nodeByteSource, and cut inside a record', () => {
  const src = new Uint8Array(fs.readFileSync(eventFileOf('megatron-v3')));
  const dir = tmpDir();
  const file = path.join(dir, 'events.out.tfevents.1.host.1.0');
  fs.writeFileSync(file, new Uint8Array(0));
  const source = nodeByteSource(file);
  const table = new ScalarTable();
  const follower = new EventFileFollower(source, { sink: table, chunkBytes: 4096 });
  try {
    // deliberately uneven ranges: 0..1000 ends inside a record, 1000..1005 inside the next header
    const ranges = [1000, 1005, 1012, 50000, 50001, 123457, 300000, src.length];
    let prev = 0;
    let polls = 0;
    for (const end of ranges) {
      fs.appendFileSync(file, src.subarray(prev, end));
      const batch = follower.poll();
      polls++;
      assert.deepEqual(batch.issues, []);
      assert.equal(batch.reset, false);
      assert.equal(follower.offset, end, 'read up to the end of what is there');
      prev = end;
    }
    assert.equal(polls, ranges.length);
    // polling again reads nothing new
    const again = follower.poll();
    assert.equal(again.scalars.length + again.texts.length + again.issues.length, 0);
    assert.deepEqual(follower.finish(), []);
  } finally {
    source.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const counts = table.counts();
  assert.equal(counts['lm loss'], 600);
  assert.equal(counts['lm loss validation'], 6);
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 9018);
  assert.deepEqual([...table.get('lm loss')!.columns().steps], Array.from({ length: 600 }, (_, i) => i + 1));
});

test('a flipped byte inside a record body: that record is reported once and skipped, the rest is read', () => {
  const bytes = new Uint8Array(fs.readFileSync(eventFileOf('swift-v4')));
  const whole = parseEventBytes(bytes);
  const b = boundaries(bytes);
  const victim = 200; // a record in the middle
  const copy = bytes.slice();
  copy[b[victim]! + 12 + 5]! ^= 0x40;
  const r = parseEventBytes(copy);
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0]!.kind, 'bad-data-crc');
  assert.equal(r.issues[0]!.offset, b[victim]);
  assert.equal(r.scalars.length, whole.scalars.length - 1, 'exactly one scalar lost');
  const lost = whole.scalars.filter((p) => !r.scalars.some((q) => key(q) === key(p)));
  assert.equal(lost.length, 1);
});

test('a flipped byte in a record length: reported once, resynchronised at the next good record', () => {
  const bytes = new Uint8Array(fs.readFileSync(eventFileOf('swift-v4')));
  const whole = parseEventBytes(bytes);
  const b = boundaries(bytes);
  const victim = 300;
  const copy = bytes.slice();
  copy[b[victim]! + 1]! ^= 0x01; // the length no longer matches its CRC
  // fed in small pieces, so the scan for the next record also spans pieces
  const parser = new EventStreamParser();
  const got: ScalarPoint[] = [];
  const issues = [];
  for (let i = 0; i < copy.length; i += 97) {
    const batch = parser.push(copy.subarray(i, i + 97));
    got.push(...batch.scalars);
    issues.push(...batch.issues);
  }
  issues.push(...parser.end());
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0]!.kind, 'bad-length-crc');
  assert.equal(issues[0]!.offset, b[victim]);
  assert.equal(got.length, whole.scalars.length - 1);
  assert.equal(parser.skippedBytes, b[victim + 1]! - b[victim]!, 'skipped exactly the damaged record');
  assert.equal(parser.corruptions, 1);
});

test('several corrupt places are each reported once; a damaged data CRC counts as corrupt too', () => {
  const bytes = new Uint8Array(fs.readFileSync(eventFileOf('swift-v4')));
  const b = boundaries(bytes);
  const copy = bytes.slice();
  copy[b[50]! + 9]! ^= 0xff; // length CRC
  copy[b[100]! - 1]! ^= 0x01; // data CRC of record 99
  copy[b[400]! + 20]! ^= 0x10; // body
  const r = parseEventBytes(copy);
  assert.deepEqual(r.issues.map((i) => [i.kind, i.offset]), [
    ['bad-length-crc', b[50]],
    ['bad-data-crc', b[99]],
    ['bad-data-crc', b[400]],
  ]);
});

test('garbage appended to a growing file is reported once, and records after it are found', () => {
  const good = eventFile([{ step: 1, values: [{ tag: 'a', simple: 1 }] }]);
  const garbage = new TextEncoder().encode('\n*** interrupted write ***\n'.repeat(3));
  const after = record(event({ step: 2, wallTime: 5, values: [{ tag: 'a', simple: 2 }] }));
  const source = new MemoryByteSource();
  const f = new EventFileFollower(source);
  source.append(good);
  assert.deepEqual(f.poll().scalars.map((p) => p.step), [1]);
  source.append(garbage);
  const mid = f.poll();
  assert.equal(mid.issues.length, 1);
  assert.equal(mid.issues[0]!.kind, 'bad-length-crc');
  assert.equal(mid.issues[0]!.offset, good.length);
  source.append(after.subarray(0, 10));
  assert.deepEqual(f.poll().issues, [], 'still scanning: no second report');
  source.append(after.subarray(10));
  const end = f.poll();
  assert.deepEqual(end.issues, []);
  assert.deepEqual(end.scalars.map((p) => p.step), [2]);
  assert.deepEqual(f.finish(), []);
});

test('while resynchronising, a header that checks out is not enough: the data CRC must check out too', () => {
  const first = eventFile([{ step: 1, values: [{ tag: 'a', simple: 1 }] }]);
  const fake = record(event({ step: 99, values: [{ tag: 'a', simple: 99 }] }));
  fake[fake.length - 1]! ^= 0xff; // its data CRC is wrong, its header is fine
  const good = record(event({ step: 2, values: [{ tag: 'a', simple: 2 }] }));
  const junk = Uint8Array.of(1, 2, 3);
  const r = parseEventBytes(concat(first, junk, fake, good));
  assert.deepEqual(r.issues.map((i) => [i.kind, i.offset]), [['bad-length-crc', first.length]]);
  assert.deepEqual(r.scalars.map((p) => p.step), [1, 2]);
  // the same record met in step (not while scanning) is reported as a bad data CRC and skipped by its length
  const inStep = parseEventBytes(concat(first, fake, good));
  assert.deepEqual(inStep.issues.map((i) => [i.kind, i.offset]), [['bad-data-crc', first.length]]);
  assert.deepEqual(inStep.scalars.map((p) => p.step), [1, 2]);
});

test('a large record arriving in many small pieces is kept whole until complete, then read once', () => {
  const big = 'x'.repeat(200_000);
  const bytes = eventFile([
    { step: 0, values: [{ tag: 'args/text_summary', plugin: 'text', tensor: { dtype: 7, stringVal: [big] } }] },
    { step: 1, values: [{ tag: 'train/loss', simple: 2 }] },
  ]);
  const parser = new EventStreamParser();
  const texts: string[] = [];
  const steps: number[] = [];
  for (let i = 0; i < bytes.length; i += 1000) {
    const b = parser.push(bytes.subarray(i, i + 1000));
    assert.deepEqual(b.issues, []);
    texts.push(...b.texts.map((t) => t.text));
    steps.push(...b.scalars.map((p) => p.step));
    assert.equal(parser.offset + parser.buffered, Math.min(bytes.length, i + 1000));
  }
  assert.deepEqual(parser.end(), []);
  assert.equal(texts.length, 1);
  assert.equal(texts[0], big);
  assert.deepEqual(steps, [1]);
});

test('an empty file: no points, no issues', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'events.out.tfevents.0.h.1.0');
  fs.writeFileSync(file, '');
  const src = nodeByteSource(file);
  try {
    const f = new EventFileFollower(src);
    const b = f.poll();
    assert.deepEqual([b.scalars.length, b.texts.length, b.issues.length], [0, 0, 0]);
    assert.deepEqual(f.finish(), []);
    assert.equal(f.offset, 0);
  } finally {
    src.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(parseEventBytes(new Uint8Array(0)), { scalars: [], texts: [], issues: [] });
});

test('a truncated header waits while following and is reported when the file is known to be complete', () => {
  const bytes = eventFile([{ step: 1, values: [{ tag: 'a', simple: 1 }] }]);
  const cut = concat(bytes, bytes.subarray(0, 7));
  const parser = new EventStreamParser();
  const b = parser.push(cut);
  assert.deepEqual(b.issues, []);
  assert.equal(b.scalars.length, 1);
  assert.equal(parser.buffered, 7);
  const end = parser.end();
  assert.equal(end.length, 1);
  assert.equal(end[0]!.kind, 'incomplete-record');
  assert.equal(end[0]!.offset, bytes.length);
  assert.match(end[0]!.message, /header \(7 of 12 bytes/);
  // a cut inside the body is reported likewise
  const body = new EventStreamParser();
  body.push(bytes.subarray(0, bytes.length - 3));
  assert.deepEqual(body.end().map((i) => i.kind), ['incomplete-record']);
  // only a header fragment, nothing else
  assert.deepEqual(parseEventBytes(bytes.subarray(0, 5)).issues.map((i) => i.kind), ['incomplete-record']);
});

test('a file that is not an event file: reported once as such, nothing parsed', () => {
  const text = new TextEncoder().encode('{"loss": 1.0, "iteration": "5/600"}\n'.repeat(200));
  const parser = new EventStreamParser();
  const issues = [];
  let scalars = 0;
  for (let i = 0; i < text.length; i += 1000) {
    const b = parser.push(text.subarray(i, i + 1000));
    issues.push(...b.issues);
    scalars += b.scalars.length;
  }
  issues.push(...parser.end());
  assert.equal(scalars, 0);
  assert.equal(parser.records, 0);
  assert.deepEqual(issues.map((i) => [i.kind, i.offset]), [['not-an-event-file', 0]]);
  assert.equal(parser.skippedBytes, text.length);
});

test('a file that shrinks (replaced by a new run) is read again from the start, flagged as a reset', () => {
  const first = eventFile([1, 2, 3].map((s) => ({ step: s, values: [{ tag: 'a', simple: s }] })));
  const second = eventFile([{ step: 1, values: [{ tag: 'b', simple: 9 }] }]);
  const source = new MemoryByteSource();
  const f = new EventFileFollower(source);
  source.append(first);
  assert.equal(f.poll().scalars.length, 3);
  source.replace(second);
  const b = f.poll();
  assert.equal(b.reset, true);
  assert.deepEqual(b.issues.map((i) => i.kind), ['file-shrunk']);
  assert.deepEqual(b.scalars.map((p) => [p.tag, p.value]), [['b', 9]]);
});

test('a file that cannot be read (deleted) gives nothing rather than throwing', () => {
  const src = nodeByteSource(path.join(os.tmpdir(), 'mss-metrics-does-not-exist', 'events.out.tfevents.x'));
  const f = new EventFileFollower(src);
  const b = f.poll();
  assert.deepEqual([b.scalars.length, b.issues.length, f.offset], [0, 0, 0]);
  src.close();
});
