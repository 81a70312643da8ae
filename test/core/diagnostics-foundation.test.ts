// Every diagnostic of the foundation fires on a config that breaks it (on the right text) and stays quiet on one
// that does not. Each case also applies the first quick fix, when there is one, and checks the code is gone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, withCode, diagnostics } from '../helpers';

interface Case {
  code: string;
  fires: string;
  /** the text the diagnostic's range covers */
  at: string;
  quiet: string;
  /** text that must appear in the message */
  says?: RegExp;
  severity?: string;
  /** the first fix removes the diagnostic (default true when fixes exist) */
  fixClears?: boolean;
}

const V4 = '# megatron sft ms-swift=4.5.2\n';
const V3 = '# megatron sft ms-swift=3.4.1\n';

const CASES: Case[] = [
  { code: 'yaml-syntax', fires: `${V4}lr: [1e-5\n`, at: '', quiet: `${V4}lr: 1.0e-5\n`, says: /YAML syntax error/ },
  { code: 'yaml-multiple-documents', fires: `${V4}lr: 1.0e-5\n---\nlr: 2\n`, at: '---', quiet: `${V4}lr: 1.0e-5\n`, says: /one YAML document/ },
  { code: 'yaml-root-not-mapping', fires: `${V4}- lr\n- 1\n`, at: '- lr\n- 1', quiet: `${V4}lr: 1\n` },
  { code: 'yaml-key-not-string', fires: `${V4}1: 2\n`, at: '1', quiet: `${V4}lr: 2\n`, says: /number/ },
  { code: 'env-not-mapping', fires: `${V4}ENV: [NPROC_PER_NODE]\n`, at: '[NPROC_PER_NODE]', quiet: `${V4}ENV:\n  NPROC_PER_NODE: "1"\n` },
  { code: 'duplicate-key', fires: `${V4}lr: 1.0e-5\nmin_lr: 0\nlr: 2.0e-5\n`, at: 'lr', quiet: `${V4}lr: 1.0e-5\nmin_lr: 0\n`, says: /line 4/, severity: 'warning' },
  { code: 'duplicate-key', fires: `${V4}micro_batch_size: 1\nmicro-batch-size: 2\n`, at: 'micro_batch_size', quiet: `${V4}micro-batch-size: 2\n`, severity: 'warning' },
  { code: 'unknown-argument', fires: `${V4}microbatch_size: 2\n`, at: 'microbatch_size', quiet: `${V4}micro_batch_size: 2\n`, says: /Did you mean `micro_batch_size`/ },
  { code: 'unknown-argument', fires: `${V4}learning_rate: 1.0e-5\n`, at: 'learning_rate', quiet: `${V4}lr: 1.0e-5\n`, says: /`swift sft`.*`megatron sft` uses `lr`/ },
  { code: 'unknown-argument', fires: `${V4}per_device_train_batch_size: 2\n`, at: 'per_device_train_batch_size', quiet: `${V4}micro_batch_size: 2\n`, says: /uses `micro_batch_size`/ },
  { code: 'unknown-argument', fires: `${V3}output_dir: out\n`, at: 'output_dir', quiet: `${V3}save: out\n`, says: /3\.4\.1 calls it `save`/ },
  { code: 'unknown-argument', fires: `${V4}no_padding_free: true\n`, at: 'no_padding_free', quiet: `${V4}padding_free: false\n`, says: /padding_free: false/ },
  { code: 'unknown-argument', fires: `${V4}env:\n  NPROC_PER_NODE: 1\n`, at: 'env', quiet: `${V4}ENV:\n  NPROC_PER_NODE: 1\n`, says: /under `ENV:`/ },
  { code: 'argument-renamed-in-v4', fires: `${V4}save: out\n`, at: 'save', quiet: `${V4}output_dir: out\n`, says: /`output_dir`/ },
  { code: 'argument-renamed-in-v4', fires: `${V4}load: ckpt\n`, at: 'load', quiet: `${V4}mcore_model: ckpt\n`, says: /`mcore_model`/ },
  { code: 'argument-renamed-in-v4', fires: `${V4}train_type: lora\n`, at: 'train_type', quiet: `${V4}tuner_type: lora\n`, says: /`tuner_type`/ },
  { code: 'argument-renamed-in-v4', fires: `${V4}no_rope_fusion: true\n`, at: 'no_rope_fusion', quiet: `${V4}apply_rope_fusion: false\n`, says: /opposite value/ },
  { code: 'argument-renamed-in-v4', fires: `${V4}distributed_timeout_minutes: 30\n`, at: 'distributed_timeout_minutes', quiet: `${V4}ddp_timeout: 1800\n`, says: /seconds/ },
  { code: 'ambiguous-abbreviation', fires: `${V4}micro: 1\n`, at: 'micro', quiet: `${V4}micro_batch_size: 1\n`, says: /`micro_batch_size`.*`microbatch_group_size_per_vp_stage`/, fixClears: true },
  { code: 'abbreviated-argument', fires: `${V4}micro_batch: 2\n`, at: 'micro_batch', quiet: `${V4}micro_batch_size: 2\n`, severity: 'warning', says: /`micro_batch_size`/ },
  { code: 'abbreviated-argument', fires: `${V4}tensor_model_para: 2\n`, at: 'tensor_model_para', quiet: `${V4}tensor-model-parallel-size: 2\n`, severity: 'warning' },
  { code: 'type-mismatch', fires: `${V4}train_iters: 1.5\n`, at: '1.5', quiet: `${V4}train_iters: 1_000\n`, says: /whole number/ },
  { code: 'type-mismatch', fires: `${V4}lr: fast\n`, at: 'fast', quiet: `${V4}lr: 1e-5\n`, says: /not a number/ },
  { code: 'type-mismatch', fires: `${V4}sequence_parallel: maybe\n`, at: 'maybe', quiet: `${V4}sequence_parallel: yes\n`, says: /true or false/ },
  { code: 'type-mismatch', fires: `${V4}micro_batch_size: [1, 2]\n`, at: '[1, 2]', quiet: `${V4}micro_batch_size: 2\n`, says: /not a list/ },
  { code: 'type-mismatch', fires: `${V4}train_iters: 100.0\n`, at: '100.0', quiet: `${V4}train_iters: 100\n`, fixClears: true },
  { code: 'type-mismatch', fires: `${V3}torch_dtype: bfloat16\n`, at: 'bfloat16', quiet: `${V4}torch_dtype: bfloat16\n`, says: /cannot be set/ },
  { code: 'value-not-in-choices', fires: `${V4}recompute_granularity: fulll\n`, at: 'fulll', quiet: `${V4}recompute_granularity: full\n`, says: /Did you mean `full`/ },
  { code: 'value-not-in-choices', fires: `${V3}recompute_granularity: none\n`, at: 'none', quiet: `${V4}recompute_granularity: none\n`, says: /valid in ms-swift 4\.5\.2/ },
  { code: 'value-not-in-choices', fires: `${V3}lr_decay_style: WSD\n`, at: 'WSD', quiet: `${V3}lr_decay_style: cosine\n` },
  { code: 'value-not-in-choices', fires: `${V4}moe_token_dispatcher_type: alltoall_seq\n`, at: 'alltoall_seq', quiet: `${V4}moe_token_dispatcher_type: alltoall\n` },
  { code: 'value-not-in-choices', fires: `${V4}moe_router_dtype: fp16\n`, at: 'fp16', quiet: `${V4}moe_router_dtype: fp64\n` },
  { code: 'yaml-list-items-must-be-strings', fires: `${V4}moe_aux_loss_coeff: [0.001, 0.001]\n`, at: '0.001', quiet: `${V4}moe_aux_loss_coeff: ["0.001", "0.001"]\n`, says: /TypeError/ },
  { code: 'yaml-list-items-must-be-strings', fires: `${V4}dataset:\n  - a/b#1\n  - 12\n`, at: '12', quiet: `${V4}dataset:\n  - a/b#1\n  - "12"\n` },
  { code: 'yaml-null-or-empty-values', fires: `${V4}lr_decay_iters: null\n`, at: 'null', quiet: `${V4}train_iters: 1000\n`, says: /"None"/ },
  { code: 'yaml-null-or-empty-values', fires: `${V4}recompute_modules: []\n`, at: '[]', quiet: `${V4}recompute_modules: [core_attn]\n`, says: /expected at least one argument/ },
  { code: 'yaml-null-or-empty-values', fires: `${V4}system:\n`, at: '', quiet: `${V4}system: hi\n`, severity: 'warning' },
  { code: 'env-unknown-var', fires: `${V4}ENV:\n  NPROC_PER_NODES: 2\n`, at: 'NPROC_PER_NODES', quiet: `${V4}ENV:\n  NPROC_PER_NODE: 2\n  MY_OWN_SETTING: 1\n`, severity: 'warning', says: /`NPROC_PER_NODE`/ },
  { code: 'env-unknown-var', fires: `${V4}ENV:\n  CUDA_VISBLE_DEVICES: "0"\n`, at: 'CUDA_VISBLE_DEVICES', quiet: `${V4}ENV:\n  CUDA_VISIBLE_DEVICES: "0"\n`, severity: 'warning' },
  { code: 'env-changes-program-loading', fires: `${V4}ENV:\n  LD_PRELOAD: /opt/x.so\n`, at: 'LD_PRELOAD', quiet: `${V4}ENV:\n  NPROC_PER_NODE: 1\n`, severity: 'warning', says: /loaded|code/ },
  { code: 'modeline-unknown-command', fires: '# megatron train\nlr: 1\n', at: 'train', quiet: '# megatron sft\nlr: 1\n', severity: 'warning' },
  { code: 'modeline-unknown-version', fires: '# megatron sft ms-swift=4.3.0\nlr: 1\n', at: '4.3.0', quiet: '# megatron sft ms-swift=4.5.2\nlr: 1\n', severity: 'info', says: /nearest known version, 4\.5\.2/ },
  { code: 'modeline-unknown-option', fires: '# megatron sft ms-swfit=4.5.2\nlr: 1\n', at: 'ms-swfit=4.5.2', quiet: '# megatron sft ms-swift=4.5.2\nlr: 1\n', severity: 'warning' },
  { code: 'command-not-in-version', fires: '# megatron rlhf ms-swift=3.4.1\nlr: 1\n', at: '# megatron rlhf ms-swift=3.4.1', quiet: '# megatron rlhf ms-swift=4.5.2\nlr: 1\n' },
];

