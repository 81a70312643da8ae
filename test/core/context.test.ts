// Which command and version a config is checked as.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/src/config/parse';
import { parseModeline } from '../../core/src/config/modeline';
import { nearestKnownVersion, resolveContext } from '../../core/src/config/context';
import { detectConfig } from '../../core/src/config/detect';

const ctx = (text: string, o = {}) => resolveContext(parseConfig(text), o);

test('modeline: command, version, unknown options', () => {
  const m = parseModeline('# megatron sft ms-swift=4.5.2\nlr: 1')!;
  assert.equal(m.command, 'megatron sft');
  assert.equal(m.version, '4.5.2');
  assert.equal(parseModeline('#swift export')!.command, 'swift export');
  assert.equal(parseModeline('\uFEFF# megatron pt')!.command, 'megatron pt');
  assert.equal(parseModeline('# megatron train')!.command, undefined);
  assert.deepEqual(parseModeline('# megatron sft foo=1')!.unknownOptions.map((o) => o.text), ['foo=1']);
  assert.equal(parseModeline('# Qwen config\n'), undefined);
  assert.equal(parseModeline('lr: 1\n# megatron sft'), undefined);
});

test('order: explicit option > modeline > settings > inference > default', () => {
  const text = '# megatron pt ms-swift=3.4.1\nlr: 1\n';
  assert.deepEqual([ctx(text).command, ctx(text).version, ctx(text).commandFrom], ['megatron pt', '3.4.1', 'modeline']);
  const o = ctx(text, { command: 'megatron sft', version: '4.5.2' });
  assert.deepEqual([o.command, o.version, o.commandFrom, o.versionFrom], ['megatron sft', '4.5.2', 'option', 'option']);
  const s = ctx('lr: 1\n', { settings: { command: 'megatron rlhf', version: '4.5.2' } });
  assert.deepEqual([s.command, s.commandFrom, s.versionFrom], ['megatron rlhf', 'settings', 'settings']);
  const d = ctx('');
  assert.deepEqual([d.command, d.version, d.commandFrom], ['megatron sft', '4.5.2', 'default']);
});

test('inference from keys', () => {
  assert.deepEqual(Object.values(pick(ctx('load: a\nsave: b\ntensor_model_parallel_size: 2\n'))), ['megatron sft', '3.4.1']);
  assert.deepEqual(Object.values(pick(ctx('mcore_model: a\noutput_dir: b\ntensor_model_parallel_size: 2\n'))), ['megatron sft', '4.5.2']);
  assert.deepEqual(Object.values(pick(ctx('model: a\nto_mcore: true\noutput_dir: x\n'))), ['swift export', '4.5.2']);
  assert.deepEqual(Object.values(pick(ctx('model: a\nper_device_train_batch_size: 2\nlearning_rate: 1\n'))), ['swift sft', '4.5.2']);
  assert.equal(ctx('model: a\nrlhf_type: dpo\nmicro_batch_size: 1\n').command, 'megatron rlhf');
  assert.equal(ctx('model: a\ninfer_backend: vllm\n').command, 'swift infer');
});

function pick(c: { command: string; version: string }) {
  return { command: c.command, version: c.version };
}

test('unknown versions map to the nearest known one, same major first', () => {
  assert.deepEqual(nearestKnownVersion('4.5.2'), { version: '4.5.2', exact: true });
  assert.deepEqual(nearestKnownVersion('4.0.0'), { version: '4.5.2', exact: false });
  assert.deepEqual(nearestKnownVersion('3.12.1'), { version: '3.4.1', exact: false });
  assert.equal(nearestKnownVersion('latest'), undefined);
  const c = ctx('# megatron sft ms-swift=4.3.0\n');
  assert.deepEqual([c.version, c.requestedVersion], ['4.5.2', '4.3.0']);
});

test('plain YAML detection takes ms-swift configs and leaves other YAML alone', () => {
  assert.equal(detectConfig('model: a\ndataset: [x]\nlr: 1\nmicro_batch_size: 2\n').looksLikeConfig, true);
  assert.equal(detectConfig('# megatron sft\n').looksLikeConfig, true);
  assert.equal(detectConfig('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: {}\n').looksLikeConfig, false);
  assert.equal(detectConfig('name: CI\non: push\njobs:\n  build: {}\n').looksLikeConfig, false);
  assert.equal(detectConfig('model: a\n').looksLikeConfig, false);
});
