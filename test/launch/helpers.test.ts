// GPUs from nvidia-smi (real outputs), run folders and checkpoints, export and inference commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeGpu, idleGpus, parseNvidiaSmiCsv } from '../../core/src/launch/gpus';
import { checkpointsIn, newestCheckpoint } from '../../core/src/launch/checkpoints';
import { versionFolders } from '../../core/src/metrics/discovery';
import { buildExportCommand, buildInferCommand } from '../../core/src/launch/convert';
import { nodeFileView } from '../../core/src/files';
import { SHARED } from '../helpers';

const FIX = path.join(SHARED, 'fixtures', 'device-run');

test('nvidia-smi CSV with and without header and units (real outputs)', () => {
  for (const f of ['nvidia-smi-query.csv', 'nvidia-smi-query-header.csv']) {
    const gpus = parseNvidiaSmiCsv(fs.readFileSync(path.join(FIX, f), 'utf8'));
    assert.deepEqual(gpus, [{ index: 0, uuid: 'GPU-09fe5b22-e673-3219-b750-0597bbf92e45', name: 'NVIDIA H200', memoryTotal: 143771, memoryUsed: 0, memoryFree: 143156, utilization: 0 }]);
  }
  assert.deepEqual(parseNvidiaSmiCsv(fs.readFileSync(path.join(FIX, 'nvidia-smi-apps.csv'), 'utf8')), []);
  assert.equal(describeGpu(parseNvidiaSmiCsv('0, u, NVIDIA A100, 81920, 40960, 40960, [N/A]')[0]!), 'GPU 0 · NVIDIA A100 · 40 / 80 GiB used');
  const many = parseNvidiaSmiCsv('0, a, X, 10000, 9000, 1000, 99\n1, b, X, 1000, 0, 1000, 0\n2, c, X, 1000, 10, 990, 0');
  assert.deepEqual(idleGpus(many).map((g) => g.index), [1, 2]);
});

test('run folders, checkpoints and the newest one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-runs-'));
  const mk = (p: string, file?: string) => {
    fs.mkdirSync(path.join(dir, p), { recursive: true });
    if (file) fs.writeFileSync(path.join(dir, p, file), '{}');
  };
  mk('v0-20260101-100000/checkpoint-100');
  mk('v1-20260102-090000/checkpoint-50');
  mk('v1-20260102-090000/checkpoint-200', 'adapter_config.json');
  mk('v1-20260102-090000/iter_0000200');
  mk('not-a-run');
  const files = nodeFileView();
  assert.deepEqual(versionFolders(dir, files).reverse().map((v) => v.name), ['v1-20260102-090000', 'v0-20260101-100000']);
  const cps = checkpointsIn(files, path.join(dir, 'v1-20260102-090000'));
  assert.deepEqual(cps.map((c) => [c.kind, c.step]), [['lora', 200], ['mcore', 200], ['hf', 50]]);
  assert.equal(newestCheckpoint(files, dir, ['hf'])!.path, path.join(dir, 'v1-20260102-090000', 'checkpoint-50'));
  assert.equal(newestCheckpoint(files, path.join(dir, 'not-a-run')), undefined);
});

test('export and inference commands', () => {
  assert.deepEqual(buildExportCommand({ direction: 'to-mcore', source: 'Qwen/Qwen2.5-7B-Instruct', target: 'Q-mcore', dtype: 'bfloat16', version: '4.5.2', cwd: '/w' }).argv, [
    'swift', 'export', '--model', 'Qwen/Qwen2.5-7B-Instruct', '--to_mcore', 'true', '--torch_dtype', 'bfloat16', '--output_dir', 'Q-mcore',
  ]);
  assert.deepEqual(buildExportCommand({ direction: 'to-hf', source: 'out/v0', target: 'out/v0-hf', version: '4.5.2', cwd: '/w', testConvertPrecision: true }).argv, [
    'swift', 'export', '--mcore_model', 'out/v0', '--to_hf', 'true', '--output_dir', 'out/v0-hf', '--test_convert_precision', 'true',
  ]);
  const me = buildExportCommand({ direction: 'megatron-export-to-hf', source: 'out/v0', target: 'hf', version: '4.5.2', cwd: '/w' });
  assert.deepEqual(me.argv.slice(0, 3), ['megatron', 'export', '--mcore_model']);
  assert.equal(me.env.NPROC_PER_NODE, '1');
  assert.throws(() => buildExportCommand({ direction: 'megatron-export-to-hf', source: 'a', target: 'b', version: '3.4.1', cwd: '/w' }), /only from ms-swift 4/);
  assert.throws(() => buildExportCommand({ direction: 'to-hf', adapter: true, source: 'a', target: 'b', version: '4.5.2', cwd: '/w' }), /base model/);
  assert.deepEqual(buildInferCommand({ model: 'Qwen/Q', adapters: 'out/checkpoint-5', cwd: '/w' }).argv, ['swift', 'infer', '--model', 'Qwen/Q', '--adapters', 'out/checkpoint-5', '--stream', 'true']);
});
