// Tag meanings across Megatron and ms-swift 4 names, and finding the parts of run folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { FileView, nodeFileView } from '../../core/src/files';
import {
  discoverRun,
  findEventFiles,
  latestVersionFolder,
  parseCheckpointName,
  parseVersionFolderName,
  versionFolders,
} from '../../core/src/metrics/discovery';
import { readEventFile } from '../../core/src/metrics/node-source';
import { metricKind, tagInfo } from '../../core/src/metrics/tags';
import { RUN, eventFileOf } from './util';

test('every tag of the fixtures gets the kind a chart needs', () => {
  const expected: Record<string, string> = {
    'lm loss': 'train-loss',
    'lm loss vs samples': 'train-loss',
    'lm loss validation': 'eval-loss',
    'lm loss validation vs samples': 'eval-loss',
    'lm loss validation ppl': 'other',
    'learning-rate': 'lr',
    'learning-rate vs samples': 'lr',
    'grad-norm': 'grad-norm',
    'grad-norm vs samples': 'grad-norm',
    'iteration-time': 'throughput',
    'mem-reserved-bytes': 'memory',
    'mem-allocated-bytes': 'memory',
    'batch-size': 'other',
    'batch-size vs samples': 'other',
    'loss-scale': 'other',
    'loss-scale vs samples': 'other',
    'world-size': 'other',
    'world-size vs samples': 'other',
    'train/loss': 'train-loss',
    'train/grad_norm': 'grad-norm',
    'train/learning_rate': 'lr',
    'train/memory(GiB)': 'memory',
    'train/train_speed(s_it)': 'throughput',
    'eval/loss': 'eval-loss',
  };
  const seen = new Set<string>();
  for (const run of ['megatron-v3', 'swift-v4', 'long']) for (const p of readEventFile(eventFileOf(run)).scalars) seen.add(p.tag);
  assert.deepEqual([...seen].sort(), Object.keys(expected).sort());
  for (const [tag, kind] of Object.entries(expected)) assert.equal(metricKind(tag), kind, tag);
});

test('tag details: the original tag, the samples axis, units, perplexity', () => {
  assert.deepEqual(tagInfo('lm loss vs samples'), { tag: 'lm loss vs samples', kind: 'train-loss', base: 'lm loss', axis: 'samples' });
  assert.deepEqual(tagInfo('train/train_speed(s_it)'), { tag: 'train/train_speed(s_it)', kind: 'throughput', base: 'train/train_speed(s_it)', axis: 'step', unit: 's/it' });
  assert.equal(tagInfo('iteration-time').unit, 's/it');
  assert.equal(tagInfo('mem-allocated-bytes').unit, 'bytes');
  assert.equal(tagInfo('train/memory(GiB)').unit, 'GiB');
  assert.equal(tagInfo('lm loss validation ppl').perplexity, true);
  // more names the trainers use
  assert.equal(metricKind('decoupled-learning-rate'), 'lr');
  assert.equal(metricKind('throughput'), 'throughput');
  assert.equal(tagInfo('throughput').unit, 'TFLOP/s/GPU');
  assert.equal(metricKind('mem-max-allocated-bytes'), 'memory');
  assert.equal(metricKind('load_balancing_loss'), 'other');
  assert.equal(metricKind('z_loss vs samples'), 'other');
  assert.equal(metricKind('eval/runtime'), 'other');
  assert.equal(metricKind('eval/samples_per_second'), 'throughput');
  assert.equal(tagInfo('train/train_speed(iter_s)').unit, 'it/s');
  assert.equal(metricKind('train/epoch'), 'other');
  assert.equal(metricKind('params-norm'), 'other');
  assert.equal(metricKind('val/loss'), 'eval-loss');
  assert.equal(metricKind('train/lm loss'), 'train-loss');
});

/** An in-memory tree: folders end with '/'. */
function fakeView(paths: string[], texts: Record<string, string> = {}): FileView & { listed: string[] } {
  const files = new Set<string>();
  const dirs = new Set<string>(['/']);
  for (const p of paths) {
    const isDir = p.endsWith('/');
    const clean = isDir ? p.slice(0, -1) : p;
    if (isDir) dirs.add(clean);
    else files.add(clean);
    for (let d = path.posix.dirname(clean); d !== '/'; d = path.posix.dirname(d)) dirs.add(d);
  }
  const listed: string[] = [];
  return {
    listed,
    exists: (p) => files.has(p) || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readText: (p) => texts[p],
    list: (p) => {
      listed.push(p);
      const prefix = p.endsWith('/') ? p : p + '/';
      const out = new Set<string>();
      for (const x of [...files, ...dirs]) if (x.startsWith(prefix) && x !== p) out.add(x.slice(prefix.length).split('/')[0]!);
      return [...out];
    },
  };
}

