// Focused tests of the 'optimizer' rules: each fires and stays quiet in the versions it applies to, at the
// boundaries of its condition, and its quick fixes work.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { applyFix, covered, withCode } from '../helpers';
import { allFixesWork } from './assert';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft', modelFacts: () => undefined };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft', modelFacts: () => undefined };

/** every fix removes (at least one of) the findings and adds no error code that was not there */
function assertFixesWork(text: string, code: string, options: CheckOptions): void {
  assert.ok(allFixesWork(text, code, options).length > 0, `${code} offers no fix`);
}

describe('overlap-param-gather-requires-distributed-optimizer', () => {
  const code = 'overlap-param-gather-requires-distributed-optimizer';
  const text = 'use_distributed_optimizer: false\noverlap_grad_reduce: true\noverlap_param_gather: true\n';
  test('3.4.1: an error on overlap_param_gather, pointing at use_distributed_optimizer', () => {
    const found = withCode(text, code, V3);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(covered(text, found[0]!), 'overlap_param_gather');
    assert.equal(found[0]!.related!.length, 1);
    assertFixesWork(text, code, V3);
  });
  test('4.5.2: an advisory warning', () => {
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.match(found[0]!.message, /does not check it/);
    assertFixesWork(text, code, V4);
  });
  test('quiet with the distributed optimizer (default), without the overlap, with muon or Megatron-FSDP (4.5.2)', () => {
    for (const opts of [V3, V4]) {
      assert.equal(withCode('overlap_grad_reduce: true\noverlap_param_gather: true\n', code, opts).length, 0);
      assert.equal(withCode('use_distributed_optimizer: false\noverlap_param_gather: false\n', code, opts).length, 0);
    }
    assert.equal(withCode(`${text}optimizer: dist_muon\n`, code, V4).length, 0);
    assert.equal(withCode(`${text}use_megatron_fsdp: true\n`, code, V4).length, 0);
  });
});

describe('overlap-param-gather-requires-overlap-grad-reduce', () => {
  const code = 'overlap-param-gather-requires-overlap-grad-reduce';
  for (const opts of [V3, V4]) {
    test(`overlap_param_gather alone fires (${opts.version})`, () => {
      const text = 'overlap_param_gather: true\n';
      const found = withCode(text, code, opts);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, opts.version === '3.4.1' ? 'error' : 'warning');
      assert.equal(covered(text, found[0]!), 'overlap_param_gather');
      assert.match(found[0]!.message, /\(the default\)/);
      assertFixesWork(text, code, opts);
    });
    test(`quiet when both are on or the gather overlap is off (${opts.version})`, () => {
      assert.equal(withCode('overlap_grad_reduce: true\noverlap_param_gather: true\n', code, opts).length, 0);
      assert.equal(withCode('overlap_grad_reduce: false\n', code, opts).length, 0);
    });
  }
  test('4.5.2 with muon leaves it to muon-no-overlap', () => {
    const text = 'optimizer: muon\noverlap_param_gather: true\n';
    assert.equal(withCode(text, code, V4).length, 0);
    assert.equal(withCode(text, 'muon-no-overlap', V4).length, 1);
  });
});

describe('megatron-fsdp-forces-distributed-optimizer', () => {
  const code = 'megatron-fsdp-forces-distributed-optimizer';
  test('an explicit use_distributed_optimizer: false with FSDP warns and can be removed', () => {
    const text = 'use_megatron_fsdp: true\nuse_distributed_optimizer: false\nENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 32\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(covered(text, found[0]!), 'use_distributed_optimizer');
    assert.equal(applyFix(text, found[0]!.fixes![0]!), 'use_megatron_fsdp: true\nENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 32\n');
    assertFixesWork(text, code, V4);
  });
  test('quiet without FSDP, with the default, and in 3.4.1', () => {
    assert.equal(withCode('use_distributed_optimizer: false\n', code, V4).length, 0);
    assert.equal(withCode('use_megatron_fsdp: true\n', code, V4).length, 0);
    assert.equal(withCode('use_distributed_optimizer: false\n', code, V3).length, 0);
  });
});

