// `ms-swift-studio command`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

test('v4 config: the YAML is passed as it is, ENV and GPU choice in the environment', () => {
  const r = run(['command', '--gpus', '2,3', 'examples/qwen2.5-7b-sft.megatron.yaml']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'NPROC_PER_NODE=2 CUDA_VISIBLE_DEVICES=2,3 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True megatron sft examples/qwen2.5-7b-sft.megatron.yaml\n');
  const j = JSON.parse(run(['command', '--format', 'json', 'examples/qwen2.5-7b-sft.megatron.yaml']).stdout);
  assert.deepEqual(Object.keys(j).sort(), ['argv', 'cwd', 'env']);
  assert.deepEqual(j.argv, ['megatron', 'sft', 'examples/qwen2.5-7b-sft.megatron.yaml']);
  assert.equal(j.cwd, REPO_ROOT);
});

test('v3 config: expanded into flags; --mode flags works for v4 too; --mode yaml is refused for 3.4.1', () => {
  const r = run(['command', '--format', 'json', 'examples/qwen2.5-7b-sft.v3.megatron.yaml']);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.argv.slice(0, 4), ['megatron', 'sft', '--load', 'Qwen2.5-7B-Instruct-mcore']);
  assert.ok(j.argv.includes('--dataset'));
  const v4flags = JSON.parse(run(['command', '--format', 'json', '--mode', 'flags', 'examples/qwen2.5-7b-sft.megatron.yaml']).stdout);
  assert.deepEqual(v4flags.argv.slice(0, 4), ['megatron', 'sft', '--model', 'Qwen/Qwen2.5-7B-Instruct']);
  const bad = run(['command', '--mode', 'yaml', 'examples/qwen2.5-7b-sft.v3.megatron.yaml']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /3\.4\.1 cannot read a YAML config/);
});

test('multi-node: one command per node, or the one --node-rank picks', () => {
  const all = run(['command', 'examples/qwen2.5-72b-multinode.megatron.yaml']).stdout;
  assert.match(all, /# node 0 of 4\nNNODES=4 NODE_RANK=0 .*MASTER_ADDR=10\.0\.0\.1 MASTER_PORT=29500/);
  assert.match(all, /# node 3 of 4\nNNODES=4 NODE_RANK=3 /);
  const one = run(['command', '--node-rank', '1', '--shell', 'fish', 'examples/qwen2.5-72b-multinode.megatron.yaml']).stdout;
  assert.equal(one.split('\n').filter(Boolean).length, 1);
  assert.match(one, /NODE_RANK=1/);
  const j = JSON.parse(run(['command', '--format', 'json', 'examples/qwen2.5-72b-multinode.megatron.yaml']).stdout);
  assert.deepEqual(j.nodes.map((n: { nodeRank: number; env: Record<string, string> }) => [n.nodeRank, n.env.NODE_RANK]), [[0, '0'], [1, '1'], [2, '2'], [3, '3']]);
});

test('usage errors exit 2', () => {
  for (const [args, re] of [
    [['command'], /exactly one FILE/],
    [['command', '--shell', 'tcsh', 'examples/infer.swift.yaml'], /--shell must be one of/],
    [['command', '--gpus', '0,,1', 'examples/infer.swift.yaml'], /--gpus takes GPU indices/],
    [['command', '--gpus', '1,1', 'examples/infer.swift.yaml'], /twice/],
    [['command', '--node-rank', '-1', 'examples/infer.swift.yaml'], /node-rank|Unknown option|argument/],
    [['command', 'nope.yaml'], /cannot read/],
  ] as Array<[string[], RegExp]>) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});

test('estimate: the bundled CLI prints the breakdown, JSON has the documented shape, exit 0/1/2', () => {
  const text = run(['estimate', 'examples/qwen3-30b-a3b-moe-lora.megatron.yaml']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /weights +grads +optimizer +activations +logits +overhead +allocated +reserved +device/);
  assert.match(text.stdout, /Fits on 80 GiB/);
  const j = JSON.parse(run(['estimate', '--format', 'json', 'examples/qwen2.5-7b-sft.megatron.yaml']).stdout);
  assert.deepEqual(Object.keys(j).sort(), ['assumptions', 'perRank', 'worst']);
  assert.deepEqual(Object.keys(j.perRank[0]).sort(), ['activations', 'allocated', 'device', 'grads', 'logits', 'optimizer', 'overhead', 'rank', 'reserved', 'stage', 'weights']);
  assert.equal(run(['estimate', '--gpu-memory', '40', 'examples/qwen2.5-7b-sft.megatron.yaml']).status, 1);
  const unknown = run(['estimate', 'examples/qwen2.5-7b-sft.v3.megatron.yaml']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown model/);
});
