// Focused tests of the 'precision' rules: each fires and stays quiet in the versions it applies to, at the
// boundaries of its condition, is silent when a needed fact is unknown, and its quick fixes work.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileView } from '../../core/src/files';
import { CheckOptions } from '../../core/src/check';
import { ModelFacts } from '../../core/src/model/facts';
import { applyFix, covered, withCode } from '../helpers';
import { allFixesWork } from './assert';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft', modelFacts: () => undefined };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft', modelFacts: () => undefined };

function withModel(base: CheckOptions, facts: Partial<ModelFacts>): CheckOptions {
  return { ...base, modelFacts: () => ({ origin: '/models/m/config.json', ...facts }) };
}

/** every fix removes (at least one of) the findings and adds no error code that was not there */
function assertFixesWork(text: string, code: string, options: CheckOptions): void {
  assert.ok(allFixesWork(text, code, options).length > 0, `${code} offers no fix`);
}

describe('fp16-bf16-exclusive', () => {
  const code = 'fp16-bf16-exclusive';
  for (const opts of [V3, V4]) {
    test(`both flags true is an error on fp16 (${opts.version})`, () => {
      const text = 'fp16: true\nbf16: true\n';
      const found = withCode(text, code, opts);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, 'error');
      assert.equal(covered(text, found[0]!), 'fp16');
      assertFixesWork(text, code, opts);
    });
    test(`fp16: true on a bfloat16 model fires; unknown model is quiet (${opts.version})`, () => {
      const text = 'model: m\nfp16: true\n';
      const found = withCode(text, code, withModel(opts, { torchDtype: 'bfloat16' }));
      assert.equal(found.length, 1);
      assert.match(found[0]!.message, /bfloat16 \(\/models\/m\/config\.json\)/);
      assert.equal(covered(text, found[0]!), 'fp16');
      assertFixesWork(text, code, withModel(opts, { torchDtype: 'bfloat16' }));
      assert.equal(withCode(text, code, opts).length, 0);
      assert.equal(withCode('model: m\nfp16: true\nbf16: false\n', code, withModel(opts, { torchDtype: 'bfloat16' })).length, 0);
    });
    test(`bf16: true on a float16 or float32 model fires on bf16 (${opts.version})`, () => {
      for (const dtype of ['float16', 'float32', 'torch.float16']) {
        const text = 'model: m\nbf16: true\n';
        const found = withCode(text, code, withModel(opts, { torchDtype: dtype }));
        assert.equal(found.length, 1, dtype);
        assert.equal(covered(text, found[0]!), 'bf16');
        assertFixesWork(text, code, withModel(opts, { torchDtype: dtype }));
      }
      assert.equal(withCode('model: m\nbf16: true\n', code, withModel(opts, { torchDtype: 'bfloat16' })).length, 0);
    });
  }
  test('torch_dtype from the config decides over the model (4.5.2)', () => {
    const opts = withModel(V4, { torchDtype: 'bfloat16' });
    assert.equal(withCode('model: m\ntorch_dtype: float16\nbf16: true\n', code, opts).length, 1);
    assert.equal(withCode('model: m\ntorch_dtype: float16\nfp16: true\n', code, opts).length, 0);
    assert.equal(withCode('model: m\ntorch_dtype: float16\n', code, opts).length, 0);
  });
  test('3.4.1 with moe_grouped_gemm does not offer a move to fp16', () => {
    const text = 'fp16: true\nbf16: true\nmoe_grouped_gemm: true\n';
    const found = withCode(text, code, V3);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.fixes!.map((f) => f.title), ['Train in bf16: set `fp16: false`']);
    assertFixesWork(text, code, V3);
  });
  test('does not apply to swift sft', () => {
    assert.equal(withCode('fp16: true\nbf16: true\n', code, { version: '4.5.2', command: 'swift sft' }).length, 0);
  });
});