describe('foundation diagnostics', () => {
  for (const c of CASES) {
    test(`${c.code} fires on ${JSON.stringify(c.fires.split('\n').slice(1).join(' ').slice(0, 60))}`, () => {
      const found = withCode(c.fires, c.code);
      assert.equal(found.length >= 1, true, `expected ${c.code}; got ${JSON.stringify(diagnostics(c.fires).map((d) => [d.code, d.message]))}`);
      const d = found[0]!;
      assert.equal(covered(c.fires, d), c.at, 'range');
      assert.equal(d.severity, c.severity ?? 'error', 'severity');
      if (c.says) assert.match(d.message, c.says);
      if (d.fixes?.length && c.fixClears !== false) {
        const fixed = applyFix(c.fires, d.fixes[0]!);
        assert.equal(withCode(fixed, c.code).length, found.length - 1, `after "${d.fixes[0]!.title}":\n${fixed}`);
      }
    });
    test(`${c.code} stays quiet on ${JSON.stringify(c.quiet.split('\n').slice(1).join(' ').slice(0, 60))}`, () => {
      assert.deepEqual(withCode(c.quiet, c.code).map((d) => d.message), []);
    });
  }
});

describe('foundation diagnostics: details', () => {
  test('every diagnostic names its key', () => {
    const d = withCode(`${V4}learning_rate: 1\n`, 'unknown-argument')[0]!;
    assert.equal(d.key, 'learning_rate');
  });
  test('quick fix of an inverted v3 switch also inverts the value', () => {
    const text = `${V4}no_bias_dropout_fusion: true\n`;
    const d = withCode(text, 'argument-renamed-in-v4')[0]!;
    assert.equal(applyFix(text, d.fixes![0]!), `${V4}bias_dropout_fusion: false\n`);
  });
  test('minutes become seconds when renaming distributed_timeout_minutes', () => {
    const text = `${V4}distributed_timeout_minutes: 30\n`;
    assert.equal(applyFix(text, withCode(text, 'argument-renamed-in-v4')[0]!.fixes![0]!), `${V4}ddp_timeout: 1800\n`);
  });
  test('quoting list items fixes all of them at once', () => {
    const text = `${V4}moe_aux_loss_coeff: [0.001, 1e-3, 2]\n`;
    const fixed = applyFix(text, withCode(text, 'yaml-list-items-must-be-strings')[0]!.fixes![0]!);
    assert.equal(fixed, `${V4}moe_aux_loss_coeff: ["0.001", 1e-3, "2"]\n`);
    assert.deepEqual(withCode(fixed, 'yaml-list-items-must-be-strings'), []);
  });
  test('null is accepted for an argument whose choices include None', () => {
    const text = `${V4}lora_dtype: null\n`;
    assert.deepEqual(withCode(text, 'yaml-null-or-empty-values').concat(withCode(text, 'value-not-in-choices')), []);
    assert.equal(withCode(`${V4}moe_router_dtype: null\n`, 'yaml-null-or-empty-values').length, 1);
  });
  test('null in a 3.4.1 config means "leave it out"', () => {
    assert.deepEqual(withCode(`${V3}lr_decay_iters: null\n`, 'yaml-null-or-empty-values'), []);
  });
  test('v4 list items that PyYAML reads as strings (1e-3) are fine', () => {
    assert.deepEqual(withCode(`${V4}moe_aux_loss_coeff: [1e-3]\n`, 'yaml-list-items-must-be-strings'), []);
  });
  test('# ms-swift-ignore silences one code on its line, or the next line', () => {
    assert.deepEqual(withCode(`${V4}microbatch_size: 2 # ms-swift-ignore: unknown-argument\n`, 'unknown-argument'), []);
    assert.deepEqual(withCode(`${V4}# ms-swift-ignore\nmicrobatch_size: 2\n`, 'unknown-argument'), []);
    assert.equal(withCode(`${V4}microbatch_size: 2 # ms-swift-ignore: duplicate-key\n`, 'unknown-argument').length, 1);
  });
  test('a rule can be turned off or given another severity', () => {
    assert.deepEqual(withCode(`${V4}microbatch_size: 2\n`, 'unknown-argument', { rules: { 'unknown-argument': 'off' } }), []);
    assert.equal(withCode(`${V4}microbatch_size: 2\n`, 'unknown-argument', { rules: { 'unknown-argument': 'info' } })[0]!.severity, 'info');
  });
  test('merge keys bring in arguments, and alias bombs are stopped', () => {
    const text = `${V4}base: &b\n  lr: 1\n<<: *b\n`;
    assert.ok(diagnostics(text).some((d) => d.code === 'unknown-argument' && d.key === 'base'));
    const bomb = `${V4}a0: &a ["x","x","x","x","x","x","x","x","x","x"]\n` + Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(i === 0 ? '*a' : `*a${i}`).join(',')}]`).join('\n') + '\n';
    const started = Date.now();
    const ds = diagnostics(bomb);
    assert.ok(Date.now() - started < 5000);
    assert.ok(ds.some((d) => d.code === 'yaml-value-unreadable' || d.code === 'yaml-syntax'), JSON.stringify(ds.map((d) => d.code)));
  });
});

describe('rule engine robustness', () => {
  test('a rule that throws is skipped and reported; the other rules still run', () => {
    const failures: string[] = [];
    const ds = diagnostics(`${V4}microbatch_size: 2\n`, {
      extraRules: [{ id: 'always-throws', title: 't', area: 'document', severity: { '4.5.2': 'error' }, sources: [], check: () => { throw new Error('boom'); } }],
      onRuleError: (id, e) => failures.push(`${id}: ${(e as Error).message}`),
    });
    assert.deepEqual(failures, ['always-throws: boom']);
    assert.ok(ds.some((d) => d.code === 'unknown-argument'));
  });
  test('a finding keyed on an ENV variable points at that variable', () => {
    const text = `${V4}ENV:\n  NPROC_PER_NODE: "1"\nlr: 1\n`;
    const ds = diagnostics(text, { extraRules: [{ id: 'env-probe', title: 't', area: 'environment', severity: { '4.5.2': 'info' }, sources: [], *check() { yield { message: 'x', key: 'NPROC_PER_NODE' }; } }] });
    assert.equal(covered(text, ds.find((d) => d.code === 'env-probe')!), 'NPROC_PER_NODE');
  });
});

describe('documents over the size limit', () => {
  test('one diagnostic and syntax errors only', () => {
    const big = `${V4}microbatch_size: 2\nlr: [1\n` + '# filler\n'.repeat(200);
    const ds = diagnostics(big, { maxDocumentSize: 1000 });
    assert.deepEqual([...new Set(ds.map((d) => d.code))].sort(), ['document-too-large', 'yaml-syntax']);
    assert.match(ds.find((d) => d.code === 'document-too-large')!.message, /only YAML syntax is checked/);
    assert.ok(diagnostics(big).some((d) => d.code === 'unknown-argument'), 'under the default limit it is checked in full');
  });
});
