// The launch CodeLens labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuLabel, runLabel } from '../../client/src/launch/labels';

test('GPU count from NPROC_PER_NODE, NNODES, CUDA_VISIBLE_DEVICES, or the remembered choice', () => {
  assert.equal(gpuLabel('ENV:\n  NPROC_PER_NODE: "2"\n', undefined), '2 GPUs');
  assert.equal(gpuLabel('ENV:\n  NPROC_PER_NODE: 1 # one\n', undefined), '1 GPU');
  assert.equal(gpuLabel('ENV:\n  NNODES: 2\n  NPROC_PER_NODE: 8\n', undefined), '2 × 8 GPUs');
  assert.equal(gpuLabel('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2"\n', undefined), '3 GPUs');
  assert.equal(gpuLabel('lr: 1\n', [0, 3]), '2 GPUs');
  assert.equal(gpuLabel('lr: 1\n', undefined), 'choose GPUs');
});

test('what the main lens runs', () => {
  assert.equal(runLabel('# megatron sft\n'), 'Train');
  assert.equal(runLabel('# megatron export\n'), 'Export');
  assert.equal(runLabel('# swift infer ms-swift=4.5.2\n'), 'Infer');
  assert.equal(runLabel('# swift export\n'), 'Export');
  assert.equal(runLabel('# swift sft\n'), 'Train');
  assert.equal(runLabel('lr: 1\n'), 'Train');
});
