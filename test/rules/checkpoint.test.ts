// The 'checkpoint' rules: checkpoint folders on disk (existence, tracker file, optimizer/RNG state, saved TP/PP,
// export output folders), finetune/resume semantics of both versions, and the tuner/save options ms-swift checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckOptions } from '../../core/src/check';
import { nodeFileView } from '../../core/src/files';
import { covered, withCode } from '../helpers';
import { convertedV3, convertedV4, hfModelFolder, trainingCheckpointV4, trainingSaveV3 } from './fixtures/checkpoint';
import { GEMMA3_VLM_CONFIG, writeModelConfig } from './fixtures/data';
import { fixesWork, one, quiet } from './assert';

const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-ckpt-test-'));
}

/** options with file access, relative paths resolved against dir */
function onDisk(base: CheckOptions, dir: string): CheckOptions {
  return { ...base, files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } };
}

describe('checkpoint-path-must-exist', () => {
  const code = 'checkpoint-path-must-exist';
  test('4.5.2: a missing mcore_model fires on its value, with a fix to the checkpoint next to it', () => {
    const dir = tmp();
    convertedV4(dir);
    const opts = onDisk(V4, dir);
    const text = 'mcore_model: ./Qwen2.5-7B-Instruct-mcor\nfinetune: true\n';
    const d = one(text, code, opts);
    assert.equal(d.severity, 'error');
    assert.equal(d.key, 'mcore_model');
    assert.equal(covered(text, d), './Qwen2.5-7B-Instruct-mcor');
    assert.match(d.message, /does not exist/);
    const [fixed] = fixesWork(text, d, opts);
    assert.match(fixed!, /mcore_model: \.\/Qwen2\.5-7B-Instruct-mcore\n/);
    quiet('mcore_model: ./Qwen2.5-7B-Instruct-mcore\n', code, opts);
  });
  test('3.4.1: a missing load fires; an existing one is quiet', () => {
    const dir = tmp();
    convertedV3(dir);
    const opts = onDisk(V3, dir);
    const d = one('load: ckpt/missing\nfinetune: true\n', code, opts);
    assert.equal(d.key, 'load');
    assert.match(d.message, /swift export --to_mcore/);
    quiet('load: Qwen2.5-7B-Instruct-mcore\nfinetune: true\n', code, opts);
  });
  test('a hub id is not downloaded for mcore_model: says so', () => {
    const dir = tmp();
    const d = one('mcore_model: Qwen/Qwen2.5-7B-Instruct\n', code, onDisk(V4, dir));
    assert.match(d.message, /local disk/);
  });
  test('~ is expanded against HOME', () => {
    const dir = tmp();
    convertedV4(dir, 'ckpts/q-mcore');
    quiet('mcore_model: ~/ckpts/q-mcore\n', code, onDisk(V4, dir));
  });
  test('silent without file access', () => {
    quiet('mcore_model: ./does-not-exist\n', code, V4);
    quiet('load: ./does-not-exist\n', code, V3);
  });
  test('swift export --to_hf checks mcore_model; megatron export does not run this check', () => {
    const dir = tmp();
    one('mcore_model: nope\nto_hf: true\n', code, onDisk({ version: '4.5.2', command: 'swift export' }, dir));
    quiet('mcore_model: nope\n', code, onDisk({ version: '4.5.2', command: 'swift export' }, dir));
    quiet('mcore_model: nope\nto_hf: true\n', code, onDisk({ version: '4.5.2', command: 'megatron export' }, dir));
  });
});