test('a Megatron-SWIFT 3.x output folder: version folders, event files, logging.jsonl, args.json, iter_* checkpoints', () => {
  const view = fakeView(
    [
      '/out/v0-20250101-090000/runs/events.out.tfevents.1735722000.node1.100.0',
      '/out/v0-20250101-090000/logging.jsonl',
      '/out/v1-20250102-101530/args.json',
      '/out/v1-20250102-101530/logging.jsonl',
      '/out/v1-20250102-101530/latest_checkpointed_iteration.txt',
      '/out/v1-20250102-101530/iter_0000200/mp_rank_00/model_optim_rng.pt',
      '/out/v1-20250102-101530/iter_0000100/mp_rank_00/model_optim_rng.pt',
      '/out/v1-20250102-101530/iter_0000100/events.out.tfevents.should.not.be.found',
      '/out/v1-20250102-101530/runs/events.out.tfevents.1735812930.node1.200.0',
      '/out/v1-20250102-101530/runs/events.out.tfevents.1735812990.node1.200.1',
      '/out/v1-20250102-101530/runs/notes.txt',
      '/out/v10-20250103-080000/',
      '/out/not-a-version/',
      '/out/v2-2025-bad/',
    ],
    { '/out/v1-20250102-101530/latest_checkpointed_iteration.txt': '200\n' },
  );
  const vs = versionFolders('/out', view);
  assert.deepEqual(vs.map((v) => [v.name, v.version, v.timestamp, v.startedAt]), [
    ['v0-20250101-090000', 0, '20250101-090000', '2025-01-01T09:00:00'],
    ['v1-20250102-101530', 1, '20250102-101530', '2025-01-02T10:15:30'],
    ['v10-20250103-080000', 10, '20250103-080000', '2025-01-03T08:00:00'],
  ]);
  assert.equal(latestVersionFolder('/out', view)!.name, 'v10-20250103-080000');

  const run = discoverRun('/out/v1-20250102-101530', view);
  assert.deepEqual(run.eventFiles, [
    '/out/v1-20250102-101530/runs/events.out.tfevents.1735812930.node1.200.0',
    '/out/v1-20250102-101530/runs/events.out.tfevents.1735812990.node1.200.1',
  ]);
  assert.equal(run.loggingJsonl, '/out/v1-20250102-101530/logging.jsonl');
  assert.equal(run.argsJson, '/out/v1-20250102-101530/args.json');
  assert.deepEqual(run.checkpoints.map((c) => [c.name, c.kind, c.step]), [
    ['iter_0000100', 'megatron', 100],
    ['iter_0000200', 'megatron', 200],
  ]);
  assert.equal(run.latestCheckpointedIteration, '200');
  assert.equal(run.truncated, false);
  assert.ok(!view.listed.some((p) => p.includes('iter_')), 'checkpoint folders are not searched');

  // the output folder itself: event files of every version, any depth
  const all = findEventFiles('/out', view);
  assert.equal(all.files.length, 3);
  assert.equal(discoverRun('/out', view).versionFolders.length, 3);
});

test('ms-swift 4 checkpoint-* folders, depth and count limits, hidden folders', () => {
  const view = fakeView([
    '/r/checkpoint-50/model.safetensors',
    '/r/checkpoint-100/model.safetensors',
    '/r/checkpoint-best',
    '/r/.cache/events.out.tfevents.hidden',
    '/r/a/b/c/d/e/f/g/events.out.tfevents.deep',
    '/r/a/events.out.tfevents.1',
    '/r/a/events.out.tfevents.2',
    '/r/a/events.out.tfevents.3',
  ]);
  const run = discoverRun('/r', view);
  assert.deepEqual(run.checkpoints.map((c) => [c.name, c.kind, c.step]), [
    ['checkpoint-50', 'hf', 50],
    ['checkpoint-100', 'hf', 100],
  ]);
  assert.deepEqual(run.eventFiles, ['/r/a/events.out.tfevents.1', '/r/a/events.out.tfevents.2', '/r/a/events.out.tfevents.3']);
  assert.equal(run.truncated, true, 'the folder 7 levels down was not searched');
  assert.equal(findEventFiles('/r', view, { maxDepth: 10 }).files.length, 4);
  const limited = findEventFiles('/r', view, { maxEventFiles: 2 });
  assert.deepEqual([limited.files.length, limited.truncated], [2, true]);
  assert.equal(findEventFiles('/r', view, { maxDirectories: 1 }).truncated, true);
  assert.deepEqual(parseCheckpointName('iter_0000007'), { name: 'iter_0000007', kind: 'megatron', step: 7 });
  assert.equal(parseCheckpointName('iteration_7'), undefined);
  assert.equal(parseVersionFolderName('v3-20250612-1015'), undefined);
});

test('the real fixture folders through nodeFileView', () => {
  const view = nodeFileView();
  const run = discoverRun(path.join(RUN, 'swift-v4'), view);
  assert.deepEqual(run.eventFiles, [eventFileOf('swift-v4')]);
  assert.equal(run.loggingJsonl, path.join(RUN, 'swift-v4', 'logging.jsonl'));
  assert.equal(run.argsJson, undefined);
  const all = findEventFiles(RUN, view);
  assert.deepEqual(all.files, [eventFileOf('long'), eventFileOf('megatron-v3'), eventFileOf('swift-v4')]);
  assert.deepEqual(findEventFiles(path.join(RUN, 'does-not-exist'), view).files, []);
});
