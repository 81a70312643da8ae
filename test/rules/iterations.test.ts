// The 'iterations' rules: how long the run trains (train_iters, num_train_epochs, 3.4.1's max_epochs) and what a
// streaming dataset or save_strategy epoch changes about it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { Diagnostic } from '../../core/src/rules/types';
import { covered, diagnostics, withCode } from '../helpers';
import { fixesWork, quiet } from './assert';

const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };

function all(text: string, code: string, options: CheckOptions, n = 1): Diagnostic[] {
  const found = withCode(text, code, options);
  assert.equal(found.length, n, `expected ${n} ${code}, got ${JSON.stringify(diagnostics(text, options).map((d) => `${d.code}: ${d.message}`))}`);
  return found;
}

function one(text: string, code: string, options: CheckOptions): Diagnostic {
  return all(text, code, options)[0]!;
}

describe('train-iters-required-v3', () => {
  const code = 'train-iters-required-v3';
  test('3.4.1: fires without train_iters and points at max_epochs when set', () => {
    const text = 'lr: 1.0e-5\nmax_epochs: 2\n';
    const d = one(text, code, V3);
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'max_epochs');
    assert.match(d.message, /`max_epochs` 2 does not replace it/);
    const [fixed] = fixesWork(text, d, V3);
    assert.equal(fixed, 'lr: 1.0e-5\nmax_epochs: 2\ntrain_iters: 1000\n');
  });
  test('3.4.1: without max_epochs it is reported for train_iters', () => {
    const d = one('lr: 1.0e-5\n', code, V3);
    assert.equal(d.key, 'train_iters');
  });
  test('3.4.1: train_iters 0 counts as unset; the fix replaces it', () => {
    const text = 'train_iters: 0\n';
    const d = one(text, code, V3);
    assert.equal(covered(text, d), 'train_iters');
    const [fixed] = fixesWork(text, d, V3);
    assert.equal(fixed, 'train_iters: 1000\n');
  });
  test('3.4.1: the offered train_iters leaves room for the warm-up', () => {
    const text = 'lr_warmup_iters: 5000\n';
    const [fixed] = fixesWork(text, one(text, code, V3), V3);
    assert.match(fixed!, /train_iters: 10000/);
  });
  test('3.4.1: quiet with train_iters; megatron pt is checked too', () => {
    quiet('train_iters: 1000\nmax_epochs: 2\n', code, V3);
    one('max_epochs: 2\n', code, { version: '3.4.1', command: 'megatron pt' });
  });
  test('does not apply to 4.5.2', () => {
    quiet('num_train_epochs: 2\n', code, V4);
  });
});

describe('train-iters-or-epochs-required', () => {
  const code = 'train-iters-or-epochs-required';
  test('4.5.2: fires when neither is set; both fixes work', () => {
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\ndataset: [AI-ModelScope/alpaca-gpt4-data-en]\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'error');
    assert.equal(d.key, 'train_iters');
    assert.match(d.message, /TypeError/);
    const [epochs, iters] = fixesWork(text, d, V4);
    assert.match(epochs!, /num_train_epochs: 1/);
    assert.match(iters!, /train_iters: 1000/);
    assert.equal(d.fixes![0]!.preferred, true);
  });
  test('4.5.2: quiet with either key', () => {
    quiet('num_train_epochs: 1\n', code, V4);
    quiet('train_iters: 100\n', code, V4);
  });
  test('4.5.2: with a streaming dataset only train_iters is offered', () => {
    const text = 'streaming: true\n';
    const d = one(text, code, V4);
    assert.match(d.message, /only `train_iters`/);
    assert.equal(d.fixes!.length, 1);
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /train_iters: 1000/);
    one(text, 'streaming-requires-train-iters', V4);
  });
  test('4.5.2: rlhf is checked, but not a Ray pipeline nor an export', () => {
    one('rlhf_type: dpo\n', code, { version: '4.5.2', command: 'megatron rlhf' });
    quiet('use_ray: true\nconfig: ray.yaml\n', code, { version: '4.5.2', command: 'megatron rlhf' });
    quiet('mcore_model: ckpt\n', code, { version: '4.5.2', command: 'megatron export' });
  });
  test('does not apply to 3.4.1', () => {
    quiet('max_epochs: 1\n', code, V3);
  });
});