describe('v3-training-without-load', () => {
  const code = 'v3-training-without-load';
  test('fires on model without load, offers the converted checkpoint when it is there', () => {
    const dir = tmp();
    convertedV3(dir);
    const opts = onDisk(V3, dir);
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\ntrain_iters: 100\n';
    const d = one(text, code, opts);
    assert.equal(d.severity, 'warning');
    assert.equal(d.key, 'model');
    assert.match(d.message, /uninitialized/);
    const [load, init] = fixesWork(text, d, opts);
    assert.match(load!, /load: Qwen2\.5-7B-Instruct-mcore\nfinetune: true/);
    assert.match(init!, /no_initialization: false/);
    assert.equal(d.fixes![0]!.preferred, true);
  });
  test('without files only the no_initialization fix is offered', () => {
    const d = one('model: Qwen/Qwen2.5-7B-Instruct\n', code, V3);
    assert.equal(d.fixes!.length, 1);
  });
  test('quiet with load, with no_initialization: false, and in 4.5.2', () => {
    quiet('model: Qwen/Qwen2.5-7B-Instruct\nload: x\n', code, V3);
    quiet('model: Qwen/Qwen2.5-7B-Instruct\nno_initialization: false\n', code, V3);
    quiet('model: Qwen/Qwen2.5-7B-Instruct\n', code, V4);
  });
});

describe('v3-load-dir-missing-tracker', () => {
  const code = 'v3-load-dir-missing-tracker';
  test('an iteration folder: fires, fix loads the root', () => {
    const dir = tmp();
    convertedV3(dir);
    const opts = onDisk(V3, dir);
    const text = 'load: Qwen2.5-7B-Instruct-mcore/iter_0000001\nfinetune: true\n';
    const d = one(text, code, opts);
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'Qwen2.5-7B-Instruct-mcore/iter_0000001');
    assert.match(d.message, /iteration folder/);
    const [fixed] = fixesWork(text, d, opts);
    assert.match(fixed!, /^load: Qwen2\.5-7B-Instruct-mcore$/m);
  });
  test('a run folder above the versioned save folder: suggests the checkpoint inside', () => {
    const dir = tmp();
    trainingSaveV3(dir);
    const opts = onDisk(V3, dir);
    const text = 'load: megatron_output/Qwen2.5-7B-Instruct\nfinetune: true\n';
    const d = one(text, code, opts);
    const [fixed] = fixesWork(text, d, opts);
    assert.match(fixed!, /load: megatron_output\/Qwen2\.5-7B-Instruct\/v0-20250601-120000/);
  });
  test('a Hugging Face folder: explains the conversion', () => {
    const dir = tmp();
    hfModelFolder(dir, 'Qwen2.5-7B-Instruct', { model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] });
    const d = one('load: Qwen2.5-7B-Instruct\nfinetune: true\n', code, onDisk(V3, dir));
    assert.match(d.message, /Hugging Face model folder.*--to_mcore/);
  });
  test('exit_on_missing_checkpoint: false turns it into a warning about uninitialized weights', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'empty'));
    const d = one('load: empty\nexit_on_missing_checkpoint: false\n', code, onDisk(V3, dir));
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /uninitialized/);
  });
  test('quiet on a checkpoint root, on a missing path (another rule), without files, and in 4.5.2', () => {
    const dir = tmp();
    convertedV3(dir);
    quiet('load: Qwen2.5-7B-Instruct-mcore\nfinetune: true\n', code, onDisk(V3, dir));
    quiet('load: nope\n', code, onDisk(V3, dir));
    quiet('load: Qwen2.5-7B-Instruct-mcore/iter_0000001\n', code, V3);
  });
});

