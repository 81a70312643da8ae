// The 'recompute' rules: each fires where the real software fails (or warns) and is quiet otherwise, in both
// versions where it applies, stays silent when a fact it needs is unknown, and its quick fixes repair the config
// without adding another error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckOptions } from '../../core/src/check';
import { nodeFileView } from '../../core/src/files';
import { Diagnostic, Fix } from '../../core/src/rules/types';
import { applyFix, covered, diagnostics, withCode } from '../helpers';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const EXPORT4: CheckOptions = { version: '4.5.2', command: 'megatron export' };
const BOTH: Array<[string, CheckOptions]> = [
  ['3.4.1', V3],
  ['4.5.2', V4],
];

const QWEN7B = 'model: Qwen/Qwen2.5-7B-Instruct\n'; // 28 layers, dense, no MLA (bundled table)
const QWEN_MOE = 'model: Qwen/Qwen3-30B-A3B\n'; // 48 layers, 128 experts, no shared experts
const DSV2 = 'model: deepseek-ai/DeepSeek-V2-Lite\n'; // MLA (kv_lora_rank 512), shared experts

function one(text: string, code: string, opts: CheckOptions): Diagnostic {
  const found = withCode(text, code, opts);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diagnostics(text, opts).map((d) => `${d.code}: ${d.message}`))}`);
  return found[0]!;
}

function none(text: string, code: string, opts: CheckOptions): void {
  assert.deepEqual(withCode(text, code, opts).map((d) => d.message), []);
}

function fix(d: Diagnostic, title: RegExp): Fix {
  const f = d.fixes?.find((x) => title.test(x.title));
  assert.ok(f, `no fix matching ${title} in ${JSON.stringify(d.fixes?.map((x) => x.title))}`);
  return f;
}

/** the recompute-area errors and warnings (any rule) left in a text */
function recomputeProblems(text: string, opts: CheckOptions): string[] {
  const ids = /^(recompute-|moe-layer-recompute)/;
  return diagnostics(text, opts)
    .filter((d) => ids.test(d.code) && (d.severity === 'error' || d.severity === 'warning'))
    .map((d) => `${d.code}: ${d.message}`);
}

/** a temporary folder holding models/<name>/config.json; returns check options that can read it */
function withModel(config: Record<string, unknown>, base: CheckOptions): { opts: CheckOptions; model: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-recompute-'));
  fs.mkdirSync(path.join(dir, 'models', 'm'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'models', 'm', 'config.json'), JSON.stringify(config));
  return { opts: { ...base, files: nodeFileView(), baseDir: dir, hostEnv: { HOME: dir } }, model: 'model: models/m\n' };
}

describe('recompute-method-requires-full', () => {
  const code = 'recompute-method-requires-full';
  for (const [v, opts] of BOTH) {
    test(`${v}: recompute_method with the default selective granularity fires on recompute_method`, () => {
      const text = `${QWEN7B}recompute_method: uniform\n`;
      const d = one(text, code, opts);
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'recompute_method');
      assert.equal(covered(text, d), 'recompute_method');
      assert.match(d.message, /`selective` \(the default for `megatron sft`\)/);
      assert.match(d.message, v === '3.4.1' ? /AssertionError.*after the whole dataset has been tokenized/ : /ValueError.*seconds after launch/);
    });

    test(`${v}: the preferred fix sets full and adds recompute_num_layers, leaving no recompute error`, () => {
      const text = `${QWEN7B}recompute_method: uniform\nlr: 1.0e-5\n`;
      const f = fix(one(text, code, opts), /recompute_granularity: full/);
      assert.equal(f.title, 'Set `recompute_granularity: full` (and `recompute_num_layers: 1`)');
      assert.equal(f.preferred, true);
      const fixed = applyFix(text, f);
      assert.equal(fixed, `${QWEN7B}recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\nlr: 1.0e-5\n`);
      assert.deepEqual(recomputeProblems(fixed, opts), []);
    });

    test(`${v}: the other fix removes recompute_method (and recompute_num_layers with it)`, () => {
      const text = `${QWEN7B}recompute_method: block\nrecompute_num_layers: 2\n`;
      const d = one(text, code, opts);
      const fixed = applyFix(text, fix(d, /^Remove/));
      assert.equal(fixed, QWEN7B);
      assert.deepEqual(recomputeProblems(fixed, opts), []);
      // the full fix keeps the user's layer count
      const full = applyFix(text, fix(d, /recompute_granularity: full/));
      assert.equal(full, `${QWEN7B}recompute_granularity: full\nrecompute_method: block\nrecompute_num_layers: 2\n`);
      assert.deepEqual(recomputeProblems(full, opts), []);
    });

    test(`${v}: quiet with full granularity or without a method`, () => {
      none(`recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n`, code, opts);
      none(`recompute_granularity: selective\n`, code, opts);
      none(`recompute_method: null\n`, code, opts);
    });
  }

  test('explicit selective: the finding points at the granularity too, and removing the method is preferred', () => {
    const text = `recompute_granularity: selective\nrecompute_method: uniform\n`;
    const d = one(text, code, V4);
    assert.match(d.message, /set to `selective`/);
    assert.equal(d.related?.length, 1);
    assert.equal(fix(d, /^Remove/).preferred, true);
    const full = applyFix(text, fix(d, /full/));
    assert.equal(full, 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n');
  });

  test('a uniform layer count that would not fit the stages is corrected by the full fix', () => {
    const text = `${QWEN7B}recompute_method: uniform\nrecompute_num_layers: 8\n`;
    for (const opts of [V3, V4]) {
      const f = fix(one(text, code, opts), /full/);
      assert.match(f.title, /recompute_num_layers: 7/);
      const fixed = applyFix(text, f);
      assert.deepEqual(recomputeProblems(fixed, opts), []);
    }
  });

  test('fixes keep CRLF line ends and work on a last line without a line break', () => {
    const text = 'lr: 1.0e-5\r\nrecompute_method: uniform';
    const fixed = applyFix(text, fix(one(text, code, V4), /full/));
    assert.equal(fixed, 'lr: 1.0e-5\r\nrecompute_granularity: full\r\nrecompute_method: uniform\r\nrecompute_num_layers: 1');
    assert.deepEqual(recomputeProblems(fixed, V4), []);
  });

  test('4.5.2: no full fix when moe_layer_recompute is on (that pair is an error too)', () => {
    const d = one('recompute_method: uniform\nmoe_layer_recompute: true\n', code, V4);
    assert.deepEqual(d.fixes?.map((f) => f.title), ['Remove `recompute_method` (keep selective recomputation)']);
  });

  test('4.5.2: none granularity and megatron export (default none) are quiet', () => {
    none('recompute_granularity: none\nrecompute_method: uniform\n', code, V4);
    none('recompute_method: uniform\n', code, EXPORT4);
    one('recompute_granularity: selective\nrecompute_method: uniform\n', code, EXPORT4);
  });
});

describe('recompute-full-requires-method', () => {
  const code = 'recompute-full-requires-method';
  for (const [v, opts] of BOTH) {
    test(`${v}: full without a method fires on recompute_granularity; both methods are offered`, () => {
      const text = 'recompute_granularity: full\nrecompute_num_layers: 1\n';
      const d = one(text, code, opts);
      assert.equal(covered(text, d), 'recompute_granularity');
      assert.match(d.message, /fails when the model is built/);
      const fixed = applyFix(text, fix(d, /uniform/));
      assert.equal(fixed, 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n');
      assert.deepEqual(recomputeProblems(fixed, opts), []);
      assert.deepEqual(recomputeProblems(applyFix(text, fix(d, /block/)), opts), []);
    });

    test(`${v}: quiet with a method, or with selective granularity`, () => {
      none('recompute_granularity: full\nrecompute_method: block\nrecompute_num_layers: 1\n', code, opts);
      none('recompute_granularity: selective\n', code, opts);
      none('', code, opts);
    });
  }

  test('uniform is not offered when the layer count would not fit the stages', () => {
    const text = `${QWEN7B}recompute_granularity: full\nrecompute_num_layers: 8\n`;
    const d = one(text, code, V3);
    assert.deepEqual(d.fixes?.map((f) => [f.title, f.preferred]), [['Set `recompute_method: block`', true]]);
  });

  test('4.5.2: silent when megatron_extra_kwargs sets the method', () => {
    none(`recompute_granularity: full\nrecompute_num_layers: 1\nmegatron_extra_kwargs: '{"recompute_method": "uniform"}'\n`, code, V4);
  });
});

describe('recompute-full-requires-num-layers', () => {
  const code = 'recompute-full-requires-num-layers';
  for (const [v, opts] of BOTH) {
    test(`${v}: full without recompute_num_layers fires; the fix adds it after the method`, () => {
      const text = 'recompute_granularity: full\nrecompute_method: uniform\nlr: 1.0e-5\n';
      const d = one(text, code, opts);
      assert.equal(d.key, 'recompute_granularity');
      assert.match(d.message, /`recompute_method: uniform`/);
      const fixed = applyFix(text, d.fixes![0]!);
      assert.equal(fixed, 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\nlr: 1.0e-5\n');
      assert.deepEqual(recomputeProblems(fixed, opts), []);
    });

    test(`${v}: quiet with recompute_num_layers or selective granularity`, () => {
      none('recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 2\n', code, opts);
      none('recompute_modules: [core_attn]\n', code, opts);
    });
  }
});

describe('recompute-num-layers-requires-full', () => {
  const code = 'recompute-num-layers-requires-full';
  for (const [v, opts] of BOTH) {
    test(`${v}: recompute_num_layers with selective fires; switching to full adds a method`, () => {
      const text = 'recompute_num_layers: 4\n';
      const d = one(text, code, opts);
      assert.equal(covered(text, d), 'recompute_num_layers');
      const full = fix(d, /full/);
      assert.equal(full.preferred, true);
      const fixed = applyFix(text, full);
      assert.equal(fixed, 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 4\n');
      assert.deepEqual(recomputeProblems(fixed, opts), []);
      assert.equal(applyFix(text, fix(d, /^Remove/)), '');
    });

    test(`${v}: quiet with full granularity`, () => {
      none('recompute_granularity: full\nrecompute_method: block\nrecompute_num_layers: 4\n', code, opts);
    });
  }

  test('the full fix picks block when uniform chunks of that size would not fit', () => {
    const text = `${QWEN7B}recompute_num_layers: 8\n`;
    const fixed = applyFix(text, fix(one(text, code, V3), /full/));
    assert.match(fixed, /recompute_method: block/);
    assert.deepEqual(recomputeProblems(fixed, V3), []);
  });

  test('4.5.2: quiet with none, and in megatron export (none by default)', () => {
    none('recompute_granularity: none\nrecompute_num_layers: 4\n', code, V4);
    none('recompute_num_layers: 4\n', code, EXPORT4);
  });
});

describe('recompute-none-ignores-options', () => {
  const code = 'recompute-none-ignores-options';
  test('4.5.2: one info per ignored option, marked unnecessary, removable', () => {
    const text = 'recompute_granularity: none\nrecompute_method: uniform\nrecompute_num_layers: 2\nrecompute_modules: [mlp]\n';
    const found = withCode(text, code, V4);
    assert.deepEqual(found.map((d) => d.key), ['recompute_method', 'recompute_num_layers', 'recompute_modules']);
    for (const d of found) {
      assert.equal(d.severity, 'info');
      assert.deepEqual(d.tags, ['unnecessary']);
      assert.equal(withCode(applyFix(text, d.fixes![0]!), code, V4).length, 2);
    }
  });

  test('4.5.2: quiet without other options; recompute_modules counts when moe_layer_recompute turns selective back on', () => {
    none('recompute_granularity: none\n', code, V4);
    none('recompute_granularity: selective\nrecompute_modules: [mlp]\n', code, V4);
    none('recompute_granularity: none\nrecompute_modules: [mlp]\nmoe_layer_recompute: true\n', code, V4);
  });

  test('megatron export 4.5.2 (none by default) reports ignored options; 3.4.1 has no none', () => {
    one('recompute_method: uniform\n', code, EXPORT4);
    none('recompute_granularity: none\nrecompute_method: uniform\n', code, V3);
  });
});

describe('recompute-uniform-divides-stage-layers', () => {
  const code = 'recompute-uniform-divides-stage-layers';
  const full = (n: number) => `recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: ${n}\n`;
  for (const [v, opts] of BOTH) {
    test(`${v}: 8 does not divide 28 layers on one stage`, () => {
      const text = QWEN7B + full(8);
      const d = one(text, code, opts);
      assert.equal(d.severity, v === '3.4.1' ? 'error' : 'warning');
      assert.equal(covered(text, d), '8');
      assert.match(d.message, /28 layers of Qwen\/Qwen2\.5-7B-Instruct \(bundled table\)/);
      assert.match(d.message, /last chunk of 4/);
      assert.match(d.message, v === '3.4.1' ? /megatron-core 0\.12.*IndexError/ : /0\.17 and newer.*cut that chunk short.*0\.16.*IndexError/);
      assert.deepEqual(d.fixes?.map((f) => [f.title, !!f.preferred]), [
        ['Set `recompute_num_layers: 7`', true],
        ['Set `recompute_num_layers: 14`', false],
      ]);
      for (const f of d.fixes!) assert.deepEqual(recomputeProblems(applyFix(text, f), opts), []);
    });

    test(`${v}: divisors and larger-than-stage values`, () => {
      none(QWEN7B + full(4), code, opts);
      none(QWEN7B + full(28), code, opts);
      const d = one(QWEN7B + full(30), code, opts);
      assert.match(d.message, /only 28 layers, shorter than one chunk/);
      assert.deepEqual(d.fixes?.map((f) => f.title), ['Set `recompute_num_layers: 28`']);
    });

    test(`${v}: PP 2 gives 14 layers per stage`, () => {
      const pp = `${QWEN7B}ENV:\n  NPROC_PER_NODE: 2\npipeline_model_parallel_size: 2\n`;
      one(pp + full(4), code, opts);
      none(pp + full(7), code, opts);
    });

    test(`${v}: uneven PP counts the first, last and middle stages`, () => {
      // 28 layers, PP 4, first stage 4: middle and last stages get 8 each
      const pp = `${QWEN7B}ENV:\n  NPROC_PER_NODE: 4\npipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 4\n`;
      none(pp + full(4), code, opts);
      const d = one(pp + full(8), code, opts);
      assert.match(d.message, /4 \/ 8 \/ 8 \/ 8/);
      // a split that does not add up is another rule's business
      none(`${QWEN7B}ENV:\n  NPROC_PER_NODE: 4\npipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 5\n${full(3)}`, code, opts);
    });

    test(`${v}: silent without model facts, with block, or when PP does not divide the layers`, () => {
      none(full(8), code, opts);
      none(`model: someone/unknown-model\n${full(8)}`, code, opts);
      none(`${QWEN7B}recompute_granularity: full\nrecompute_method: block\nrecompute_num_layers: 8\n`, code, opts);
      none(`${QWEN7B}ENV:\n  NPROC_PER_NODE: 8\npipeline_model_parallel_size: 8\n${full(3)}`, code, opts);
    });

    test(`${v}: reads a local config.json`, () => {
      const { opts: o, model } = withModel({ num_hidden_layers: 30, num_attention_heads: 8, hidden_size: 512 }, opts);
      const d = one(model + full(4), code, o);
      assert.match(d.message, /the 30 layers of models\/m \(.*config\.json\)/);
      none(model + full(5), code, o);
    });
  }

  test('3.4.1: the num_layers argument overrides config.json', () => {
    none(`${QWEN7B}num_layers: 32\n${full(8)}`, code, V3);
    one(`${QWEN7B}num_layers: 30\n${full(4)}`, code, V3);
  });

  test('4.5.2: virtual pipeline chunks and the embedding/loss accounting', () => {
    const vpp = `${QWEN7B}ENV:\n  NPROC_PER_NODE: 2\npipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 2\n`;
    const d = one(vpp + full(2), code, V4); // 28 / 2 / 2 = 7 per chunk
    assert.match(d.message, /virtual pipeline chunk/);
    none(vpp + full(7), code, V4);
    // (28 + 2) / 2 = 15 per stage, minus one on the first and the last stage: 14
    const acc = `${QWEN7B}ENV:\n  NPROC_PER_NODE: 2\npipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`;
    none(acc + full(7), code, V4);
    one(acc + full(5), code, V4);
  });

  test('4.5.2: a pipeline_model_parallel_layout gives the chunk sizes', () => {
    const layout = `${QWEN7B}ENV:\n  NPROC_PER_NODE: 2\npipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*12|t*16L"\n`;
    const d = one(layout + full(8), code, V4); // 12 % 8 != 0
    assert.match(d.message, /12 \/ 16 to a model chunk/);
    none(layout + full(4), code, V4);
  });

  test('4.5.2: megatron_extra_kwargs can set num_layers, or make the split unknown', () => {
    one(`${QWEN7B}megatron_extra_kwargs: '{"num_layers": 30}'\n${full(4)}`, code, V4);
    none(`${QWEN7B}megatron_extra_kwargs: '{"num_layers": 32}'\n${full(8)}`, code, V4);
    none(`${QWEN7B}megatron_extra_kwargs: 'not json'\n${full(8)}`, code, V4);
  });

  test('not checked for megatron export', () => {
    none(QWEN7B + full(8), code, EXPORT4);
  });
});

