// The 'data' rules: streaming (workers, the 3.4.1 external dataloader, cached datasets, the validation split),
// packing / padding_free / lazy_tokenize / group_by_length, the template's padding-free support and
// truncation_strategy split.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckOptions } from '../../core/src/check';
import { nodeFileView } from '../../core/src/files';
import { covered } from '../helpers';
import { GEMMA3_VLM_CONFIG, writeModelConfig } from './fixtures/data';
import { fixesWork, one, quiet } from './assert';

const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const PT4: CheckOptions = { version: '4.5.2', command: 'megatron pt' };

function withModel(model: string, config: Record<string, unknown>): CheckOptions {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-data-test-'));
  writeModelConfig(dir, model, config);
  return { ...V4, files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } };
}

describe('streaming-forces-single-worker', () => {
  const code = 'streaming-forces-single-worker';
  test('4.5.2: dataloader_num_workers 8 with streaming: warning on the value, fix sets 1', () => {
    const text = 'streaming: true\ntrain_iters: 1000\ndataloader_num_workers: 8\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'warning');
    assert.equal(covered(text, d), '8');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /dataloader_num_workers: 1/);
  });
  test('3.4.1: num_workers 2 fires; a non-external dataloader_type is overridden too', () => {
    one('streaming: true\ntrain_iters: 10\nnum_workers: 2\n', code, V3);
    const text = 'streaming: true\ntrain_iters: 10\ndataloader_type: cyclic\n';
    const d = one(text, code, V3);
    assert.equal(d.key, 'dataloader_type');
    fixesWork(text, d, V3);
    quiet('streaming: true\ntrain_iters: 10\ndataloader_type: external\n', code, V3);
  });
  test('quiet at 1 worker, with the default worker count, and without streaming', () => {
    quiet('streaming: true\ntrain_iters: 10\ndataloader_num_workers: 1\n', code, V4);
    quiet('streaming: true\ntrain_iters: 10\n', code, V4);
    quiet('dataloader_num_workers: 8\n', code, V4);
    quiet('num_workers: 8\n', code, V3);
  });
});

describe('streaming-zero-workers-v3', () => {
  const code = 'streaming-zero-workers-v3';
  test('num_workers 0 with streaming fails in 3.4.1; fix sets 1', () => {
    const text = 'streaming: true\nnum_workers: 0\n';
    const d = one(text, code, V3);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /prefetch_factor=10/);
    const [fixed] = fixesWork(text, d, V3);
    assert.match(fixed!, /num_workers: 1/);
  });
  test('quiet with workers, without streaming, and in 4.5.2', () => {
    quiet('streaming: true\nnum_workers: 1\n', code, V3);
    quiet('num_workers: 0\n', code, V3);
    quiet('streaming: true\ntrain_iters: 10\ndataloader_num_workers: 0\n', code, V4);
  });
});

describe('external-dataloader-requires-streaming', () => {
  const code = 'external-dataloader-requires-streaming';
  test('external without streaming fires on the value; both fixes work', () => {
    const text = 'dataloader_type: external\ntrain_iters: 10\n';
    const d = one(text, code, V3);
    assert.equal(covered(text, d), 'external');
    const [cyclic, streaming] = fixesWork(text, d, V3);
    assert.match(cyclic!, /dataloader_type: cyclic/);
    assert.match(streaming!, /streaming: true/);
  });
  test('no streaming fix when it would need workers; quiet with streaming or another type', () => {
    const d = one('dataloader_type: external\nnum_workers: 0\n', code, V3);
    assert.equal(d.fixes!.length, 1);
    quiet('dataloader_type: external\nstreaming: true\n', code, V3);
    quiet('dataloader_type: single\n', code, V3);
  });
});

describe('packing-forces-padding-free', () => {
  const code = 'packing-forces-padding-free';
  test('padding_free: false with packing is ignored: info, removal fix', () => {
    const text = 'packing: true\npadding_free: false\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'info');
    assert.deepEqual(d.tags, ['unnecessary']);
    const [fixed] = fixesWork(text, d, V4);
    assert.equal(fixed, 'packing: true\n');
  });
  test('quiet with padding_free true, without packing', () => {
    quiet('packing: true\n', code, V4);
    quiet('packing: true\npadding_free: true\n', code, V4);
    quiet('padding_free: false\n', code, V4);
  });
});