describe('v3-load-without-finetune', () => {
  const code = 'v3-load-without-finetune';
  test('a converted checkpoint without finetune: fires on load, fixes work', () => {
    const dir = tmp();
    convertedV3(dir);
    const opts = onDisk(V3, dir);
    const text = 'load: Qwen2.5-7B-Instruct-mcore\ntrain_iters: 100\n';
    const d = one(text, code, opts);
    assert.equal(d.key, 'load');
    assert.match(d.message, /KeyError/);
    const [ft, skip] = fixesWork(text, d, opts);
    assert.match(ft!, /finetune: true/);
    assert.match(skip!, /no_load_optim: true/);
    assert.match(skip!, /no_load_rng: true/);
  });
  test('finetune: false written out is the key; finetune: true is quiet', () => {
    const dir = tmp();
    convertedV3(dir);
    const opts = onDisk(V3, dir);
    assert.equal(one('load: Qwen2.5-7B-Instruct-mcore\nfinetune: false\n', code, opts).key, 'finetune');
    quiet('load: Qwen2.5-7B-Instruct-mcore\nfinetune: true\n', code, opts);
  });
  test('no_load_optim alone: the missing RNG state still stops the run', () => {
    const dir = tmp();
    convertedV3(dir);
    const d = one('load: Qwen2.5-7B-Instruct-mcore\nno_load_optim: true\n', code, onDisk(V3, dir));
    assert.match(d.message, /RNG/);
    quiet('load: Qwen2.5-7B-Instruct-mcore\nno_load_optim: true\nno_load_rng: true\n', code, onDisk(V3, dir));
  });
  test('a training checkpoint with optimizer and RNG state resumes fine', () => {
    const dir = tmp();
    trainingSaveV3(dir);
    quiet('load: megatron_output/Qwen2.5-7B-Instruct/v0-20250601-120000\n', code, onDisk(V3, dir));
  });
  test('a training checkpoint saved with no_save_optim fires', () => {
    const dir = tmp();
    trainingSaveV3(dir, 'run', 100, { noSaveOptim: true, noSaveRng: true });
    const d = one('load: run\n', code, onDisk(V3, dir));
    assert.match(d.message, /no_save_optim: true/);
  });
  test('silent without files', () => {
    quiet('load: Qwen2.5-7B-Instruct-mcore\n', code, V3);
  });
});

describe('resume-needs-optimizer-state', () => {
  const code = 'resume-needs-optimizer-state';
  test('finetune: false from a converted checkpoint fires; fixes work', () => {
    const dir = tmp();
    convertedV4(dir);
    const opts = onDisk(V4, dir);
    const text = 'mcore_model: Qwen2.5-7B-Instruct-mcore\nfinetune: false\n';
    const d = one(text, code, opts);
    assert.equal(d.key, 'finetune');
    assert.match(d.message, /to_mcore: true/);
    fixesWork(text, d, opts);
  });
  test('quiet with finetune (the 4.5.2 default), with no_load_optim, with optimizer state, and for a LoRA base model', () => {
    const dir = tmp();
    convertedV4(dir);
    trainingCheckpointV4(dir, 'run', 100, { tp: 1 });
    const opts = onDisk(V4, dir);
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\n', code, opts);
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\nfinetune: false\nno_load_optim: true\n', code, opts);
    quiet('mcore_model: run/checkpoint-100\nfinetune: false\n', code, opts);
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\nfinetune: false\ntuner_type: lora\n', code, opts);
  });
  test('LoRA resumes the adapter checkpoint: one saved with no_save_optim fires', () => {
    const dir = tmp();
    convertedV4(dir);
    trainingCheckpointV4(dir, 'lora-run', 50, { tp: 1, noSaveOptim: true, tunerType: 'lora' });
    const d = one('mcore_model: Qwen2.5-7B-Instruct-mcore\nmcore_adapter: lora-run/checkpoint-50\nfinetune: false\ntuner_type: lora\n', code, onDisk(V4, dir));
    assert.match(d.message, /adapter checkpoint/);
  });
  test('silent without files', () => {
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\nfinetune: false\n', code, V4);
  });
});

