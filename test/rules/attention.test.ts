// Focused tests of the 'attention' rules: backend names per version, flash-attention packages (only when the
// Python environment was probed), gpt-oss learnable softmax, unfused vs padding_free, and 3.4.1 deterministic mode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { factsFromConfig } from '../../core/src/model/lookup';
import { applyFix, covered } from '../helpers';
import { allFixesWork, fires, quiet } from './assert';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const FA2: Pick<CheckOptions, 'python'> = { python: { packages: { 'flash-attn': '2.7.4' } } };
const NO_FA: Pick<CheckOptions, 'python'> = { python: { packages: { torch: '2.6.0' } } };
const GPT_OSS: Pick<CheckOptions, 'modelFacts'> = { modelFacts: () => factsFromConfig({ model_type: 'gpt_oss', num_local_experts: 32, num_experts_per_tok: 4 }, 'test config.json') };

/** the number of fixes, each checked */
function fixesWork(text: string, code: string, options: CheckOptions): number {
  return allFixesWork(text, code, options).length;
}

describe('attention-backend-choices', () => {
  const code = 'attention-backend-choices';
  test('a Hugging Face name is explained and mapped, per version', () => {
    const text = 'attention_backend: flash_attention_2\n';
    const [d3] = fires(text, code, V3);
    assert.equal(covered(text, d3!), 'flash_attention_2');
    assert.match(d3!.message, /attn_impl/);
    assert.equal(d3!.fixes![0]!.title, 'Change to `flash`');
    const [d4] = fires(text, code, V4);
    assert.equal(d4!.fixes![0]!.title, 'Change to `flash_2`');
    fixesWork(text, code, V3);
    fixesWork(text, code, V4);
  });
  test('flash_3 is valid in 4.5.2 only', () => {
    const [d] = fires('attention_backend: flash_3\n', code, V3);
    assert.match(d!.message, /ms-swift 4/);
    quiet('attention_backend: flash_3\n', code, V4);
  });
  test('suggestions: case, sdpa, eager, typos', () => {
    assert.equal(fires('attention_backend: Fused\n', code, V4)[0]!.fixes![0]!.title, 'Change to `fused`');
    assert.equal(fires('attention_backend: sdpa\n', code, V4)[0]!.fixes![0]!.title, 'Change to `fused`');
    assert.equal(fires('attention_backend: eager\n', code, V3)[0]!.fixes![0]!.title, 'Change to `unfused`');
    assert.equal(fires('attention_backend: unfuse\n', code, V4)[0]!.fixes![0]!.title, 'Change to `unfused`');
  });
  test('no flash suggestion that another rule would refuse (gpt-oss, missing package)', () => {
    const [d] = fires('model: m\nattention_backend: flash_attention_2\n', code, { ...V4, ...GPT_OSS });
    assert.deepEqual(d!.fixes ?? [], []);
    const [d3] = fires('attention_backend: flash_attn\n', code, { ...V3, ...NO_FA });
    assert.deepEqual(d3!.fixes ?? [], []);
  });
  test('quiet on valid values and the default', () => {
    for (const v of ['flash', 'fused', 'unfused', 'auto']) quiet(`attention_backend: ${v}\n`, code, V3);
    for (const v of ['flash', 'fused', 'unfused', 'local', 'auto', 'flash_2', 'flash_3', 'flash_4']) quiet(`attention_backend: ${v}\n`, code, V4);
    quiet('lr: 1.0e-5\n', code, V4);
  });
});

describe('attention-backend-local-unsupported-v3', () => {
  const code = 'attention-backend-local-unsupported-v3';
  test('local fails in 3.4.1 and the fixes work', () => {
    const text = 'attention_backend: local\n';
    const [d] = fires(text, code, V3);
    assert.equal(covered(text, d!), 'local');
    assert.equal(fixesWork(text, code, V3), 2);
  });
  test('other values, and 4.5.2, are fine', () => {
    quiet('attention_backend: auto\n', code, V3);
    quiet('attention_backend: local\n', code, V4);
  });
});