describe('recompute-modules-allowed', () => {
  const code = 'recompute-modules-allowed';
  for (const [v, opts] of BOTH) {
    test(`${v}: an unknown module fires on the item, with a suggestion`, () => {
      const text = 'recompute_granularity: selective\nrecompute_modules: [attention, mlp]\n';
      const d = one(text, code, opts);
      assert.equal(covered(text, d), 'attention');
      assert.match(d.message, /Did you mean `core_attn`\?/);
      assert.match(d.message, /AssertionError/);
      const fixed = applyFix(text, fix(d, /Change to `core_attn`/));
      assert.equal(fixed, 'recompute_granularity: selective\nrecompute_modules: [core_attn, mlp]\n');
      assert.deepEqual(recomputeProblems(fixed, opts), []);
      assert.equal(applyFix(text, fix(d, /^Remove/)), 'recompute_granularity: selective\nrecompute_modules: [mlp]\n');
    });

    test(`${v}: quiet for known modules and when granularity is full`, () => {
      none('recompute_modules: [core_attn, mlp, moe, layernorm]\n', code, opts);
      none('recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\nrecompute_modules: [attention]\n', code, opts);
    });
  }

  test('shared_experts: unknown to megatron-core 0.12 (3.4.1), known to 0.18 (4.5.2)', () => {
    const text = 'recompute_modules: [core_attn, shared_experts]\n';
    assert.match(one(text, code, V3).message, /arrived in megatron-core 0\.18/);
    none(text, code, V4);
  });

  test('moe_layer gets the hint that the module is called moe; block lists are edited line by line', () => {
    const text = 'recompute_modules:\n  - core_attn\n  - moe_layer\nlr: 1.0e-5\n';
    const d = one(text, code, V4);
    assert.match(d.message, /called `moe`/);
    assert.equal(applyFix(text, fix(d, /Change to `moe`/)), 'recompute_modules:\n  - core_attn\n  - moe\nlr: 1.0e-5\n');
    assert.equal(applyFix(text, fix(d, /^Remove/)), 'recompute_modules:\n  - core_attn\nlr: 1.0e-5\n');
  });

  test('removing the only item removes the key (back to the default core_attn)', () => {
    const text = 'recompute_modules: [bogus_module]\nlr: 1.0e-5\n';
    const d = one(text, code, V4);
    const f = fix(d, /^Remove/);
    assert.match(f.title, /default/);
    assert.equal(applyFix(text, f), 'lr: 1.0e-5\n');
  });

  test('a suggestion that would itself be rejected is not offered', () => {
    // mla_up_proj on a model without MLA would fail too
    const d = one(`${QWEN7B}recompute_modules: [mla]\n`, code, V4);
    assert.doesNotMatch(d.message, /Did you mean/);
    assert.ok(!d.fixes?.some((f) => /Change to/.test(f.title)));
  });
});