describe('resume-tp-pp-change-with-distributed-optimizer', () => {
  const code = 'resume-tp-pp-change-with-distributed-optimizer';
  const text = 'ENV:\n  NPROC_PER_NODE: 8\nmcore_model: run/checkpoint-500\nfinetune: false\ntensor_model_parallel_size: 4\n';
  test('TP changed: fires on the TP key; the preferred fix restores TP 2', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'run', 500, { tp: 2 });
    const opts = onDisk(V4, dir);
    const d = one(text, code, opts);
    assert.equal(d.key, 'tensor_model_parallel_size');
    assert.match(d.message, /TP 2 \/ PP 1.*TP 4 \/ PP 1/);
    const [restored] = fixesWork(text, d, opts);
    assert.match(restored!, /tensor_model_parallel_size: 2/);
    assert.equal(d.fixes![0]!.preferred, true);
  });
  test('PP changed with both keys missing: one inserted block sets TP and PP', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'run', 500, { tp: 2, pp: 2 });
    const opts = onDisk(V4, dir);
    const t = 'ENV:\n  NPROC_PER_NODE: 8\nmcore_model: run/checkpoint-500\nfinetune: false\n';
    const d = one(t, code, opts);
    const [restored] = fixesWork(t, d, opts);
    assert.match(restored!, /tensor_model_parallel_size: 2\npipeline_model_parallel_size: 2/);
  });
  test('no restore fix when the old layout does not fit the world size', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'run', 500, { tp: 8 });
    const opts = onDisk(V4, dir);
    const t = 'ENV:\n  NPROC_PER_NODE: 4\nmcore_model: run/checkpoint-500\nfinetune: false\ntensor_model_parallel_size: 4\n';
    const d = one(t, code, opts);
    assert.ok(!d.fixes!.some((f) => /TP 8/.test(f.title)));
    fixesWork(t, d, opts);
  });
  test('quiet with the same TP/PP, a reshardable checkpoint, no distributed optimizer, finetune, or no files', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'run', 500, { tp: 2 });
    trainingCheckpointV4(dir, 'flex', 500, { tp: 2, reshardable: true });
    const opts = onDisk(V4, dir);
    quiet(text.replace('tensor_model_parallel_size: 4', 'tensor_model_parallel_size: 2'), code, opts);
    quiet(text.replace('run/', 'flex/'), code, opts);
    quiet(`${text}use_distributed_optimizer: false\n`, code, opts);
    quiet(text.replace('finetune: false', 'finetune: true'), code, opts);
    quiet(text, code, V4);
  });
});

describe('finetune-default-and-resume', () => {
  const code = 'finetune-default-and-resume';
  test('a training checkpoint with finetune left at its default: info, both fixes work', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'megatron_output/v0-run', 500, { tp: 1 });
    const opts = onDisk(V4, dir);
    const text = 'mcore_model: megatron_output/v0-run/checkpoint-500\nno_load_optim: false\n';
    const d = one(text, code, opts);
    assert.equal(d.severity, 'info');
    assert.equal(d.key, 'no_load_optim');
    const [resume, fresh] = fixesWork(text, d, opts);
    assert.match(resume!, /finetune: false/);
    assert.match(fresh!, /finetune: true/);
  });
  test('a checkpoint-N path alone is enough without files', () => {
    one('mcore_model: out/v0/checkpoint-200\n', code, V4);
  });
  test('quiet for a converted checkpoint, with finetune set, and in 3.4.1', () => {
    const dir = tmp();
    convertedV4(dir);
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\n', code, onDisk(V4, dir));
    quiet('mcore_model: Qwen2.5-7B-Instruct-mcore\n', code, V4);
    quiet('mcore_model: out/v0/checkpoint-200\nfinetune: false\n', code, V4);
    quiet('load: out/v0/checkpoint-200\n', code, V3);
  });
  test('no resume fix when resuming would fail', () => {
    const dir = tmp();
    trainingCheckpointV4(dir, 'run', 500, { tp: 1, noSaveOptim: true });
    const opts = onDisk(V4, dir);
    const text = 'mcore_model: run/checkpoint-500\nno_load_rng: true\n';
    const d = one(text, code, opts);
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Set `finetune: true` (start a new run from these weights)']);
  });
});

