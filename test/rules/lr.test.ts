// The 'lr' rules: peak LR versus min_lr / lr_warmup_init (with ms-swift's run-time lr default), warm-up versus the
// decay horizon (with lr_decay_iters, train_iters, num_train_epochs and lr_warmup_fraction), WSD and short decays.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { covered } from '../helpers';
import { fixesWork, one, quiet } from './assert';

const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };

describe('min-lr-not-above-lr', () => {
  const code = 'min-lr-not-above-lr';
  for (const [name, opts] of [['4.5.2', V4], ['3.4.1', V3]] as const) {
    test(`${name}: fires on min_lr above lr, on min_lr, with fixes`, () => {
      const text = 'train_iters: 100\nlr: 1.0e-5\nmin_lr: 1.0e-4\n';
      const d = one(text, code, opts);
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'min_lr');
      assert.equal(covered(text, d), 'min_lr');
      assert.match(d.message, /1e-4.*1e-5/);
      const [tenth, same] = fixesWork(text, d, opts);
      assert.match(tenth!, /min_lr: 1\.0e-6/);
      assert.match(same!, /min_lr: 1\.0e-5/);
      assert.equal(d.fixes![0]!.preferred, true);
    });
    test(`${name}: quiet when min_lr equals lr or is below it`, () => {
      quiet('train_iters: 100\nlr: 1.0e-5\nmin_lr: 1.0e-5\n', code, opts);
      quiet('train_iters: 100\nlr: 1.0e-5\nmin_lr: 1.0e-6\n', code, opts);
    });
    test(`${name}: the default lr 1e-5 applies when lr is not set`, () => {
      const d = one('train_iters: 100\nmin_lr: 5.0e-5\n', code, opts);
      assert.match(d.message, /default `lr` 1e-5/);
      quiet('train_iters: 100\nmin_lr: 1.0e-5\n', code, opts);
    });
    test(`${name}: fires on a negative min_lr`, () => {
      const text = 'train_iters: 100\nmin_lr: -1.0e-6\n';
      const d = one(text, code, opts);
      assert.match(d.message, /negative/);
      const [fixed] = fixesWork(text, d, opts);
      assert.match(fixed!, /min_lr: 0\.0/);
    });
  }
  test('4.5.2: LoRA training defaults lr to 1e-4', () => {
    quiet('train_iters: 100\ntuner_type: lora\nmin_lr: 5.0e-5\n', code, V4);
    const d = one('train_iters: 100\ntuner_type: lora\nmin_lr: 2.0e-4\n', code, V4);
    assert.match(d.message, /1e-4.*tuner_type: lora/);
    assert.equal(d.related?.length, 1, 'points at tuner_type');
  });
  test('4.5.2: lr written as 1e-5 (a YAML string that argparse converts) is understood', () => {
    one('train_iters: 100\nlr: 1e-5\nmin_lr: 1e-4\n', code, V4);
  });
  test('4.5.2: silent when lr may come from a checkpoint (load_args)', () => {
    quiet('train_iters: 100\nload_args: true\nmin_lr: 5.0e-5\n', code, V4);
  });
  test('4.5.2: not checked for megatron export nor for a Ray rlhf pipeline', () => {
    quiet('lr: 1.0e-5\nmin_lr: 1.0e-4\n', code, { version: '4.5.2', command: 'megatron export' });
    quiet('use_ray: true\nlr: 1.0e-5\nmin_lr: 1.0e-4\n', code, { version: '4.5.2', command: 'megatron rlhf' });
    one('rlhf_type: dpo\ntrain_iters: 100\nlr: 1.0e-5\nmin_lr: 1.0e-4\n', code, { version: '4.5.2', command: 'megatron rlhf' });
  });
  test('3.4.1: megatron pt is checked too', () => {
    one('train_iters: 100\nlr: 1.0e-5\nmin_lr: 1.0e-4\n', code, { version: '3.4.1', command: 'megatron pt' });
  });
});