describe('torch-dtype-float32-selects-fp16', () => {
  const code = 'torch-dtype-float32-selects-fp16';
  for (const opts of [V3, V4]) {
    test(`torch_dtype float32 without fp16/bf16 warns (${opts.version})`, () => {
      const text = 'torch_dtype: float32\n';
      const found = withCode(text, code, opts);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, 'warning');
      assert.equal(covered(text, found[0]!), 'torch_dtype');
      assertFixesWork(text, code, opts);
    });
    test(`quiet when fp16 is chosen, or bf16 is on, or the dtype is not float32 (${opts.version})`, () => {
      assert.equal(withCode('torch_dtype: float32\nfp16: true\n', code, opts).length, 0);
      assert.equal(withCode('torch_dtype: float32\nfp16: false\nbf16: true\n', code, opts).length, 0);
      assert.equal(withCode('torch_dtype: float16\n', code, opts).length, 0);
      assert.equal(withCode('torch_dtype: bfloat16\n', code, opts).length, 0);
    });
    test(`bf16: false still gives fp16 (${opts.version})`, () => {
      assert.equal(withCode('torch_dtype: float32\nbf16: false\n', code, opts).length, 1);
    });
    test(`a float32 model fires on the model key; an unknown one is quiet (${opts.version})`, () => {
      const text = 'model: m\nlr: 1.0e-5\n';
      const found = withCode(text, code, withModel(opts, { torchDtype: 'float32' }));
      assert.equal(found.length, 1);
      assert.equal(covered(text, found[0]!), 'model');
      assertFixesWork(text, code, withModel(opts, { torchDtype: 'float32' }));
      assert.equal(withCode(text, code, opts).length, 0);
    });
  }
  test('4.5.2 prefers torch_dtype: bfloat16', () => {
    const found = withCode('torch_dtype: float32\n', code, V4);
    const preferred = found[0]!.fixes!.find((f) => f.preferred)!;
    assert.equal(applyFix('torch_dtype: float32\n', preferred), 'torch_dtype: bfloat16\n');
  });
  test('3.4.1 adds bf16 and fp16 keys instead (torch_dtype cannot be set there)', () => {
    const found = withCode('model: m\n', code, withModel(V3, { torchDtype: 'float32' }));
    const preferred = found[0]!.fixes!.find((f) => f.preferred)!;
    assert.equal(applyFix('model: m\n', preferred), 'model: m\nbf16: true\nfp16: false\n');
  });
});

describe('fp16-dynamic-loss-scale', () => {
  const code = 'fp16-dynamic-loss-scale';
  test('3.4.1 fp16 training gets an info on fp16', () => {
    const text = 'fp16: true\nbf16: false\n';
    const found = withCode(text, code, V3);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'info');
    assert.equal(covered(text, found[0]!), 'fp16');
    assert.match(found[0]!.message, /dynamic loss scaling/);
  });
  test('3.4.1 fp16 from the model dtype', () => {
    assert.equal(withCode('model: m\n', code, withModel(V3, { torchDtype: 'float16' })).length, 1);
  });
  test('quiet for bf16, unknown dtype, both flags, and in 4.5.2', () => {
    assert.equal(withCode('torch_dtype: bfloat16\n', code, V3).length, 0);
    assert.equal(withCode('model: m\n', code, V3).length, 0);
    assert.equal(withCode('fp16: true\nbf16: true\n', code, V3).length, 0);
    assert.equal(withCode('fp16: true\nbf16: false\n', code, V4).length, 0);
  });
});

describe('fp16-enables-qk-layer-scaling', () => {
  const code = 'fp16-enables-qk-layer-scaling';
  for (const opts of [V3, V4]) {
    test(`fp16 without apply_query_key_layer_scaling gets an info (${opts.version})`, () => {
      const text = 'model: m\nfp16: true\n';
      const o = withModel(opts, { torchDtype: 'float16' });
      const found = withCode(text, code, o);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, 'info');
      assert.equal(found[0]!.key, 'apply_query_key_layer_scaling');
      assert.equal(covered(text, found[0]!), 'fp16');
      assertFixesWork(text, code, o);
    });
    test(`quiet when the option is set or the run is not fp16 (${opts.version})`, () => {
      const o = withModel(opts, { torchDtype: 'float16' });
      assert.equal(withCode('model: m\napply_query_key_layer_scaling: false\n', code, o).length, 0);
      assert.equal(withCode('model: m\napply_query_key_layer_scaling: true\n', code, o).length, 0);
      assert.equal(withCode('model: m\n', code, withModel(opts, { torchDtype: 'bfloat16' })).length, 0);
      assert.equal(withCode('model: m\n', code, opts).length, 0);
    });
  }
  test('mentions an attention_softmax_in_fp32: false that gets overridden', () => {
    const found = withCode('torch_dtype: float16\nattention_softmax_in_fp32: false\n', code, V4);
    assert.match(found[0]!.message, /overriding your `attention_softmax_in_fp32: false`/);
  });
});