describe('load-flags-without-checkpoint', () => {
  const code = 'load-flags-without-checkpoint';
  for (const [name, opts] of [['4.5.2', V4], ['3.4.1', V3]] as const) {
    test(`${name}: no_load_optim without a checkpoint: info on the key, removal fix`, () => {
      const text = 'model: Qwen/Qwen2.5-7B-Instruct\nno_load_optim: true\nno_load_rng: true\n';
      const found = withCode(text, code, opts);
      assert.deepEqual(found.map((d) => d.key), ['no_load_optim', 'no_load_rng']);
      assert.equal(found[0]!.severity, 'info');
      assert.deepEqual(found[0]!.tags, ['unnecessary']);
      const [fixed] = fixesWork(text, found[0]!, opts);
      assert.doesNotMatch(fixed!, /no_load_optim/);
    });
  }
  test('quiet when a checkpoint is loaded', () => {
    quiet('mcore_model: x\nno_load_optim: true\n', code, V4);
    quiet('mcore_adapter: x\nfinetune: false\n', code, V4);
    quiet('load: x\nfinetune: true\n', code, V3);
  });
  test('4.5.2 finetune: false may resume the step counter from a model folder: silent unless known otherwise', () => {
    quiet('model: ./my-run/checkpoint-100\nfinetune: false\n', code, V4);
    const dir = tmp();
    hfModelFolder(dir, 'plain', { model_type: 'qwen2' });
    one('model: ./plain\nfinetune: false\n', code, onDisk(V4, dir));
  });
});

describe('ckpt-format-zarr-deprecated', () => {
  const code = 'ckpt-format-zarr-deprecated';
  test('3.4.1: zarr is flagged as deprecated, fix switches to torch_dist', () => {
    const text = 'ckpt_format: zarr\n';
    const d = one(text, code, V3);
    assert.equal(d.severity, 'info');
    assert.deepEqual(d.tags, ['deprecated']);
    const [fixed] = fixesWork(text, d, V3);
    assert.equal(fixed, 'ckpt_format: torch_dist\n');
    quiet('ckpt_format: torch_dist\n', code, V3);
    quiet('ckpt_format: torch\n', code, V3);
  });
});

describe('save-total-limit-constraints', () => {
  const code = 'save-total-limit-constraints';
  test('below 2 fires on the value; 2 is quiet', () => {
    const text = 'save_total_limit: 1\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), '1');
    const [two] = fixesWork(text, d, V4);
    assert.equal(two, 'save_total_limit: 2\n');
    quiet('save_total_limit: 2\n', code, V4);
    one('save_total_limit: 0\n', code, V4);
  });
  test('with async_save: fires on async_save', () => {
    const text = 'save_total_limit: 3\nasync_save: true\n';
    const d = one(text, code, V4);
    assert.equal(d.key, 'async_save');
    fixesWork(text, d, V4);
    quiet('async_save: true\n', code, V4);
  });
  test('both problems give two findings', () => {
    assert.equal(withCode('save_total_limit: 1\nasync_save: true\n', code, V4).length, 2);
  });
});