describe('recompute-moe-act-requires-grouped-gemm', () => {
  const code = 'recompute-moe-act-requires-grouped-gemm';
  test('3.4.1: moe_grouped_gemm is off by default, so moe_act fails', () => {
    const text = `${QWEN_MOE}recompute_modules: [core_attn, moe_act]\n`;
    const d = one(text, code, V3);
    assert.equal(covered(text, d), 'moe_act');
    assert.match(d.message, /the default in ms-swift 3\.4\.1/);
    const f = fix(d, /moe_grouped_gemm: true/);
    assert.equal(f.preferred, true);
    assert.deepEqual(recomputeProblems(applyFix(text, f), V3), []);
    assert.equal(applyFix(text, fix(d, /Remove `moe_act`/)), `${QWEN_MOE}recompute_modules: [core_attn]\n`);
  });

  test('4.5.2: on by default (quiet), fires when turned off', () => {
    none(`${QWEN_MOE}recompute_modules: [moe_act]\n`, code, V4);
    const text = `${QWEN_MOE}recompute_modules: [moe_act]\nmoe_grouped_gemm: false\n`;
    const d = one(text, code, V4);
    assert.equal(d.related?.length, 1);
    assert.deepEqual(recomputeProblems(applyFix(text, fix(d, /moe_grouped_gemm: true/)), V4), []);
  });

  test('a dense model: removing moe_act is the only fix', () => {
    const d = one(`${QWEN7B}recompute_modules: [core_attn, moe_act]\n`, code, V3);
    assert.match(d.message, /dense model/);
    assert.deepEqual(d.fixes?.map((f) => [f.title, f.preferred]), [['Remove `moe_act` from `recompute_modules`', true]]);
  });

  test('3.4.1: no grouped-GEMM fix when bf16 is off (grouped GEMM needs bf16 there)', () => {
    const d = one(`${QWEN_MOE}fp16: true\nrecompute_modules: [moe_act, mlp]\n`, code, V3);
    assert.ok(!d.fixes?.some((f) => /grouped/.test(f.title)));
  });

  test('quiet with full granularity or without moe_act', () => {
    none(`${QWEN_MOE}recompute_modules: [core_attn]\n`, code, V3);
    none(`${QWEN_MOE}recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\nrecompute_modules: [moe_act]\n`, code, V3);
  });
});