describe('megatron-fsdp-optimizer-choice', () => {
  const code = 'megatron-fsdp-optimizer-choice';
  for (const opt of ['muon', 'dist_muon']) {
    test(`${opt} with FSDP is an error on optimizer`, () => {
      const text = `use_megatron_fsdp: true\noptimizer: ${opt}\nENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 32\n`;
      const found = withCode(text, code, V4);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, 'error');
      assert.equal(covered(text, found[0]!), 'optimizer');
      assertFixesWork(text, code, V4);
    });
  }
  test('quiet with adam (default) and sgd, or without FSDP', () => {
    assert.equal(withCode('use_megatron_fsdp: true\n', code, V4).length, 0);
    assert.equal(withCode('use_megatron_fsdp: true\noptimizer: sgd\n', code, V4).length, 0);
    assert.equal(withCode('optimizer: muon\n', code, V4).length, 0);
  });
});

describe('megatron-fsdp-cuda-device-max-connections', () => {
  const code = 'megatron-fsdp-cuda-device-max-connections';
  test('unset: an error on use_megatron_fsdp; the fix adds an ENV block', () => {
    const text = 'use_megatron_fsdp: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(covered(text, found[0]!), 'use_megatron_fsdp');
    assert.equal(applyFix(text, found[0]!.fixes![0]!), 'use_megatron_fsdp: true\nENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: "32"\n');
    assertFixesWork(text, code, V4);
  });
  test('"1" in ENV: an error on the variable; the fix replaces the value', () => {
    const text = 'use_megatron_fsdp: true\nENV:\n  NPROC_PER_NODE: 2\n  CUDA_DEVICE_MAX_CONNECTIONS: 1\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'CUDA_DEVICE_MAX_CONNECTIONS');
    assert.equal(applyFix(text, found[0]!.fixes![0]!), 'use_megatron_fsdp: true\nENV:\n  NPROC_PER_NODE: 2\n  CUDA_DEVICE_MAX_CONNECTIONS: "32"\n');
    assertFixesWork(text, code, V4);
  });
  test('an ENV block without the variable gets it added under ENV', () => {
    const text = 'ENV:\n    NPROC_PER_NODE: 2\nuse_megatron_fsdp: true\n';
    const found = withCode(text, code, V4);
    assert.equal(applyFix(text, found[0]!.fixes![0]!), 'ENV:\n    NPROC_PER_NODE: 2\n    CUDA_DEVICE_MAX_CONNECTIONS: "32"\nuse_megatron_fsdp: true\n');
    assertFixesWork(text, code, V4);
  });
  test('the shell wins over ENV', () => {
    const text = 'use_megatron_fsdp: true\nENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 32\n';
    assert.equal(withCode(text, code, V4).length, 0);
    const shellOne = withCode(text, code, { ...V4, python: { packages: { torch: '2.7' }, shellEnv: { CUDA_DEVICE_MAX_CONNECTIONS: '1' } } });
    assert.equal(shellOne.length, 1);
    assert.match(shellOne[0]!.message, /shell/);
    assert.ok(!shellOne[0]!.fixes!.some((f) => /ENV/.test(f.title)), 'an ENV edit cannot help');
    assert.equal(withCode('use_megatron_fsdp: true\n', code, { ...V4, python: { packages: { torch: '2.7' }, shellEnv: { CUDA_DEVICE_MAX_CONNECTIONS: '8' } } }).length, 0);
  });
  test('quiet without FSDP', () => {
    assert.equal(withCode('ENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 1\n', code, V4).length, 0);
  });
});

describe('muon-no-overlap', () => {
  const code = 'muon-no-overlap';
  test('muon with overlap_grad_reduce and overlap_param_gather: one error on optimizer', () => {
    const text = 'optimizer: muon\noverlap_grad_reduce: true\noverlap_param_gather: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(covered(text, found[0]!), 'optimizer');
    assert.equal(found[0]!.related!.length, 2);
    assertFixesWork(text, code, V4);
  });
  test('quiet with dist_muon, without overlap, with adam', () => {
    assert.equal(withCode('optimizer: dist_muon\noverlap_grad_reduce: true\n', code, V4).length, 0);
    assert.equal(withCode('optimizer: muon\n', code, V4).length, 0);
    assert.equal(withCode('optimizer: adam\noverlap_grad_reduce: true\n', code, V4).length, 0);
  });
});

