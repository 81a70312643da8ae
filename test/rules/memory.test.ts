// estimated-oom: fires when the estimate exceeds the GPU, says why, and its fixes lower the estimate without
// adding an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { applyFix, diagnostics, REPO_ROOT, withCode } from '../helpers';

const EXAMPLE = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'qwen2.5-7b-sft.megatron.yaml'), 'utf8');

test('silent without a known GPU size, and when it fits', () => {
  assert.deepEqual(withCode(EXAMPLE, 'estimated-oom'), []);
  assert.deepEqual(withCode(EXAMPLE, 'estimated-oom', { gpuMemoryGiB: 141 }), []);
});

test('over only because of worst-case sequence lengths (no packing): information, not a warning', () => {
  const d = withCode(EXAMPLE, 'estimated-oom', { gpuMemoryGiB: 80, gpuName: 'NVIDIA A100-SXM4-80GB' });
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'info');
  assert.match(d[0]!.message, /if the samples reach `max_length`.*80\.0 GiB NVIDIA A100-SXM4-80GB/);
});

test('certainly over: a warning with fixes that bring it down, each adding no error', () => {
  const text = EXAMPLE.replace('micro_batch_size: 16', 'micro_batch_size: 4').replace('dataset_num_proc: 4', 'dataset_num_proc: 4\npacking: true');
  const options = { gpuMemoryGiB: 40 };
  const d = withCode(text, 'estimated-oom', options);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'warning');
  assert.match(d[0]!.message, /expect CUDA out of memory on the first step/);
  assert.ok(d[0]!.fixes!.length >= 1, 'fixes');
  const before = Number(/≈ ([\d.]+) GiB/.exec(d[0]!.message)![1]);
  const errorsBefore = new Set(diagnostics(text, options).filter((x) => x.severity === 'error').map((x) => x.code));
  for (const fix of d[0]!.fixes!) {
    const after = Number(/≈ ([\d.]+) GiB/.exec(fix.title)![1]);
    assert.ok(after < before, `${fix.title} lowers ${before}`);
    const fixed = applyFix(text, fix);
    const newErrors = diagnostics(fixed, options).filter((x) => x.severity === 'error' && !errorsBefore.has(x.code));
    assert.deepEqual(newErrors.map((x) => `${x.code}: ${x.message}`), [], `${fix.title}:\n${fixed}`);
    const again = withCode(fixed, 'estimated-oom', options)[0];
    if (again) assert.ok(Number(/≈ ([\d.]+) GiB/.exec(again.message)![1]) < before, fix.title);
  }
});