describe('recompute-mla-up-proj-requires-mla', () => {
  const code = 'recompute-mla-up-proj-requires-mla';
  test('3.4.1 has no MLA model at all: fires even without model facts', () => {
    const text = 'recompute_modules: [mla_up_proj, core_attn]\n';
    const d = one(text, code, V3);
    assert.equal(covered(text, d), 'mla_up_proj');
    assert.match(d.message, /3\.4\.1 supports no multi-latent-attention model/);
    assert.equal(applyFix(text, d.fixes![0]!), 'recompute_modules: [core_attn]\n');
  });

  test('4.5.2: fires on a model without MLA, quiet on an MLA model and when the model is unknown', () => {
    const d = one(`${QWEN7B}recompute_modules: [mla_up_proj]\n`, code, V4);
    assert.match(d.message, /Qwen\/Qwen2\.5-7B-Instruct \(bundled table\) does not use multi-latent attention/);
    none(`${DSV2}recompute_modules: [mla_up_proj]\n`, code, V4);
    none('recompute_modules: [mla_up_proj]\n', code, V4);
    none('model: someone/unknown\nrecompute_modules: [mla_up_proj]\n', code, V4);
  });

  test('4.5.2: q_lora_rank alone also means MLA (as mcore-bridge reads it)', () => {
    const { opts, model } = withModel({ num_hidden_layers: 4, num_attention_heads: 8, q_lora_rank: 64, kv_lora_rank: null }, V4);
    none(`${model}recompute_modules: [mla_up_proj]\n`, code, opts);
    const dense = withModel({ num_hidden_layers: 4, num_attention_heads: 8 }, V4);
    one(`${dense.model}recompute_modules: [mla_up_proj]\n`, code, dense.opts);
  });

  test('4.5.2: silent when megatron_extra_kwargs turns MLA on', () => {
    none(`${QWEN7B}recompute_modules: [mla_up_proj]\nmegatron_extra_kwargs: '{"multi_latent_attention": true}'\n`, code, V4);
  });
});