describe('lora-llm-requirements', () => {
  const code = 'lora-llm-requirements';
  test('no_save_optim left false fires; setting it is quiet', () => {
    const text = 'model: Qwen/Qwen2.5-VL-7B-Instruct\ntuner_type: lora_llm\n';
    const d = one(text, code, V4);
    assert.match(d.message, /no_save_optim/);
    fixesWork(text, d, V4);
    quiet(`${text}no_save_optim: true\n`, code, V4);
  });
  test('merge_lora false (or save_safetensors false) fires', () => {
    one('tuner_type: lora_llm\nno_save_optim: true\nmerge_lora: false\n', code, V4);
    const d = one('tuner_type: lora_llm\nno_save_optim: true\nsave_safetensors: false\n', code, V4);
    assert.equal(d.key, 'save_safetensors');
    quiet('tuner_type: lora_llm\nno_save_optim: true\nsave_safetensors: false\nmerge_lora: true\n', code, V4);
  });
  test('language_model_only fires', () => {
    const d = one('tuner_type: lora_llm\nno_save_optim: true\nlanguage_model_only: true\n', code, V4);
    assert.equal(d.key, 'language_model_only');
  });
  test('a text-only model (bundled table) fires; a multimodal config is quiet', () => {
    const d = one('model: Qwen/Qwen2.5-7B-Instruct\ntuner_type: lora_llm\nno_save_optim: true\n', code, V4);
    assert.match(d.message, /text-only/);
    const dir = tmp();
    writeModelConfig(dir, 'models/vlm', GEMMA3_VLM_CONFIG);
    quiet('model: models/vlm\ntuner_type: lora_llm\nno_save_optim: true\n', code, onDisk(V4, dir));
  });
});

describe('adapters-switch-to-lora', () => {
  const code = 'adapters-switch-to-lora';
  test('adapters with the default full tuner: warning on adapters; explicit full: on tuner_type', () => {
    const d = one('adapters: [out/checkpoint-100]\n', code, V4);
    assert.equal(d.severity, 'warning');
    assert.equal(d.key, 'adapters');
    const text = 'tuner_type: full\nmcore_adapter: out/checkpoint-100\n';
    const e = one(text, code, V4);
    assert.equal(e.key, 'tuner_type');
    const [fixed] = fixesWork(text, e, V4);
    assert.match(fixed!, /tuner_type: lora/);
  });
  test('quiet with lora, or without adapters', () => {
    quiet('tuner_type: lora\nadapters: [out/checkpoint-100]\n', code, V4);
    quiet('tuner_type: full\nadapters: []\n', code, V4);
  });
});

describe('freeze-parameters-ratio-with-pp', () => {
  const code = 'freeze-parameters-ratio-with-pp';
  test('fires with PP 2, both fixes work; quiet with PP 1 and at the ratio bounds', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 2\npipeline_model_parallel_size: 2\nfreeze_parameters_ratio: 0.5\n';
    const d = one(text, code, V4);
    assert.equal(d.key, 'freeze_parameters_ratio');
    const [removed, pp1] = fixesWork(text, d, V4);
    assert.doesNotMatch(removed!, /freeze_parameters_ratio/);
    assert.match(pp1!, /pipeline_model_parallel_size: 1/);
    quiet('freeze_parameters_ratio: 0.5\n', code, V4);
    quiet('pipeline_model_parallel_size: 2\nfreeze_parameters_ratio: 1\n', code, V4);
    quiet('pipeline_model_parallel_size: 2\nfreeze_parameters_ratio: 0\n', code, V4);
  });
  test('no PP-1 fix when the batch would no longer split over the data-parallel ranks', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 4\npipeline_model_parallel_size: 2\nglobal_batch_size: 6\nfreeze_parameters_ratio: 0.5\n';
    const d = one(text, code, V4);
    assert.equal(d.fixes!.length, 1);
  });
});

describe('apply-wd-to-qk-layernorm-model-type', () => {
  const code = 'apply-wd-to-qk-layernorm-model-type';
  test('a Qwen2.5 model fires; Qwen3-Next is quiet; unknown model is quiet', () => {
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\napply_wd_to_qk_layernorm: true\n';
    const d = one(text, code, V4);
    assert.match(d.message, /`qwen2`.*bundled table \(Qwen\/Qwen2\.5-7B-Instruct\)/);
    fixesWork(text, d, V4);
    quiet('model: Qwen/Qwen3-Next-80B-A3B-Instruct\napply_wd_to_qk_layernorm: true\n', code, V4);
    quiet('model: my-org/unknown-model\napply_wd_to_qk_layernorm: true\n', code, V4);
    quiet('model: Qwen/Qwen2.5-7B-Instruct\napply_wd_to_qk_layernorm: false\n', code, V4);
  });
  test('an explicit model_type decides', () => {
    quiet('model: my-org/x\nmodel_type: qwen3_5\napply_wd_to_qk_layernorm: true\n', code, V4);
    one('model: my-org/x\nmodel_type: llama\napply_wd_to_qk_layernorm: true\n', code, V4);
  });
});