describe('flash-attention-package-required', () => {
  const code = 'flash-attention-package-required';
  test('3.4.1: use_flash_attn or attention_backend flash without flash-attn', () => {
    const [d] = fires('use_flash_attn: true\n', code, { ...V3, ...NO_FA });
    assert.equal(d!.key, 'use_flash_attn');
    fixesWork('use_flash_attn: true\n', code, { ...V3, ...NO_FA });
    const both = 'use_flash_attn: true\nattention_backend: flash\n';
    const found = fires(both, code, { ...V3, ...NO_FA });
    assert.equal(found.length, 1);
    assert.equal(fixesWork(both, code, { ...V3, ...NO_FA }), 1);
  });
  test('3.4.1: quiet with flash-attn installed, with an unknown environment, and without flash attention', () => {
    quiet('use_flash_attn: true\n', code, { ...V3, ...FA2 });
    quiet('use_flash_attn: true\n', code, V3);
    quiet('attention_backend: fused\n', code, { ...V3, ...NO_FA });
  });
  test('4.5.2: a pinned version that is not installed', () => {
    const text = 'attention_backend: flash_3\n';
    const [d] = fires(text, code, { ...V4, ...FA2 });
    assert.match(d!.message, /FlashAttention 3/);
    assert.equal(d!.fixes![0]!.title, 'Change to `flash_2`');
    assert.equal(fixesWork(text, code, { ...V4, ...FA2 }), 2);
    const [none] = fires('attention_backend: flash_4\n', code, { ...V4, ...NO_FA });
    assert.deepEqual(none!.fixes!.map((f) => f.title), ['Change to `fused`']);
  });
  test('4.5.2: installed versions pass; plain flash is not pinned; unknown environment is silent', () => {
    quiet('attention_backend: flash_2\n', code, { ...V4, ...FA2 });
    quiet('attention_backend: flash_3\n', code, { ...V4, python: { packages: { flash_attn_3: '3.0.0b1' } } });
    quiet('attention_backend: flash_4\n', code, { ...V4, python: { packages: { 'flash-attn-4': '4.0.0b4' } } });
    quiet('attention_backend: flash\n', code, { ...V4, ...NO_FA });
    quiet('attention_backend: flash_3\n', code, V4);
  });
});

describe('flash-attention-learnable-softmax', () => {
  const code = 'flash-attention-learnable-softmax';
  test('gpt-oss with the default (flash) backend fails; fixes set a backend and padding_free', () => {
    const text = 'model: models/gpt-oss-20b\n';
    const [d] = fires(text, code, { ...V4, ...GPT_OSS });
    assert.equal(d!.key, 'model');
    assert.equal(applyFix(text, d!.fixes![0]!), 'model: models/gpt-oss-20b\nattention_backend: fused\npadding_free: false\n');
    assert.equal(fixesWork(text, code, { ...V4, ...GPT_OSS }), 2);
    fires('model: m\nattention_backend: flash_2\n', code, { ...V4, ...GPT_OSS });
  });
  test('with packing only the backend is changed (packing turns padding_free back on)', () => {
    const [d] = fires('model: m\npacking: true\n', code, { ...V4, ...GPT_OSS });
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Set `attention_backend: fused`']);
  });
  test('quiet: other backends, other models, megatron export (default unfused), unknown model', () => {
    quiet('model: m\nattention_backend: unfused\npadding_free: false\n', code, { ...V4, ...GPT_OSS });
    quiet('model: m\nattention_backend: auto\n', code, { ...V4, ...GPT_OSS });
    quiet('model: Qwen/Qwen3-30B-A3B\n', code, V4);
    quiet('model: m\n', code, { version: '4.5.2', command: 'megatron export', ...GPT_OSS });
    quiet('model: m\n', code, { ...V4, modelFacts: () => undefined });
  });
});

