// `ms-swift-studio estimate FILE` in-process (runEstimate with a captured CliIO; main.ts wires it as the
// `estimate` subcommand and turns a UsageError into exit status 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runEstimate } from '../../cli/src/commands/estimate';
import { UsageError } from '../../cli/src/usage';

const Q14 = `# megatron sft ms-swift=4.5.2
ENV:
  NPROC_PER_NODE: "8"
model: Qwen/Qwen2.5-14B
dataset:
  - liucong/Chinese-DeepSeek-R1-Distill-data-110k-SFT
tensor_model_parallel_size: 4
sequence_parallel: true
micro_batch_size: 1
global_batch_size: 16
packing: true
max_length: 8192
train_iters: 2000
`;

function dir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-estimate-cli-'));
}

function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = runEstimate(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

test('text: a per-stage table, the assumptions and a fits line; exit 0', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'q14.yaml'), Q14);
  const r = run(['q14.yaml'], d);
  assert.equal(r.code, 0, r.stdout);
  const lines = r.stdout.split('\n');
  const header = lines.find((l) => /stage\s+rank\s+weights\s+grads\s+optimizer\s+activations\s+logits\s+overhead\s+allocated\s+reserved\s+device/.test(l));
  assert.ok(header, r.stdout);
  const row = lines[lines.indexOf(header!) + 1]!.trim().split(/\s+/);
  assert.equal(row.length, 11);
  assert.deepEqual(row.slice(0, 2), ['0', '0']);
  assert.ok(row.slice(2).every((c) => /^\d+\.\d\d$/.test(c)), row.join(' '));
  assert.match(r.stdout, /\nAssumptions:\n {2}- Model Qwen\/Qwen2\.5-14B/);
  assert.match(r.stdout, /\nFits on 80 GiB: rank 0 \(stage 0\) needs about \d+\.\d GiB, \d+\.\d GiB to spare\.\n$/);
});

test('--gpu-memory: does not fit → a clear line and exit 1; tight within the margin', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'q14.yaml'), Q14);
  const over = run(['q14.yaml', '--gpu-memory', '40'], d);
  assert.equal(over.code, 1);
  assert.match(over.stdout, /Does not fit on 40 GiB: rank 0 \(stage 0\) needs about \d+\.\d GiB, \d+\.\d GiB too much\./);
  const json = JSON.parse(run(['q14.yaml', '--format', 'json'], d).stdout);
  const tight = run(['q14.yaml', '--gpu-memory', String(Math.ceil(json.worst.device + 0.5))], d);
  assert.equal(tight.code, 0);
  assert.match(tight.stdout, /but tightly/);
});

test('json: exactly { perRank, worst, assumptions } with the documented fields, in GiB', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'pp.yaml'), Q14.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 2\npipeline_model_parallel_size: 2'));
  const r = run(['--format', 'json', 'pp.yaml'], d);
  assert.equal(r.code, 0);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['perRank', 'worst', 'assumptions']);
  const fields = ['rank', 'stage', 'weights', 'grads', 'optimizer', 'activations', 'logits', 'overhead', 'allocated', 'reserved', 'device'];
  assert.equal(out.perRank.length, 2);
  for (const row of [...out.perRank, out.worst]) {
    assert.deepEqual(Object.keys(row), fields);
    for (const f of fields) assert.equal(typeof row[f], 'number');
  }
  assert.ok(out.worst.device > 20 && out.worst.device < 140);
  assert.ok(out.assumptions.every((s: unknown) => typeof s === 'string'));
  assert.deepEqual(out.perRank.map((x: { rank: number }) => x.rank), [0, 4]);
});

test('text with several stages marks the worst one', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'pp.yaml'), Q14.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 2\npipeline_model_parallel_size: 2'));
  const r = run(['pp.yaml'], d);
  assert.equal(r.stdout.split('\n').filter((l) => l.endsWith('<- worst')).length, 1);
});

test('an estimate that cannot be made is a UsageError (exit 2) naming the reason and what was looked for', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'v3.yaml'), Q14.replace('ms-swift=4.5.2', 'ms-swift=3.4.1').replace('model: Qwen/Qwen2.5-14B', 'load: Qwen2.5-14B-mcore'));
  assert.throws(
    () => run(['v3.yaml'], d),
    (e: unknown) =>
      e instanceof UsageError &&
      /v3\.yaml: cannot estimate the GPU memory: unknown model `Qwen2\.5-14B-mcore` \(from `load`\)/.test(e.message) &&
      e.message.includes(path.join(d, 'Qwen2.5-14B-mcore', 'config.json')),
  );
  // the model folder next to the config (relative to the config's folder, not the cwd)
  fs.mkdirSync(path.join(d, 'Qwen2.5-14B-mcore'));
  fs.writeFileSync(path.join(d, 'Qwen2.5-14B-mcore', 'args.json'), JSON.stringify({ model: 'Qwen/Qwen2.5-14B' }));
  assert.equal(run([path.join(d, 'v3.yaml')], os.tmpdir()).code, 0);
  fs.writeFileSync(path.join(d, 'noworld.yaml'), Q14.replace('  NPROC_PER_NODE: "8"\n', ''));
  assert.throws(() => run(['noworld.yaml'], d), /world size is unknown/);
});

test('usage errors: no file, two files, bad --gpu-memory, --format, --command; --command and --tokens are honoured', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'q14.yaml'), Q14);
  assert.throws(() => run([], d), UsageError);
  assert.throws(() => run(['q14.yaml', 'q14.yaml'], d), /exactly one FILE/);
  assert.throws(() => run(['q14.yaml', '--gpu-memory', 'lots'], d), /--gpu-memory takes a positive number/);
  assert.throws(() => run(['q14.yaml', '--format', 'xml'], d), /--format must be text or json/);
  assert.throws(() => run(['q14.yaml', '--command', 'swift sft'], d), /not `swift sft`/);
  assert.throws(() => run(['missing.yaml'], d), /missing\.yaml: cannot read/);
  assert.throws(() => run(['q14.yaml', '--bogus'], d), UsageError);
  const few = JSON.parse(run(['q14.yaml', '--format', 'json', '--tokens', '2048'], d).stdout);
  const all = JSON.parse(run(['q14.yaml', '--format', 'json'], d).stdout);
  assert.ok(few.worst.activations < all.worst.activations);
  const v3 = JSON.parse(run(['q14.yaml', '--format', 'json', '--ms-swift-version', '3.4.1'], d).stdout);
  assert.ok(v3.assumptions[0].includes('ms-swift 3.4.1'));
});
