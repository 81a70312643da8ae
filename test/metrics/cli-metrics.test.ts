// `ms-swift-studio metrics PATH [--format csv|json]` (runMetrics, called directly with a captured CliIO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIO } from '../../cli/src/commands/check';
import { runMetrics } from '../../cli/src/commands/metrics';
import { UsageError } from '../../cli/src/usage';
import { parseEventBytes } from '../../core/src/metrics/events';
import { formatNumber } from '../../core/src/metrics/export';
import { readEventFile } from '../../core/src/metrics/node-source';
import { eventFile } from './encode';
import { RUN, eventFileOf } from './util';

function run(args: string[], cwd = RUN): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd };
  try {
    return { code: runMetrics(args, io), stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout, stderr: stderr + e.message };
    throw e;
  }
}

/** Splits a CSV line of this output (quoted fields possible). */
function csvSplit(line: string): string[] {
  const out: string[] = [];
  const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]!);
    if (m[3] === '') break;
  }
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-metrics-cli-'));
}

test('CSV of one event file: the exact header, one row per scalar, values in full precision', () => {
  const rel = path.relative(RUN, eventFileOf('swift-v4'));
  const r = run([rel]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'file,tag,step,wall_time,value');
  const expected = readEventFile(eventFileOf('swift-v4')).scalars;
  assert.equal(lines.length - 1, expected.length);
  lines.slice(1).forEach((line, i) => {
    const [file, tag, step, wall, value] = csvSplit(line);
    const p = expected[i]!;
    assert.equal(file, rel);
    assert.equal(tag, p.tag);
    assert.equal(Number(step), p.step);
    assert.equal(Number(wall), p.wallTime, 'wall_time reads back as the same double');
    assert.equal(Number(value), p.value, 'value reads back as the same double');
  });
  assert.equal(lines[1], `${rel},train/loss,5,1795833291.081673,6.435044288635254`);
});

test('a run folder: every event file below it, file relative to the folder, in path order', () => {
  const r = run(['.']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').slice(1).map(csvSplit);
  assert.equal(rows.length, 9018 + 606 + 220000);
  const files = [...new Set(rows.map((x) => x[0]))];
  assert.deepEqual(files, [
    'long/runs/events.out.tfevents.1795833298.vm.416.2',
    'megatron-v3/runs/events.out.tfevents.1795833280.vm.416.0',
    'swift-v4/runs/events.out.tfevents.1795833291.vm.416.1',
  ]);
  const longLoss = rows.filter((x) => x[0] === files[0] && x[1] === 'train/loss');
  assert.equal(longLoss.length, 200000);
  assert.equal(rows.filter((x) => x[1] === 'train/learning_rate' && x[0] === files[0]).length, 20000);
  // absolute path given: same rows, file relative to it
  const abs = run([path.join(RUN, 'megatron-v3')]);
  assert.equal(abs.stdout.split('\n')[1]!.split(',')[0], 'runs/events.out.tfevents.1795833280.vm.416.0');
});

test('JSON: an array of {file, tag, step, wall_time, value} equal to the parser', () => {
  const r = run(['megatron-v3', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  const expected = readEventFile(eventFileOf('megatron-v3')).scalars;
  assert.equal(rows.length, expected.length);
  assert.deepEqual(Object.keys(rows[0]!), ['file', 'tag', 'step', 'wall_time', 'value']);
  rows.forEach((row, i) => {
    const p = expected[i]!;
    assert.deepEqual(row, { file: 'runs/events.out.tfevents.1795833280.vm.416.0', tag: p.tag, step: p.step, wall_time: p.wallTime, value: p.value });
  });
});

test('numbers: shortest round-trip text, non-finite values spelled out, tags with commas quoted', () => {
  assert.equal(formatNumber(Math.fround(0.1)), '0.10000000149011612');
  assert.equal(formatNumber(8e-8), '8e-8');
  assert.equal(formatNumber(-0), '-0');
  assert.equal(formatNumber(NaN), 'NaN');
  const dir = tmpDir();
  try {
    fs.writeFileSync(
      path.join(dir, 'events.out.tfevents.1.h.1.0'),
      eventFile([
        { step: 1, wallTime: 1.25, values: [{ tag: 'loss, "smoothed"', simple: NaN }] },
        { step: 2, wallTime: 2.5, values: [{ tag: 'loss, "smoothed"', simple: Infinity }, { tag: 'lr', simple: 0.1 }] },
      ]),
    );
    const csv = run(['.'], dir);
    assert.equal(csv.code, 0, csv.stderr);
    assert.deepEqual(csv.stdout.trimEnd().split('\n'), [
      'file,tag,step,wall_time,value',
      'events.out.tfevents.1.h.1.0,"loss, ""smoothed""",1,1.25,NaN',
      'events.out.tfevents.1.h.1.0,"loss, ""smoothed""",2,2.5,Infinity',
      'events.out.tfevents.1.h.1.0,lr,2,2.5,0.10000000149011612',
    ]);
    const json = JSON.parse(run(['.', '--format=json'], dir).stdout);
    assert.deepEqual(json.map((x: { value: unknown }) => x.value), ['NaN', 'Infinity', 0.10000000149011612]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt record is reported on stderr and skipped; the rest is printed, exit 0', () => {
  const dir = tmpDir();
  try {
    const bytes = new Uint8Array(fs.readFileSync(eventFileOf('swift-v4')));
    const whole = parseEventBytes(bytes).scalars.length;
    bytes[5000]! ^= 0x55;
    const file = path.join(dir, 'events.out.tfevents.2.h.1.0');
    fs.writeFileSync(file, bytes);
    const r = run([file]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /events\.out\.tfevents\.2\.h\.1\.0: corrupt record at byte \d+/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const rows = r.stdout.trimEnd().split('\n').length - 1;
    assert.ok(rows >= whole - 2 && rows < whole, `${rows} of ${whole}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('exit 2 with a clear message: missing path, folder without event files, not an event file, bad options', () => {
  let r = run(['no/such/run']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no\/such\/run: cannot read \(no such file or folder\)/);
  const dir = tmpDir();
  try {
    fs.writeFileSync(path.join(dir, 'logging.jsonl'), '{"loss": 1}\n');
    r = run([dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no TensorBoard event files/);
    r = run([path.join(dir, 'logging.jsonl')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a TensorBoard event file/);
    // an empty event file (just created by a starting run) is fine: header only
    fs.writeFileSync(path.join(dir, 'events.out.tfevents.3.h.1.0'), '');
    r = run([dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'file,tag,step,wall_time,value\n');
    assert.equal(run([dir, '--format', 'json']).stdout, '[]\n');
    // a first record still being written: no rows, a note on stderr, exit 0
    const partial = path.join(dir, 'events.out.tfevents.3.h.1.0');
    fs.writeFileSync(partial, eventFile([]).subarray(0, 20));
    r = run([partial]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'file,tag,step,wall_time,value\n');
    assert.match(r.stderr, /ends inside a record/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(run([]).code, 2);
  assert.match(run(['a', 'b']).stderr, /exactly one PATH/);
  assert.match(run(['megatron-v3', '--format', 'xml']).stderr, /--format must be csv or json/);
  assert.equal(run(['megatron-v3', '--bogus']).code, 2);
});