describe('bf16-fp32-grad-reduce', () => {
  const code = 'bf16-fp32-grad-reduce';
  test('3.4.1: every bf16 run gets a hint (what always happens, not a mistake), with no fix', () => {
    const text = 'model: m\n';
    const found = withCode(text, code, withModel(V3, { torchDtype: 'bfloat16' }));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'hint');
    assert.equal(covered(text, found[0]!), 'model');
    assert.equal(found[0]!.fixes, undefined);
  });
  test('4.5.2: bf16 with main_grads_dtype fp32 gets a hint and a fix', () => {
    const text = 'torch_dtype: bfloat16\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'hint');
    assert.equal(covered(text, found[0]!), 'torch_dtype');
    assertFixesWork(text, code, V4);
  });
  test('4.5.2: an explicit accumulate_allreduce_grads_in_fp32: false is reported as ignored', () => {
    const text = 'bf16: true\nfp16: false\naccumulate_allreduce_grads_in_fp32: false\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'info', 'a setting that is ignored is worth more than a hint');
    assert.equal(covered(text, found[0]!), 'accumulate_allreduce_grads_in_fp32');
    assert.match(found[0]!.message, /ignored/);
  });
  test('quiet with bf16 gradients, an explicit true, fp16, or an unknown dtype', () => {
    assert.equal(withCode('torch_dtype: bfloat16\nuse_precision_aware_optimizer: true\nmain_grads_dtype: bf16\n', code, V4).length, 0);
    assert.equal(withCode('torch_dtype: bfloat16\naccumulate_allreduce_grads_in_fp32: true\n', code, V4).length, 0);
    assert.equal(withCode('torch_dtype: float16\n', code, V4).length, 0);
    assert.equal(withCode('model: m\n', code, V4).length, 0);
    assert.equal(withCode('fp16: true\nbf16: false\n', code, V3).length, 0);
  });
});

describe('grouped-gemm-requires-bf16-ampere', () => {
  const code = 'grouped-gemm-requires-bf16-ampere';
  test('3.4.1: grouped GEMM with fp16 from the model is an error on moe_grouped_gemm', () => {
    const text = 'model: m\nmoe_grouped_gemm: true\n';
    const o = withModel(V3, { torchDtype: 'float16' });
    const found = withCode(text, code, o);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(covered(text, found[0]!), 'moe_grouped_gemm');
    assertFixesWork(text, code, o);
  });
  test('3.4.1: explicit bf16: false (fp32) also fires', () => {
    assert.equal(withCode('moe_grouped_gemm: true\nbf16: false\nfp16: false\n', code, V3).length, 1);
  });
  test('quiet with bf16, without grouped GEMM, with an unknown dtype, and in 4.5.2', () => {
    assert.equal(withCode('model: m\nmoe_grouped_gemm: true\n', code, withModel(V3, { torchDtype: 'bfloat16' })).length, 0);
    assert.equal(withCode('model: m\nmoe_grouped_gemm: false\n', code, withModel(V3, { torchDtype: 'float16' })).length, 0);
    assert.equal(withCode('model: m\nmoe_grouped_gemm: true\n', code, V3).length, 0);
    assert.equal(withCode('model: m\nmoe_grouped_gemm: true\n', code, withModel(V4, { torchDtype: 'float16' })).length, 0);
  });
});