describe('num-train-epochs-overrides-train-iters', () => {
  const code = 'num-train-epochs-overrides-train-iters';
  test('4.5.2: warns on train_iters next to num_train_epochs', () => {
    const text = 'num_train_epochs: 3\ntrain_iters: 500\nglobal_batch_size: 32\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'warning');
    assert.equal(covered(text, d), 'train_iters');
    assert.deepEqual(d.tags, ['unnecessary']);
    assert.match(d.message, /`global_batch_size` 32/);
    const [epochs, iters] = fixesWork(text, d, V4);
    assert.doesNotMatch(epochs!, /train_iters/);
    assert.doesNotMatch(iters!, /num_train_epochs/);
  });
  test('4.5.2: quiet for a streaming dataset (train_iters is kept) and with one key only', () => {
    quiet('streaming: true\nnum_train_epochs: 3\ntrain_iters: 500\n', code, V4);
    quiet('num_train_epochs: 3\n', code, V4);
    quiet('train_iters: 500\n', code, V4);
  });
});

describe('streaming-requires-train-iters', () => {
  const code = 'streaming-requires-train-iters';
  test('4.5.2: streaming with num_train_epochs and no train_iters', () => {
    const text = 'streaming: true\nnum_train_epochs: 1\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'streaming');
    assert.match(d.message, /ValueError/);
    const [iters, noStream] = fixesWork(text, d, V4);
    assert.match(iters!, /train_iters: 1000/);
    assert.match(noStream!, /streaming: false/);
  });
  test('4.5.2: streaming with neither key: only train_iters helps', () => {
    const text = 'streaming: true\n';
    const d = one(text, code, V4);
    assert.match(d.message, /cannot size the run either/);
    assert.equal(d.fixes!.length, 1);
    fixesWork(text, d, V4);
  });
  test('4.5.2: quiet with train_iters or without streaming', () => {
    quiet('streaming: true\ntrain_iters: 2000\nnum_train_epochs: 1\n', code, V4);
    quiet('num_train_epochs: 1\n', code, V4);
  });
});

describe('streaming-save-strategy-epoch', () => {
  const code = 'streaming-save-strategy-epoch';
  test('4.5.2: fires on save_strategy epoch with streaming', () => {
    const text = 'streaming: true\ntrain_iters: 2000\nsave_strategy: epoch\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'save_strategy');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /save_strategy: steps/);
  });
  test('4.5.2: quiet without streaming or with steps', () => {
    quiet('num_train_epochs: 1\nsave_strategy: epoch\n', code, V4);
    quiet('streaming: true\ntrain_iters: 2000\nsave_strategy: steps\n', code, V4);
  });
});

describe('streaming-val-requires-eval-iters', () => {
  const code = 'streaming-val-requires-eval-iters';
  test('4.5.2: fires on a streamed val_dataset with the default eval_iters', () => {
    const text = 'streaming: true\ntrain_iters: 2000\nval_dataset: [my/val.jsonl]\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'val_dataset');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /eval_iters: 100/);
  });
  test('4.5.2: an explicit negative eval_iters is the key to change', () => {
    const text = 'streaming: true\ntrain_iters: 2000\nval_dataset: [my/val.jsonl]\neval_iters: -1\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'eval_iters');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /eval_iters: 100\n/);
  });
  test('4.5.2: quiet with eval_iters >= 0, without a val_dataset or without streaming', () => {
    quiet('streaming: true\ntrain_iters: 2000\nval_dataset: [my/val.jsonl]\neval_iters: 20\n', code, V4);
    quiet('streaming: true\ntrain_iters: 2000\nval_dataset: [my/val.jsonl]\neval_iters: 0\n', code, V4);
    quiet('streaming: true\ntrain_iters: 2000\n', code, V4);
    quiet('train_iters: 2000\nval_dataset: [my/val.jsonl]\n', code, V4);
  });
});

describe('save-strategy-epoch-overrides-steps', () => {
  const code = 'save-strategy-epoch-overrides-steps';
  test('4.5.2: warns on each of save_steps and eval_steps', () => {
    const text = 'num_train_epochs: 1\nsave_strategy: epoch\nsave_steps: 100\neval_steps: 50\n';
    const [s, e] = all(text, code, V4, 2);
    assert.equal(covered(text, s!), 'save_steps');
    assert.equal(covered(text, e!), 'eval_steps');
    assert.equal(s!.severity, 'warning');
    const [removed, steps] = fixesWork(text, s!, V4);
    assert.doesNotMatch(removed!, /save_steps/);
    assert.match(steps!, /save_strategy: steps/);
    fixesWork(text, e!, V4);
  });
  test('4.5.2: quiet without explicit steps, with save_strategy steps, or when streaming stops the run', () => {
    quiet('num_train_epochs: 1\nsave_strategy: epoch\n', code, V4);
    quiet('num_train_epochs: 1\nsave_strategy: steps\nsave_steps: 100\n', code, V4);
    quiet('streaming: true\ntrain_iters: 10\nsave_strategy: epoch\nsave_steps: 100\n', code, V4);
  });
});