describe('unfused-attention-disables-padding-free', () => {
  const code = 'unfused-attention-disables-padding-free';
  test('unfused with the default padding_free warns; padding_free: false is the preferred fix', () => {
    const text = 'attention_backend: unfused\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.severity, 'warning');
    assert.equal(d!.fixes![0]!.preferred, true);
    assert.match(d!.fixes![0]!.title, /padding_free: false/);
    assert.equal(fixesWork(text, code, V4), 2);
  });
  test('with packing the backend must change', () => {
    const text = 'attention_backend: unfused\npacking: true\n';
    const [d] = fires(text, code, V4);
    assert.match(d!.message, /packing/);
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Use the `flash` backend']);
    fixesWork(text, code, V4);
  });
  test('for gpt-oss the alternative backend is fused, not flash', () => {
    const [d] = fires('model: m\nattention_backend: unfused\npacking: true\n', code, { ...V4, ...GPT_OSS });
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Use the `fused` backend']);
  });
  test('quiet: padding_free false, other backends, megatron export defaults', () => {
    quiet('attention_backend: unfused\npadding_free: false\n', code, V4);
    quiet('attention_backend: fused\npacking: true\n', code, V4);
    quiet('model: Qwen/Qwen2.5-7B-Instruct\n', code, { version: '4.5.2', command: 'megatron export' });
    fires('padding_free: true\n', code, { version: '4.5.2', command: 'megatron export' });
  });
});

describe('deterministic-mode-requirements', () => {
  const code = 'deterministic-mode-requirements';
  test('NCCL_ALGO missing: the fix adds an ENV block', () => {
    const text = 'deterministic_mode: true\n';
    const [d] = fires(text, code, V3);
    assert.equal(d!.key, 'NCCL_ALGO');
    assert.equal(covered(text, d!), 'deterministic_mode');
    assert.equal(applyFix(text, d!.fixes![0]!), 'deterministic_mode: true\nENV:\n  NCCL_ALGO: Ring\n');
    assert.equal(fixesWork(text, code, V3), 2);
  });
  test('NCCL_ALGO missing from an existing ENV block: added under it', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 2\ndeterministic_mode: true\n';
    const [d] = fires(text, code, V3);
    assert.equal(applyFix(text, d!.fixes![0]!), 'ENV:\n  NPROC_PER_NODE: 2\n  NCCL_ALGO: Ring\ndeterministic_mode: true\n');
    fixesWork(text, code, V3);
  });
  test('a wrong NCCL_ALGO is reported on its value', () => {
    const text = 'ENV:\n  NCCL_ALGO: NVLS\ndeterministic_mode: true\n';
    const [d] = fires(text, code, V3);
    assert.equal(covered(text, d!), 'NVLS');
    fixesWork(text, code, V3);
  });
  test('flash attention and fused cross entropy are each reported', () => {
    const text = 'ENV:\n  NCCL_ALGO: Tree\ndeterministic_mode: true\nuse_flash_attn: true\ncross_entropy_loss_fusion: true\n';
    const found = fires(text, code, V3);
    assert.deepEqual(found.map((d) => d.key).sort(), ['cross_entropy_loss_fusion', 'use_flash_attn']);
    fixesWork(text, code, V3);
  });
  test('quiet: satisfied, not deterministic, NCCL_ALGO from the probed shell, 4.5.2', () => {
    quiet('deterministic_mode: true\nENV:\n  NCCL_ALGO: Ring\n', code, V3);
    quiet('deterministic_mode: true\nENV:\n  NCCL_ALGO: "^NVLS"\n', code, V3);
    quiet('deterministic_mode: false\nuse_flash_attn: true\n', code, V3);
    quiet('deterministic_mode: true\n', code, { ...V3, python: { packages: {}, shellEnv: { NCCL_ALGO: 'Ring' } } });
    quiet('deterministic_mode: true\n', code, V4);
  });
});