describe('fp8-fp4-param-gather-and-exclusivity', () => {
  const code = 'fp8-fp4-param-gather-and-exclusivity';
  test('fp8_param_gather without fp8_format', () => {
    const text = 'fp8_param_gather: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'fp8_param_gather');
    assertFixesWork(text, code, V4);
    assert.equal(withCode('fp8_format: hybrid\nfp8_param_gather: true\n', code, V4).length, 0);
  });
  test('fp4_param_gather without fp4_format', () => {
    const text = 'fp4_param_gather: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'fp4_param_gather');
    assertFixesWork(text, code, V4);
    assert.equal(withCode('fp4_format: e2m1\nfp4_param_gather: true\n', code, V4).length, 0);
  });
  test('fp8 and fp4 formats together', () => {
    const text = 'fp8_format: e4m3\nfp4_format: e2m1\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]!), 'fp4_format');
    assert.equal(found[0]!.fixes!.length, 2);
    assertFixesWork(text, code, V4);
  });
  test('fp8 gather with an fp4 format: no fix that sets fp8_format (it would collide)', () => {
    const text = 'fp4_format: e2m1\nfp8_param_gather: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.fixes!.map((f) => f.title), ['Set `fp8_param_gather: false`']);
  });
  test('quiet by default and does not apply to 3.4.1', () => {
    assert.equal(withCode('lr: 1.0e-5\n', code, V4).length, 0);
    assert.equal(withCode('fp8_param_gather: true\n', code, V3).length, 0);
  });
});

describe('precision-aware-optimizer-requirements', () => {
  const code = 'precision-aware-optimizer-requirements';
  test('low-precision states without the precision-aware optimizer: one error per key', () => {
    const text = 'exp_avg_dtype: bf16\nexp_avg_sq_dtype: bf16\n';
    const found = withCode(text, code, V4);
    assert.deepEqual(found.map((d) => covered(text, d)), ['exp_avg_dtype', 'exp_avg_sq_dtype']);
    assertFixesWork(text, code, V4);
    const fixed = applyFix(text, found[0]!.fixes!.find((f) => f.preferred)!);
    assert.equal(withCode(fixed, code, V4).length, 0);
  });
  test('enabling it also turns the distributed optimizer back on when it was off', () => {
    const text = 'use_distributed_optimizer: false\nmain_params_dtype: fp16\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    const fixed = applyFix(text, found[0]!.fixes!.find((f) => f.preferred)!);
    assert.match(fixed, /use_distributed_optimizer: true/);
    assert.equal(withCode(fixed, code, V4).length, 0);
  });
  test('precision-aware optimizer with sgd, muon, or without the distributed optimizer', () => {
    for (const text of [
      'use_precision_aware_optimizer: true\noptimizer: sgd\n',
      'use_precision_aware_optimizer: true\noptimizer: muon\n',
      'use_precision_aware_optimizer: true\noptimizer: dist_muon\n',
      'use_precision_aware_optimizer: true\nuse_distributed_optimizer: false\n',
      'use_precision_aware_optimizer: true\noptimizer: sgd\nexp_avg_dtype: bf16\n',
    ]) {
      const found = withCode(text, code, V4);
      assert.equal(found.length, 1, text);
      assert.equal(covered(text, found[0]!), 'use_precision_aware_optimizer');
      assertFixesWork(text, code, V4);
    }
  });
  test('quiet: defaults, adam + distributed optimizer, Megatron-FSDP forcing the distributed optimizer', () => {
    assert.equal(withCode('lr: 1.0e-5\n', code, V4).length, 0);
    assert.equal(withCode('use_precision_aware_optimizer: true\nexp_avg_dtype: fp8\n', code, V4).length, 0);
    assert.equal(withCode('use_precision_aware_optimizer: true\nuse_megatron_fsdp: true\nuse_distributed_optimizer: false\n', code, V4).length, 0);
  });
  test('training only, 4.5.2 only', () => {
    assert.equal(withCode('exp_avg_dtype: bf16\n', code, { ...V4, command: 'megatron export' }).length, 0);
    assert.equal(withCode('lr: 1.0e-5\n', code, V3).length, 0);
  });
});

describe('optimizer-cpu-offload-needs-precision-aware', () => {
  const code = 'optimizer-cpu-offload-needs-precision-aware';
  test('offload without the precision-aware optimizer warns on optimizer_cpu_offload', () => {
    const text = 'optimizer_cpu_offload: true\n';
    const found = withCode(text, code, V4);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(covered(text, found[0]!), 'optimizer_cpu_offload');
    assertFixesWork(text, code, V4);
  });
  test('with sgd only the "turn offload off" fix is offered', () => {
    const found = withCode('optimizer_cpu_offload: true\noptimizer: sgd\n', code, V4);
    assert.deepEqual(found[0]!.fixes!.map((f) => f.title), ['Set `optimizer_cpu_offload: false`']);
  });
  test('quiet when paired, or without offload', () => {
    assert.equal(withCode('optimizer_cpu_offload: true\nuse_precision_aware_optimizer: true\n', code, V4).length, 0);
    assert.equal(withCode('optimizer_cpu_offload: false\n', code, V4).length, 0);
  });
});