describe('lr-warmup-init-not-above-lr', () => {
  const code = 'lr-warmup-init-not-above-lr';
  test('4.5.2: fires on lr_warmup_init above lr, with fixes', () => {
    const text = 'train_iters: 100\nlr: 1.0e-5\nlr_warmup_init: 1.0e-4\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'lr_warmup_init');
    assert.equal(d.severity, 'error');
    const [zero, peak] = fixesWork(text, d, V4);
    assert.match(zero!, /lr_warmup_init: 0\.0/);
    assert.match(peak!, /lr_warmup_init: 1\.0e-5/);
  });
  test('4.5.2: quiet at the boundary and below', () => {
    quiet('train_iters: 100\nlr: 1.0e-5\nlr_warmup_init: 1.0e-5\n', code, V4);
    quiet('train_iters: 100\nlr: 1.0e-5\nlr_warmup_init: 0.0\n', code, V4);
  });
  test('4.5.2: uses the run-time lr default', () => {
    one('train_iters: 100\nlr_warmup_init: 5.0e-5\n', code, V4);
    quiet('train_iters: 100\ntuner_type: lora\nlr_warmup_init: 5.0e-5\n', code, V4);
  });
  test('does not apply to 3.4.1', () => {
    quiet('train_iters: 100\nlr: 1.0e-5\nlr_warmup_init: 1.0e-4\n', code, V3);
  });
});

describe('lr-warmup-shorter-than-decay', () => {
  const code = 'lr-warmup-shorter-than-decay';
  for (const [name, opts] of [['4.5.2', V4], ['3.4.1', V3]] as const) {
    test(`${name}: fires when warm-up reaches train_iters; quiet one below`, () => {
      const text = 'train_iters: 100\nlr_warmup_iters: 100\n';
      const d = one(text, code, opts);
      assert.equal(covered(text, d), 'lr_warmup_iters');
      assert.match(d.message, /100 iterations of `train_iters`/);
      const [fixed] = fixesWork(text, d, opts);
      assert.match(fixed!, /lr_warmup_iters: 10\n/);
      quiet('train_iters: 100\nlr_warmup_iters: 99\n', code, opts);
    });
    test(`${name}: lr_decay_iters is the horizon when set`, () => {
      const d = one('train_iters: 100\nlr_decay_iters: 50\nlr_warmup_iters: 60\n', code, opts);
      assert.match(d.message, /50 iterations of `lr_decay_iters`/);
      quiet('train_iters: 100\nlr_decay_iters: 80\nlr_warmup_iters: 60\n', code, opts);
    });
    test(`${name}: lr_decay_iters 0 leaves nothing to decay over`, () => {
      const text = 'train_iters: 100\nlr_decay_iters: 0\nlr_warmup_iters: 10\n';
      const d = one(text, code, opts);
      assert.equal(d.key, 'lr_decay_iters');
      const [fixed] = fixesWork(text, d, opts);
      assert.doesNotMatch(fixed!, /lr_decay_iters/);
    });
    test(`${name}: silent while train_iters is unset`, () => {
      quiet('lr_warmup_iters: 100\n', code, opts);
    });
  }
  test('3.4.1: train_iters 0 is left to train-iters-required-v3', () => {
    quiet('train_iters: 0\nlr_warmup_iters: 0\n', code, V3);
    one('train_iters: 0\n', 'train-iters-required-v3', V3);
  });
  test('4.5.2: train_iters 0 fails the scheduler', () => {
    const d = one('train_iters: 0\n', code, V4);
    assert.equal(d.key, 'train_iters');
  });
  test('4.5.2: num_train_epochs makes train_iters a run-time number: silent for lr_warmup_iters', () => {
    quiet('num_train_epochs: 1\nlr_warmup_iters: 100000\n', code, V4);
    quiet('num_train_epochs: 1\ntrain_iters: 10\nlr_warmup_iters: 100\n', code, V4);
  });
  test('4.5.2: but a streaming dataset keeps train_iters', () => {
    one('streaming: true\nnum_train_epochs: 1\ntrain_iters: 10\nlr_warmup_iters: 100\n', code, V4);
  });
  test('4.5.2: lr_warmup_fraction of 1 or more fires even when train_iters comes from the dataset', () => {
    const text = 'num_train_epochs: 1\nlr_warmup_fraction: 1.0\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'lr_warmup_fraction');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /lr_warmup_fraction: 0\.05/);
    quiet('num_train_epochs: 1\nlr_warmup_fraction: 0.99\n', code, V4);
  });
  test('4.5.2: a fraction written as a percentage is offered divided by 100', () => {
    const text = 'train_iters: 100\nlr_warmup_fraction: 5\n';
    const [fixed] = fixesWork(text, one(text, code, V4), V4);
    assert.match(fixed!, /lr_warmup_fraction: 0\.05/);
  });
  test('4.5.2: with a fraction, lr_warmup_iters is not the warm-up', () => {
    quiet('train_iters: 100\nlr_warmup_fraction: 0.1\nlr_warmup_iters: 1000\n', code, V4);
  });
  test('not checked for megatron export (4.5.2)', () => {
    quiet('train_iters: 100\nlr_warmup_iters: 100\n', code, { version: '4.5.2', command: 'megatron export' });
  });
});