describe('recompute-shared-experts-vs-overlap', () => {
  const code = 'recompute-shared-experts-vs-overlap';
  const shared = { num_hidden_layers: 24, num_attention_heads: 16, num_experts: 60, moe_intermediate_size: 1408, shared_expert_intermediate_size: 5632 };
  test('4.5.2: fires on moe_shared_expert_overlap for a model with shared experts', () => {
    const { opts, model } = withModel(shared, V4);
    const text = `${model}recompute_modules: [core_attn, shared_experts]\nmoe_shared_expert_overlap: true\n`;
    const d = one(text, code, opts);
    assert.equal(covered(text, d), 'moe_shared_expert_overlap');
    assert.match(d.message, /intermediate size 5632/);
    assert.equal(applyFix(text, fix(d, /Remove `moe_shared_expert_overlap`/)), `${model}recompute_modules: [core_attn, shared_experts]\n`);
    assert.equal(applyFix(text, fix(d, /shared_experts/)), `${model}recompute_modules: [core_attn]\nmoe_shared_expert_overlap: true\n`);
  });

  test('4.5.2: n_shared_experts counts as shared experts (DeepSeek-V2-Lite)', () => {
    one(`${DSV2}recompute_modules: [shared_experts]\nmoe_shared_expert_overlap: true\n`, code, V4);
  });

  test('quiet without shared experts, without overlap, unknown model, or in 3.4.1', () => {
    none(`${QWEN_MOE}recompute_modules: [shared_experts]\nmoe_shared_expert_overlap: true\n`, code, V4);
    none(`${DSV2}recompute_modules: [shared_experts]\n`, code, V4);
    none('model: someone/unknown\nrecompute_modules: [shared_experts]\nmoe_shared_expert_overlap: true\n', code, V4);
    none(`${DSV2}recompute_modules: [shared_experts]\nmoe_shared_expert_overlap: true\n`, code, V3);
  });
});

