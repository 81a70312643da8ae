// The arguments a Megatron run cannot do without: a model (of a type with a Megatron implementation) and, in 4.5.2,
// a training dataset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { megatronSupport } from '../../core/src/rules/required/model';
import { MEGATRON_MODEL_SUPPORT } from '../../core/src/rules/required/megatron-models';
import { covered, withCode } from '../helpers';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const BOTH: Array<[string, CheckOptions]> = [
  ['3.4.1', V3],
  ['4.5.2', V4],
];

describe('model-required', () => {
  const code = 'model-required';
  for (const [v, o] of BOTH) {
    test(`${v}: fires when nothing names a model`, () => {
      const [d] = withCode('train_iters: 100\n', code, o);
      assert.ok(d);
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'model');
      assert.match(d.message, /No model is given/);
      assert.match(d.message, v === '3.4.1' ? /`load` \/ `adapters`/ : /`mcore_model` \/ `adapters` \/ `mcore_adapter`/);
      assert.equal(withCode('model: ""\n', code, o).length, 1, 'an empty model is no model');
    });
    test(`${v}: quiet with a model or an adapter checkpoint`, () => {
      assert.deepEqual(withCode('model: Qwen/Qwen2.5-7B-Instruct\n', code, o), []);
      assert.deepEqual(withCode('adapters: [output/v0/checkpoint-100]\n', code, o), []);
    });
  }
  test('3.4.1: a Megatron checkpoint in `load` names the model through its args.json', () => {
    assert.deepEqual(withCode('load: Qwen2.5-7B-Instruct-mcore\n', 'model-required', V3), []);
  });
  test('4.5.2: mcore_model and mcore_adapter count; a 3.x `load` is left to argument-renamed-in-v4', () => {
    assert.deepEqual(withCode('mcore_model: Qwen2.5-7B-Instruct-mcore\n', 'model-required', V4), []);
    assert.deepEqual(withCode('mcore_adapter: out/v0/checkpoint-100\n', 'model-required', { version: '4.5.2', command: 'megatron export' }), []);
    assert.deepEqual(withCode('load: Qwen2.5-7B-Instruct-mcore\n', 'model-required', V4), []);
    assert.equal(withCode('load: Qwen2.5-7B-Instruct-mcore\n', 'argument-renamed-in-v4', V4).length, 1);
  });
  test('scope: megatron commands and weight conversion, not Ray-launched rlhf or other swift commands', () => {
    assert.equal(withCode('to_mcore: true\n', 'model-required', { version: '3.4.1', command: 'swift export' }).length, 1);
    assert.deepEqual(withCode('quant_bits: 4\n', 'model-required', { version: '4.5.2', command: 'swift export' }), []);
    assert.deepEqual(withCode('use_ray: true\nconfig: ray.yaml\n', 'model-required', { version: '4.5.2', command: 'megatron rlhf' }), []);
    assert.deepEqual(withCode('lr: 1e-5\n', 'model-required', { version: '4.5.2', command: 'swift sft' }), []);
  });
});