describe('lr-warmup-fraction-overrides-iters', () => {
  const code = 'lr-warmup-fraction-overrides-iters';
  test('4.5.2: fires on lr_warmup_iters next to a fraction', () => {
    const text = 'train_iters: 1000\nlr_warmup_fraction: 0.05\nlr_warmup_iters: 100\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'warning');
    assert.equal(covered(text, d), 'lr_warmup_iters');
    assert.deepEqual(d.tags, ['unnecessary']);
    assert.match(d.message, /5% of the decay iterations/);
    const [keepFraction, keepIters] = fixesWork(text, d, V4);
    assert.doesNotMatch(keepFraction!, /lr_warmup_iters/);
    assert.doesNotMatch(keepIters!, /lr_warmup_fraction/);
  });
  test('4.5.2: removing the fraction is not offered when the iterations would not fit', () => {
    const text = 'train_iters: 100\nlr_warmup_fraction: 0.05\nlr_warmup_iters: 100\n';
    const d = one(text, code, V4);
    assert.equal(d.fixes!.length, 1);
    fixesWork(text, d, V4);
  });
  test('4.5.2: quiet without a fraction or with lr_warmup_iters 0', () => {
    quiet('train_iters: 100\nlr_warmup_iters: 10\n', code, V4);
    quiet('train_iters: 100\nlr_warmup_fraction: 0.05\nlr_warmup_iters: 0\n', code, V4);
  });
  test('does not apply to 3.4.1', () => {
    quiet('train_iters: 100\nlr_warmup_fraction: 0.05\nlr_warmup_iters: 10\n', code, V3);
  });
});

describe('wsd-requires-decay-iters', () => {
  const code = 'wsd-requires-decay-iters';
  test('4.5.2: fires on WSD without lr_wsd_decay_iters; the fix uses a tenth of the horizon', () => {
    const text = 'train_iters: 2000\nlr_decay_style: WSD\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'lr_decay_style');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /lr_wsd_decay_iters: 200/);
  });
  test('4.5.2: a fix is offered even when the horizon is a run-time number', () => {
    const text = 'num_train_epochs: 1\nlr_decay_style: WSD\n';
    const [fixed] = fixesWork(text, one(text, code, V4), V4);
    assert.match(fixed!, /lr_wsd_decay_iters: 100/);
  });
  test('4.5.2: quiet with lr_wsd_decay_iters or another style', () => {
    quiet('train_iters: 2000\nlr_decay_style: WSD\nlr_wsd_decay_iters: 200\n', code, V4);
    quiet('train_iters: 2000\nlr_decay_style: cosine\n', code, V4);
  });
  test('3.4.1 has no WSD: not this rule', () => {
    quiet('train_iters: 2000\nlr_decay_style: WSD\n', code, V3);
  });
});

describe('lr-decay-iters-shorter-than-train', () => {
  const code = 'lr-decay-iters-shorter-than-train';
  for (const [name, opts] of [['4.5.2', V4], ['3.4.1', V3]] as const) {
    test(`${name}: info when decay ends before training`, () => {
      const text = 'train_iters: 1000\nlr_decay_iters: 500\nmin_lr: 1.0e-6\n';
      const d = one(text, code, opts);
      assert.equal(d.severity, 'info');
      assert.equal(covered(text, d), 'lr_decay_iters');
      assert.match(d.message, /last 500 iterations run at `min_lr` 1e-6/);
      const [fixed] = fixesWork(text, d, opts);
      assert.doesNotMatch(fixed!, /lr_decay_iters/);
    });
    test(`${name}: quiet at the boundary, for a constant LR and without lr_decay_iters`, () => {
      quiet('train_iters: 1000\nlr_decay_iters: 1000\n', code, opts);
      quiet('train_iters: 1000\nlr_decay_iters: 500\nlr_decay_style: constant\n', code, opts);
      quiet('train_iters: 1000\n', code, opts);
    });
  }
  test('4.5.2: silent when num_train_epochs sets train_iters at run time', () => {
    quiet('num_train_epochs: 3\ntrain_iters: 1000\nlr_decay_iters: 500\n', code, V4);
  });
});