describe('recompute-modules-ignored-unless-selective', () => {
  const code = 'recompute-modules-ignored-unless-selective';
  const full = 'recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n';
  for (const [v, opts] of BOTH) {
    test(`${v}: a module list with full recompute is an unnecessary-info`, () => {
      const text = `${full}recompute_modules: [mlp, moe]\n`;
      const d = one(text, code, opts);
      assert.equal(d.severity, 'info');
      assert.deepEqual(d.tags, ['unnecessary']);
      assert.equal(applyFix(text, d.fixes![0]!), full);
    });

    test(`${v}: quiet with the default list or with selective`, () => {
      none(`${full}recompute_modules: [core_attn]\n`, code, opts);
      none(full, code, opts);
      none('recompute_modules: [mlp, moe]\n', code, opts);
    });
  }
});

describe('recompute-core-attn-notice', () => {
  const code = 'recompute-core-attn-notice';
  for (const [v, opts] of BOTH) {
    test(`${v}: core_attn with selective recompute gets the notice on the item`, () => {
      const text = 'recompute_granularity: selective\nrecompute_modules: [core_attn, mlp]\n';
      const d = one(text, code, opts);
      assert.equal(d.severity, 'info');
      assert.equal(covered(text, d), 'core_attn');
      assert.match(d.message, /fused/);
      assert.equal(applyFix(text, d.fixes![0]!), 'recompute_granularity: selective\nrecompute_modules: [mlp]\n');
    });

    test(`${v}: quiet without core_attn, with full recompute, or when nothing about recompute is written`, () => {
      none('recompute_modules: [mlp]\n', code, opts);
      none('recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n', code, opts);
      none('lr: 1.0e-5\n', code, opts);
    });
  }

  test('unfused attention keeps the attention matrix: the notice says it can be ignored, no fix', () => {
    const d = one('attention_backend: unfused\nrecompute_modules: [core_attn]\n', code, V4);
    assert.match(d.message, /can be ignored/);
    assert.deepEqual(d.fixes, undefined);
  });

  test('4.5.2: with core_attn alone, the fix turns recomputation off', () => {
    const text = 'recompute_granularity: selective\nrecompute_modules: [core_attn]\n';
    const d = one(text, code, V4);
    const fixed = applyFix(text, d.fixes![0]!);
    assert.equal(fixed, 'recompute_granularity: none\n');
    assert.deepEqual(diagnostics(fixed, V4).filter((x) => x.code.startsWith('recompute')), []);
    assert.equal(one(text, code, V3).fixes, undefined);
  });
});