describe('lazy-tokenize-vs-packing-streaming', () => {
  const code = 'lazy-tokenize-vs-packing-streaming';
  test('lazy_tokenize with packing or streaming fires; removal fixes it', () => {
    const text = 'lazy_tokenize: true\npacking: true\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'true');
    const [fixed] = fixesWork(text, d, V4);
    assert.equal(fixed, 'packing: true\n');
    const s = one('lazy_tokenize: true\nstreaming: true\ntrain_iters: 10\n', code, V4);
    assert.match(s.message, /streaming/);
  });
  test('quiet when lazy_tokenize is left to its default (ms-swift then picks false), or false', () => {
    quiet('packing: true\n', code, V4);
    quiet('lazy_tokenize: false\npacking: true\n', code, V4);
    quiet('lazy_tokenize: true\n', code, V4);
  });
});

describe('group-by-length-requires-no-padding-free', () => {
  const code = 'group-by-length-requires-no-padding-free';
  test('group_by_length with the default padding_free fires; fixes work', () => {
    const text = 'group_by_length: true\n';
    const d = one(text, code, V4);
    assert.match(d.message, /true by default/);
    const [off, removed] = fixesWork(text, d, V4);
    assert.match(off!, /padding_free: false/);
    assert.equal(removed, '');
  });
  test('with packing: the fix turns packing off as well', () => {
    const text = 'group_by_length: true\npacking: true\n';
    const d = one(text, code, V4);
    assert.equal(d.key, 'packing');
    const [off] = fixesWork(text, d, V4);
    assert.match(off!, /packing: false/);
    assert.match(off!, /padding_free: false/);
  });
  test('quiet with padding_free: false, and when group_by_length is off', () => {
    quiet('group_by_length: true\npadding_free: false\n', code, V4);
    quiet('padding_free: true\n', code, V4);
  });
});

describe('group-by-length-requires-shuffle', () => {
  const code = 'group-by-length-requires-shuffle';
  test('shuffle off fires on it; quiet with shuffle, streaming, or without grouping', () => {
    const text = 'group_by_length: true\npadding_free: false\ntrain_dataloader_shuffle: false\n';
    const d = one(text, code, V4);
    assert.equal(d.key, 'train_dataloader_shuffle');
    fixesWork(text, d, V4);
    quiet('group_by_length: true\npadding_free: false\n', code, V4);
    quiet('train_dataloader_shuffle: false\n', code, V4);
    quiet('group_by_length: true\npadding_free: false\ntrain_dataloader_shuffle: false\nstreaming: true\ntrain_iters: 10\n', code, V4);
  });
});

describe('group-by-length-disables-data-sharding', () => {
  const code = 'group-by-length-disables-data-sharding';
  test('data_sharding with group_by_length: warning, removal fix; quiet otherwise', () => {
    const text = 'group_by_length: true\npadding_free: false\ndata_sharding: true\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'warning');
    const [fixed] = fixesWork(text, d, V4);
    assert.doesNotMatch(fixed!, /data_sharding/);
    quiet('group_by_length: true\npadding_free: false\n', code, V4);
    quiet('data_sharding: true\n', code, V4);
  });
});