describe('export-output-dir-exists', () => {
  const code = 'export-output-dir-exists';
  const EXPORT: CheckOptions = { version: '4.5.2', command: 'megatron export' };
  test('an existing output_dir fires; a free name and exist_ok fix it', () => {
    const dir = tmp();
    convertedV4(dir);
    const opts = onDisk(EXPORT, dir);
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\nto_mcore: true\noutput_dir: Qwen2.5-7B-Instruct-mcore\n';
    const d = one(text, code, opts);
    assert.equal(covered(text, d), 'Qwen2.5-7B-Instruct-mcore');
    const [renamed, ok] = fixesWork(text, d, opts);
    assert.match(renamed!, /output_dir: Qwen2\.5-7B-Instruct-mcore-2/);
    assert.match(ok!, /exist_ok: true/);
  });
  test('the default output folder (./<model name>-mcore) is checked too', () => {
    const dir = tmp();
    convertedV4(dir);
    const opts = onDisk(EXPORT, dir);
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\nto_mcore: true\n';
    const d = one(text, code, opts);
    assert.equal(d.key, 'to_mcore');
    assert.match(d.message, /default output folder `\.\/Qwen2\.5-7B-Instruct-mcore`/);
    fixesWork(text, d, opts);
  });
  test('to_hf next to an mcore checkpoint with args.json: <ckpt>-hf', () => {
    const dir = tmp();
    const ckpt = trainingCheckpointV4(dir, 'run', 100, { tp: 1 });
    fs.mkdirSync(`${ckpt}-hf`);
    const d = one('mcore_model: run/checkpoint-100\nto_hf: true\n', code, onDisk(EXPORT, dir));
    assert.match(d.message, /run\/checkpoint-100-hf/);
  });
  test('quiet with exist_ok, a new folder, without files, for training commands', () => {
    const dir = tmp();
    convertedV4(dir);
    const opts = onDisk(EXPORT, dir);
    quiet('to_mcore: true\noutput_dir: Qwen2.5-7B-Instruct-mcore\nexist_ok: true\n', code, opts);
    quiet('to_mcore: true\noutput_dir: new-folder\n', code, opts);
    quiet('to_mcore: true\noutput_dir: Qwen2.5-7B-Instruct-mcore\n', code, EXPORT);
    quiet('output_dir: Qwen2.5-7B-Instruct-mcore\n', code, onDisk(V4, dir));
  });
});

describe('suggested checkpoints are vetted', () => {
  test('3.4.1 without finetune: a converted root is not suggested (it would fail to resume)', () => {
    const dir = tmp();
    convertedV3(dir);
    const d = one('load: Qwen2.5-7B-Instruct-mcore/iter_0000001\n', 'v3-load-dir-missing-tracker', onDisk(V3, dir));
    assert.match(d.message, /iteration folder/);
    assert.deepEqual(d.fixes ?? [], []);
  });
  test('4.5.2 resuming: only checkpoints with optimizer state are suggested for a missing mcore_model', () => {
    const dir = tmp();
    convertedV4(dir, 'ckpts/converted-mcore');
    trainingCheckpointV4(dir, 'ckpts/run', 300, { tp: 1 });
    const opts = onDisk(V4, dir);
    const text = 'mcore_model: ckpts/converted\nfinetune: false\n';
    const d = one(text, 'checkpoint-path-must-exist', opts);
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Use the checkpoint `ckpts/run/checkpoint-300`']);
    fixesWork(text, d, opts);
  });
});