describe('moe-layer-recompute-conflicts-with-full', () => {
  const code = 'moe-layer-recompute-conflicts-with-full';
  test('4.5.2: moe_layer_recompute with full fires; removing it fixes', () => {
    const text = `${QWEN_MOE}moe_layer_recompute: true\nrecompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n`;
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'moe_layer_recompute');
    assert.deepEqual(recomputeProblems(applyFix(text, d.fixes![0]!), V4), []);
  });

  test('4.5.2: quiet with selective recompute or the flag off', () => {
    none('moe_layer_recompute: true\n', code, V4);
    none('moe_layer_recompute: false\nrecompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n', code, V4);
  });
});

describe('recompute-fp8-delayed-moe-act-layernorm', () => {
  const code = 'recompute-fp8-delayed-moe-act-layernorm';
  test('4.5.2: layernorm recompute under the default delayed recipe fires on the item', () => {
    const text = 'fp8_format: e4m3\nrecompute_modules: [core_attn, layernorm]\n';
    const d = one(text, code, V4);
    assert.equal(covered(text, d), 'layernorm');
    assert.match(d.message, /\(the default\)/);
    assert.equal(applyFix(text, fix(d, /tensorwise/)), 'fp8_format: e4m3\nfp8_recipe: tensorwise\nrecompute_modules: [core_attn, layernorm]\n');
    assert.equal(applyFix(text, fix(d, /^Remove/)), 'fp8_format: e4m3\nrecompute_modules: [core_attn]\n');
    assert.equal(fix(d, /^Remove/).preferred, true); // transformer-engine version unknown
  });

  test('4.5.2: the installed transformer-engine decides which fix is offered', () => {
    const text = 'fp8_format: hybrid\nfp8_recipe: delayed\nrecompute_modules: [moe_act, layernorm]\n';
    const old = one(text, code, { ...V4, python: { packages: { 'transformer-engine': '2.4.0' } } });
    assert.ok(!old.fixes?.some((f) => /tensorwise/.test(f.title)));
    assert.match(old.message, /installed: 2\.4\.0/);
    const recent = one(text, code, { ...V4, python: { packages: { 'transformer-engine': '2.8.0' } } });
    assert.equal(fix(recent, /tensorwise/).preferred, true);
    assert.equal(applyFix(text, fix(recent, /tensorwise/)), 'fp8_format: hybrid\nfp8_recipe: tensorwise\nrecompute_modules: [moe_act, layernorm]\n');
  });

  test('quiet with another recipe, without FP8, or without moe_act/layernorm', () => {
    none('fp8_format: e4m3\nfp8_recipe: tensorwise\nrecompute_modules: [layernorm]\n', code, V4);
    none('recompute_modules: [layernorm]\n', code, V4);
    none('fp8_format: e4m3\nrecompute_modules: [core_attn, mlp]\n', code, V4);
  });
});