describe('muon-disables-distributed-optimizer', () => {
  const code = 'muon-disables-distributed-optimizer';
  for (const opt of ['muon', 'dist_muon']) {
    test(`${opt} with an explicit use_distributed_optimizer: true warns`, () => {
      const text = `optimizer: ${opt}\nuse_distributed_optimizer: true\n`;
      const found = withCode(text, code, V4);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, 'warning');
      assert.equal(covered(text, found[0]!), 'use_distributed_optimizer');
      assert.equal(applyFix(text, found[0]!.fixes![0]!), `optimizer: ${opt}\n`);
      assertFixesWork(text, code, V4);
    });
  }
  test('quiet on the default, with adam, or when already false', () => {
    assert.equal(withCode('optimizer: muon\n', code, V4).length, 0);
    assert.equal(withCode('optimizer: adam\nuse_distributed_optimizer: true\n', code, V4).length, 0);
    assert.equal(withCode('optimizer: muon\nuse_distributed_optimizer: false\n', code, V4).length, 0);
  });
});

describe('weight-decay-incr-style-bounds', () => {
  const code = 'weight-decay-incr-style-bounds';
  test('linear without start/end: error on the style; the preferred fix adds both', () => {
    const text = 'weight_decay_incr_style: linear\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(covered(text, found[0]!), 'weight_decay_incr_style');
    assert.equal(applyFix(text, found[0]!.fixes!.find((f) => f.preferred)!), 'weight_decay_incr_style: linear\nstart_weight_decay: 0.0\nend_weight_decay: 0.1\n');
    assertFixesWork(text, code, V4);
  });
  test('cosine with only one of them', () => {
    for (const text of ['weight_decay_incr_style: cosine\nstart_weight_decay: 0.01\n', 'weight_decay_incr_style: cosine\nend_weight_decay: 0.2\n']) {
      const found = withCode(text, code, V4);
      assert.equal(found.length, 1, text);
      assertFixesWork(text, code, V4);
    }
  });
  test('constant (default) with start/end set: error on the first of them', () => {
    const text = 'start_weight_decay: 0.0\nend_weight_decay: 0.1\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'start_weight_decay');
    assert.equal(applyFix(text, found[0]!.fixes!.find((f) => f.preferred)!), 'start_weight_decay: 0.0\nend_weight_decay: 0.1\nweight_decay_incr_style: linear\n');
    assertFixesWork(text, code, V4);
    const one = 'weight_decay_incr_style: constant\nend_weight_decay: 0.1\n';
    assert.equal(withCode(one, code, V4).length, 1);
    assertFixesWork(one, code, V4);
  });
  test('scheduler bounds: negative start, end below start', () => {
    const neg = 'weight_decay_incr_style: linear\nstart_weight_decay: -0.1\nend_weight_decay: 0.1\n';
    const f1 = withCode(neg, code, V4);
    assert.equal(f1.length, 1);
    assert.equal(covered(neg, f1[0]!), 'start_weight_decay');
    assertFixesWork(neg, code, V4);
    const down = 'weight_decay_incr_style: linear\nstart_weight_decay: 0.1\nend_weight_decay: 0.0\n';
    const f2 = withCode(down, code, V4);
    assert.equal(f2.length, 1);
    assert.equal(covered(down, f2[0]!), 'end_weight_decay');
    assert.equal(applyFix(down, f2[0]!.fixes!.find((f) => f.preferred)!), 'weight_decay_incr_style: linear\nstart_weight_decay: 0.0\nend_weight_decay: 0.1\n');
    assertFixesWork(down, code, V4);
    // equal values are allowed
    assert.equal(withCode('weight_decay_incr_style: linear\nstart_weight_decay: 0.1\nend_weight_decay: 0.1\n', code, V4).length, 0);
    // the scheduler is not built by an export
    assert.equal(withCode(down, code, { ...V4, command: 'megatron export' }).length, 0);
  });
  test('a negative constant weight_decay', () => {
    const text = 'weight_decay: -0.1\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'weight_decay');
    assertFixesWork(text, code, V4);
    assert.equal(withCode('weight_decay: 0.0\n', code, V4).length, 0);
  });
  test('quiet on defaults and in 3.4.1', () => {
    assert.equal(withCode('lr: 1.0e-5\n', code, V4).length, 0);
    assert.equal(withCode('weight_decay: 0.1\n', code, V3).length, 0);
  });
});
