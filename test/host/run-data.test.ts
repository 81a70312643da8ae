// A run folder followed as it is written: only new points come back, progress from logging.jsonl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunData } from '../../client/src/host/run-data';
import { nodeFileView } from '../../core/src/files';
import { SHARED } from '../helpers';

const V4 = path.join(SHARED, 'fixtures', 'device-run', 'swift-v4');

test('a growing run: new points only, progress and logged memory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-rundata-'));
  fs.mkdirSync(path.join(dir, 'runs'));
  const eventName = fs.readdirSync(path.join(V4, 'runs'))[0]!;
  const events = fs.readFileSync(path.join(V4, 'runs', eventName));
  const jsonl = fs.readFileSync(path.join(V4, 'logging.jsonl'), 'utf8').split('\n');
  const ev = path.join(dir, 'runs', eventName);
  const half = Math.floor(events.length / 2) + 7; // cut inside a record
  fs.writeFileSync(ev, events.subarray(0, half));
  fs.writeFileSync(path.join(dir, 'logging.jsonl'), jsonl.slice(0, 10).join('\n') + '\n');
  const data = new RunData(dir, nodeFileView(), 0);
  const first = data.poll();
  const loss1 = first.series.find((s) => s.tag === 'train/loss')!;
  assert.ok(loss1 && loss1.steps.length > 0);
  assert.equal(loss1.kind, 'train-loss');
  assert.equal(first.progress.totalSteps, 600);
  assert.equal(first.progress.step, 50);
  fs.writeFileSync(ev, events);
  fs.appendFileSync(path.join(dir, 'logging.jsonl'), jsonl.slice(10).join('\n'));
  const second = data.poll();
  const loss2 = second.series.find((s) => s.tag === 'train/loss')!;
  assert.ok(loss2.steps[0]! > loss1.steps[loss1.steps.length - 1]!, 'only new points');
  assert.equal(loss1.steps.length + loss2.steps.length, 120);
  assert.equal(second.progress.step, 600);
  assert.equal(typeof data.loggedMemoryGiB(), 'number');
  assert.deepEqual(data.poll().series, [], 'nothing new');
  data.dispose();
});