describe('template-must-support-padding-free', () => {
  const code = 'template-must-support-padding-free';
  test('a Gemma-3 VLM with the default padding_free fires on model; fix turns it off', () => {
    const opts = withModel('models/vlm', GEMMA3_VLM_CONFIG);
    const text = 'model: models/vlm\n';
    const d = one(text, code, opts);
    assert.equal(d.key, 'model');
    assert.match(d.message, /Gemma3ForConditionalGeneration/);
    const [fixed] = fixesWork(text, d, opts);
    assert.match(fixed!, /padding_free: false/);
    quiet('model: models/vlm\npadding_free: false\n', code, opts);
  });
  test('packing with an unsupported template: fix turns off both', () => {
    const opts = withModel('models/vlm', GEMMA3_VLM_CONFIG);
    const text = 'model: models/vlm\npacking: true\n';
    const d = one(text, code, opts);
    assert.equal(d.key, 'packing');
    const [fixed] = fixesWork(text, d, opts);
    assert.match(fixed!, /packing: false\npadding_free: false/);
  });
  test('Qwen2.5-VL declares support; text models are supported; gpt-oss is not', () => {
    quiet('model: models/qvl\n', code, withModel('models/qvl', { architectures: ['Qwen2_5_VLForConditionalGeneration'], model_type: 'qwen2_5_vl', vision_config: {} }));
    quiet('model: Qwen/Qwen2.5-7B-Instruct\n', code, V4);
    const g = one('model: models/oss\n', code, withModel('models/oss', { architectures: ['GptOssForCausalLM'], model_type: 'gpt_oss', num_hidden_layers: 24 }));
    assert.match(g.message, /gpt_oss/);
  });
  test('an explicit template decides', () => {
    const opts = withModel('models/vlm', GEMMA3_VLM_CONFIG);
    quiet('model: models/vlm\ntemplate: qwen2_5_vl\n', code, opts);
    const d = one('model: models/vlm\ntemplate: gemma3_vision\n', code, opts);
    assert.equal(d.key, 'template');
    quiet('model: models/vlm\ntemplate: my_custom_template\n', code, opts);
  });
  test('silent when the model is unknown, and for megatron export (padding_free defaults to false)', () => {
    quiet('model: some-org/some-vlm\n', code, V4);
    const opts = withModel('models/vlm', GEMMA3_VLM_CONFIG);
    quiet('model: models/vlm\nto_mcore: true\n', code, { ...opts, command: 'megatron export' });
  });
});

describe('truncation-split-pretrain-only', () => {
  const code = 'truncation-split-pretrain-only';
  test('megatron sft (chat template) fires; the plain-text fix and the removal work', () => {
    const text = 'truncation_strategy: split\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'split');
    const [plain, removed] = fixesWork(text, d, V4);
    assert.match(plain!, /use_chat_template: false/);
    assert.equal(removed, '');
  });
  test('megatron pt is quiet; lazy_tokenize or another task_type fire there too', () => {
    quiet('truncation_strategy: split\n', code, PT4);
    one('truncation_strategy: split\nlazy_tokenize: true\n', code, PT4);
    const d = one('truncation_strategy: split\ntask_type: seq_cls\nnum_labels: 2\n', code, PT4);
    assert.match(d.message, /seq_cls/);
    assert.equal(d.fixes!.length, 1, 'only removing split helps');
  });
  test('sft with use_chat_template: false is quiet; other strategies are quiet', () => {
    quiet('truncation_strategy: split\nuse_chat_template: false\n', code, V4);
    quiet('truncation_strategy: delete\n', code, V4);
  });
});

describe('cached-dataset-no-streaming', () => {
  const code = 'cached-dataset-no-streaming';
  test('cached_dataset with streaming fires on streaming; removal fixes it', () => {
    const text = 'cached_dataset: [cache/train]\nstreaming: true\n';
    const d = one(text, code, V4);
    assert.equal(d.key, 'streaming');
    const [fixed] = fixesWork(text, d, V4);
    assert.equal(fixed, 'cached_dataset: [cache/train]\n');
    one('cached_val_dataset: [cache/val]\nstreaming: true\n', code, V4);
    quiet('cached_dataset: [cache/train]\n', code, V4);
    quiet('cached_dataset: []\nstreaming: true\n', code, V4);
  });
});

describe('streaming-disables-val-split', () => {
  const code = 'streaming-disables-val-split';
  test('4.5.2: an explicit ratio with streaming: info on the ratio, fix sets 0', () => {
    const text = 'streaming: true\nsplit_dataset_ratio: 0.01\n';
    const d = one(text, code, V4);
    assert.equal(d.severity, 'info');
    assert.equal(covered(text, d), '0.01');
    const [fixed] = fixesWork(text, d, V4);
    assert.match(fixed!, /split_dataset_ratio: 0\n/);
    quiet('streaming: true\n', code, V4);
  });
  test('3.4.1: the default ratio 0.01 is dropped too', () => {
    const d = one('streaming: true\n', code, V3);
    assert.equal(d.key, 'streaming');
    assert.match(d.message, /0\.01, the default/);
  });
  test('quiet with a val_dataset, a zero ratio, or no streaming', () => {
    quiet('streaming: true\nval_dataset: [my/val.jsonl]\n', code, V3);
    quiet('streaming: true\nsplit_dataset_ratio: 0\n', code, V3);
    quiet('split_dataset_ratio: 0.1\n', code, V4);
  });
});