describe('gradient-accumulation-fusion-requires-apex', () => {
  const code = 'gradient-accumulation-fusion-requires-apex';
  const noApex = { python: { packages: { torch: '2.5.1' } } };
  const apex = { python: { packages: { torch: '2.5.1', apex: '0.1' } } };
  test('3.4.1: fusion on by default without APEX is an error, fixed by no_gradient_accumulation_fusion', () => {
    const text = 'lr: 1.0e-5\n';
    const found = withCode(text, code, { ...V3, ...noApex });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.key, 'no_gradient_accumulation_fusion');
    assert.match(found[0]!.message, /\(the default\)/);
    assertFixesWork(text, code, { ...V3, ...noApex });
  });
  test('4.5.2: a warning that ms-swift turns the fusion off', () => {
    const text = 'gradient_accumulation_fusion: true\n';
    const found = withCode(text, code, { ...V4, ...noApex });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(covered(text, found[0]!), 'gradient_accumulation_fusion');
    assertFixesWork(text, code, { ...V4, ...noApex });
  });
  test('quiet with APEX, with the fusion off, and when the environment is unknown', () => {
    assert.equal(withCode('lr: 1.0e-5\n', code, { ...V3, ...apex }).length, 0);
    assert.equal(withCode('no_gradient_accumulation_fusion: true\n', code, { ...V3, ...noApex }).length, 0);
    assert.equal(withCode('gradient_accumulation_fusion: false\n', code, { ...V4, ...noApex }).length, 0);
    assert.equal(withCode('lr: 1.0e-5\n', code, V3).length, 0);
    assert.equal(withCode('lr: 1.0e-5\n', code, { ...V4, python: { packages: {} } }).length, 0);
  });
});

describe('torch_dtype recorded in a checkpoint args.json', () => {
  // ms-swift reads an unset torch_dtype from the checkpoint's args.json when load_args is on (3.4.1 default)
  function folder(args: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-precision-'));
    fs.mkdirSync(path.join(dir, 'ckpt'));
    fs.writeFileSync(path.join(dir, 'ckpt', 'args.json'), JSON.stringify(args));
    return dir;
  }
  test('3.4.1: load with an fp16 args.json conflicts with bf16: true', () => {
    const dir = folder({ torch_dtype: 'float16', model: 'Qwen/Qwen2.5-7B-Instruct' });
    const opts: CheckOptions = { version: '3.4.1', command: 'megatron sft', files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } };
    const found = withCode('load: ckpt\nbf16: true\n', 'fp16-bf16-exclusive', opts);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /args\.json/);
    // load_args: false leaves the model's config.json (bfloat16 in the bundled table) in charge
    assert.equal(withCode('load: ckpt\nbf16: true\nload_args: false\n', 'fp16-bf16-exclusive', opts).length, 0);
  });
  test('an args.json without torch_dtype falls back to the model', () => {
    const dir = folder({ model: 'Qwen/Qwen2.5-7B-Instruct' });
    const opts: CheckOptions = { version: '3.4.1', command: 'megatron sft', files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } };
    assert.equal(withCode('load: ckpt\nfp16: true\n', 'fp16-bf16-exclusive', opts).length, 1);
  });
  test('4.5.2 training does not read args.json by default (load_args false)', () => {
    const dir = folder({ torch_dtype: 'float16', model: 'Qwen/Qwen2.5-7B-Instruct' });
    const opts: CheckOptions = { version: '4.5.2', command: 'megatron sft', files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } };
    assert.equal(withCode('mcore_model: ckpt\nbf16: true\n', 'fp16-bf16-exclusive', opts).length, 0);
    assert.equal(withCode('mcore_model: ckpt\nbf16: true\nload_args: true\n', 'fp16-bf16-exclusive', opts).length, 1);
  });
});