describe('model-type-unsupported', () => {
  const code = 'model-type-unsupported';
  test('3.4.1: InternVL2.5 has no Megatron model; 4.5.2 supports it', () => {
    const text = 'model: OpenGVLab/InternVL2_5-8B\n';
    const [d] = withCode(text, code, V3);
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'model');
    assert.match(d.message, /`internvl2_5`/);
    assert.match(d.message, /ms-swift 3\.4\.1/);
    assert.deepEqual(withCode(text, code, V4), []);
  });
  for (const [v, o] of BOTH) {
    test(`${v}: Mistral has no Megatron model (ModelScope or Hugging Face id, any case)`, () => {
      assert.equal(withCode('model: AI-ModelScope/Mistral-7B-Instruct-v0.2\n', code, o).length, 1);
      assert.equal(withCode('model: mistralai/mistral-7b-instruct-v0.2\n', code, o).length, 1);
    });
    test(`${v}: supported models, quantized variants of supported types and unknown models stay quiet`, () => {
      assert.deepEqual(withCode('model: Qwen/Qwen2.5-7B-Instruct\n', code, o), []);
      assert.deepEqual(withCode('model: Qwen/Qwen2.5-7B-Instruct-AWQ\n', code, o), []);
      assert.deepEqual(withCode('model: my-org/my-own-model\n', code, o), []);
      assert.deepEqual(withCode('model: /data/models/InternVL2_5-8B\n', code, o), []);
    });
  }
  test('an explicit model_type decides, and the finding sits on it', () => {
    const text = 'model: /data/models/custom\nmodel_type: internvl2_5\n';
    const [d] = withCode(text, code, V3);
    assert.ok(d);
    assert.equal(covered(text, d), 'model_type');
    assert.deepEqual(withCode('model: OpenGVLab/InternVL2_5-8B\nmodel_type: qwen2_5\n', code, V3), []);
    assert.deepEqual(withCode('model: x/y\nmodel_type: not_a_type\n', code, V3), []);
  });
  test('3.4.1 says when 4.5.2 supports the type', () => {
    assert.match(withCode('model: x/y\nmodel_type: glm4\n', code, V3)[0]!.message, /ms-swift 4\.5\.2 supports it/);
  });
  test('the table: 3.4.1 supports exactly the types registered in swift/megatron/model/gpt', () => {
    const v3 = [...MEGATRON_MODEL_SUPPORT['3.4.1'].supported].sort();
    assert.equal(v3.length, 28);
    for (const t of ['qwen2_5', 'qwen3_moe', 'llama3_1', 'deepseek_r1_distill', 'mengzi3']) assert.ok(v3.includes(t), t);
    assert.equal(megatronSupport('4.5.2', undefined, 'OpenGVLab/InternVL2_5-8B'), undefined);
    assert.deepEqual(megatronSupport('3.4.1', 'qwen3', undefined), { type: 'qwen3', supported: true, via: 'model_type' });
    for (const v of ['3.4.1', '4.5.2'] as const) {
      const t = MEGATRON_MODEL_SUPPORT[v];
      for (const s of t.supported) assert.ok(!(s in t.unsupported), `${v}: ${s} listed both ways`);
    }
  });
  test('scope: swift export only when converting weights', () => {
    const text = 'model: OpenGVLab/InternVL2_5-8B\n';
    assert.equal(withCode(`${text}to_mcore: true\n`, code, { version: '3.4.1', command: 'swift export' }).length, 1);
    assert.deepEqual(withCode(`${text}quant_bits: 4\n`, code, { version: '3.4.1', command: 'swift export' }), []);
    assert.deepEqual(withCode(text, code, { version: '3.4.1', command: 'swift sft' }), []);
  });
});

describe('dataset-required', () => {
  const code = 'dataset-required';
  test('4.5.2: fires without dataset and cached_dataset', () => {
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\n';
    const [d] = withCode(text, code, V4);
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(d.key, 'dataset');
    assert.match(d.message, /both `dataset` and `cached_dataset` are empty/);
    assert.equal(withCode(`${text}dataset: []\n`, code, V4).length, 1);
    assert.equal(withCode(text, code, { version: '4.5.2', command: 'megatron pt' }).length, 1);
  });
  test('4.5.2: quiet with either', () => {
    assert.deepEqual(withCode('model: m\ndataset: [AI-ModelScope/alpaca-gpt4-data-en]\n', code, V4), []);
    assert.deepEqual(withCode('model: m\ndataset: AI-ModelScope/alpaca-gpt4-data-en\n', code, V4), []);
    assert.deepEqual(withCode('model: m\ncached_dataset: [cache/train]\n', code, V4), []);
  });
  test('not in 3.4.1, not for export, not for Ray-launched rlhf', () => {
    assert.deepEqual(withCode('model: m\n', code, V3), []);
    assert.deepEqual(withCode('model: m\n', code, { version: '4.5.2', command: 'megatron export' }), []);
    assert.deepEqual(withCode('use_ray: true\n', code, { version: '4.5.2', command: 'megatron rlhf' }), []);
    assert.equal(withCode('model: m\nrlhf_type: dpo\n', code, { version: '4.5.2', command: 'megatron rlhf' }).length, 1);
  });
});
