// Focused tests of the tensor/sequence/context-parallel rules (core/src/rules/parallelism/tp-sp-cp/): each rule fires
// and stays quiet in the versions it applies to, the boundaries of its condition, silence when the world size or the
// model is unknown, and that every quick fix silences it without adding an error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { factsFromConfig } from '../../core/src/model/lookup';
import { CommandName } from '../../core/src/catalog/schema';
import { covered, withCode } from '../helpers';
import { applyEachFix, one, quiet } from './assert';

type V = '3.4.1' | '4.5.2';
const BOTH: V[] = ['3.4.1', '4.5.2'];

function opts(version: V, extra: Partial<CheckOptions> = {}, command: CommandName = 'megatron sft'): CheckOptions {
  return { version, command, ...extra };
}

/** options that make the model facts come from a given config.json */
function model(config: Record<string, unknown>, version: V, extra: Partial<CheckOptions> = {}, command: CommandName = 'megatron sft'): CheckOptions {
  return opts(version, { modelFacts: () => factsFromConfig(config, 'test/config.json'), ...extra }, command);
}

/** Applies every fix: each must remove the diagnostic and add no error code that was not there before. */
function fixesWork(text: string, code: string, o: CheckOptions, minFixes = 1): string[] {
  const fixes = withCode(text, code, o).flatMap((d) => d.fixes ?? []);
  assert.ok(fixes.length >= minFixes, `expected at least ${minFixes} fix(es) for ${code}`);
  const results = applyEachFix(text, code, fixes, o);
  assert.equal(fixes.filter((f) => f.preferred).length, 1, 'exactly one preferred fix');
  return results;
}

const QWEN7B = 'model: Qwen/Qwen2.5-7B-Instruct\n'; // 28 heads, 4 KV heads, vocab 152064, max_position_embeddings 32768
const QWEN_MOE = 'model: Qwen/Qwen3-30B-A3B\n'; // 128 experts, 32 heads, 4 KV heads
const env = (n: number | string, more = '') => `ENV:\n  NPROC_PER_NODE: ${typeof n === 'number' ? n : n}\n${more}`;

describe('world-size-divisible-by-tp-pp-cp', () => {
  const code = 'world-size-divisible-by-tp-pp-cp';
  for (const v of BOTH) {
    test(`${v}: 6 processes with TP 4 fires on the TP key; fixes give a valid layout`, () => {
      const text = `${env(6)}tensor_model_parallel_size: 4\n`;
      const d = one(text, code, opts(v));
      assert.equal(d.severity, 'error');
      assert.equal(covered(text, d), 'tensor_model_parallel_size');
      assert.match(d.message, /6 processes/);
      assert.match(d.message, /TP 4 × PP 1 × CP 1 = 4/);
      assert.match(d.message, /tensor_model_parallel_size 3 or 6/);
      const fixed = fixesWork(text, code, opts(v), 2);
      assert.ok(fixed.some((t) => /NPROC_PER_NODE: 4/.test(t)), 'offers fewer processes');
    });
    test(`${v}: 8 processes with TP 4 is quiet`, () => quiet(`${env(8)}tensor_model_parallel_size: 4\n`, code, opts(v)));
  }
  test('silent when the world size is unknown (no NPROC_PER_NODE, scheduler NNODES, shell reference)', () => {
    quiet('tensor_model_parallel_size: 4\n', code, opts('4.5.2'));
    quiet('ENV:\n  NNODES: $WORLD_SIZE\ntensor_model_parallel_size: 3\n', code, opts('4.5.2'));
    quiet('ENV:\n  NPROC_PER_NODE: $GPUS\ntensor_model_parallel_size: 3\n', code, opts('4.5.2'));
  });
  test('multi-node: NPROC_PER_NODE x NNODES is the world size', () => {
    quiet(`${env(4, '  NNODES: 2\n')}tensor_model_parallel_size: 8\n`, code, opts('4.5.2'));
    const d = one(`${env(4, '  NNODES: 2\n')}tensor_model_parallel_size: 3\n`, code, opts('4.5.2'));
    assert.match(d.message, /NPROC_PER_NODE 4 × NNODES 2 = 8 processes/);
  });
  test('PP and CP count too; the finding goes on the key that is set', () => {
    const pp = `${env(8)}pipeline_model_parallel_size: 3\n`;
    assert.equal(covered(pp, one(pp, code, opts('4.5.2'))), 'pipeline_model_parallel_size');
    const cp = `${env(8)}tensor_model_parallel_size: 2\ncontext_parallel_size: 3\n`;
    assert.match(one(cp, code, opts('3.4.1')).message, /TP 2 × PP 1 × CP 3 = 6/);
    quiet(`${env(8)}tensor_model_parallel_size: 2\ncontext_parallel_size: 2\npipeline_model_parallel_size: 2\n`, code, opts('4.5.2'));
  });
  test('the launch choice of GPUs gives the world size when ENV has no NPROC_PER_NODE (no ENV fix then)', () => {
    const text = 'tensor_model_parallel_size: 4\n';
    const d = one(text, code, opts('4.5.2', { launch: { visibleGpus: 6 } }));
    assert.ok((d.fixes ?? []).every((f) => !/NPROC_PER_NODE/.test(f.title)));
  });
  test('more processes are offered only when enough GPUs are visible', () => {
    const text = `${env(6, '  CUDA_VISIBLE_DEVICES: "0,1,2,3,4,5,6,7"\n')}tensor_model_parallel_size: 4\n`;
    const titles = (one(text, code, opts('4.5.2')).fixes ?? []).map((f) => f.title);
    assert.ok(titles.includes('Set `NPROC_PER_NODE: 8`'), titles.join('; '));
    assert.ok(titles.includes('Set `NPROC_PER_NODE: 4`'), titles.join('; '));
    fixesWork(text, code, opts('4.5.2'), 3);
  });
  test('a TP fix keeps the global batch size whole (DP must divide it)', () => {
    // world 6, gbs 16: TP 2 gives DP 3, which does not divide 16
    const d = one(`${env(6)}tensor_model_parallel_size: 4\nglobal_batch_size: 16\n`, code, opts('4.5.2'));
    assert.ok(!(d.fixes ?? []).some((f) => f.title === 'Set `tensor_model_parallel_size: 2`'));
  });
});

describe('tp-divides-attention-heads', () => {
  const code = 'tp-divides-attention-heads';
  for (const v of BOTH) {
    test(`${v}: TP 8 on a 28-head model fires, names the model and its source, and fixes to TP 4`, () => {
      const text = `${QWEN7B}${env(8)}tensor_model_parallel_size: 8\n`;
      const d = one(text, code, opts(v));
      assert.equal(covered(text, d), 'tensor_model_parallel_size');
      assert.match(d.message, /28 attention heads of Qwen\/Qwen2\.5-7B-Instruct \(bundled table\)/);
      assert.match(d.message, /4, 2 or 1/);
      assert.equal(d.fixes?.[0]?.title, 'Set `tensor_model_parallel_size: 4`');
      assert.equal(d.fixes?.[0]?.preferred, true);
      fixesWork(text, code, opts(v));
    });
    test(`${v}: TP 4 and TP 7 divide 28 heads`, () => {
      quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 4\n`, code, opts(v));
      quiet(`${QWEN7B}${env(7)}tensor_model_parallel_size: 7\n`, code, opts(v));
    });
    test(`${v}: silent when the model is unknown`, () => {
      quiet(`model: someone/unknown-model\n${env(8)}tensor_model_parallel_size: 8\n`, code, opts(v));
      quiet(`${env(8)}tensor_model_parallel_size: 8\n`, code, opts(v));
    });
  }
  test('3.4.1: a num_attention_heads setting overrides config.json', () => {
    quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 8\nnum_attention_heads: 32\n`, code, opts('3.4.1'));
    const d = one(`${QWEN7B}${env(8)}tensor_model_parallel_size: 8\nnum_attention_heads: 36\n`, code, opts('3.4.1'));
    assert.match(d.message, /36 attention heads of `num_attention_heads: 36` in this config/);
  });
  test('4.5.2: megatron_extra_kwargs overrides config.json', () => {
    quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 8\nmegatron_extra_kwargs: '{"num_attention_heads": 32, "num_query_groups": 8}'\n`, code, opts('4.5.2'));
  });
  test('on a MoE model a TP fix also turns sequence_parallel on', () => {
    const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 3\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.match(d.fixes?.[0]?.title ?? '', /^Set `tensor_model_parallel_size: [24]` and `sequence_parallel: true`$/);
    const fixed = fixesWork(text, code, opts('4.5.2'));
    assert.ok(fixed.every((t) => /sequence_parallel: true/.test(t)));
  });
  test('a problem that is already there (expert grid) does not block the TP fix', () => {
    // 8 processes cannot hold EP 16 whatever TP is (world-size-divisible-by-etp-ep-pp reports that)
    const text = `${QWEN7B}${env(8)}tensor_model_parallel_size: 8\nexpert_model_parallel_size: 16\n`;
    assert.equal(one(text, code, opts('4.5.2')).fixes?.[0]?.title, 'Set `tensor_model_parallel_size: 4`');
    fixesWork(text, code, opts('4.5.2'));
  });
  test('a local config.json is named by its path', () => {
    const d = one('model: models/custom\ntensor_model_parallel_size: 4\n', code, model({ num_attention_heads: 6 }, '4.5.2'));
    assert.match(d.message, /6 attention heads of models\/custom \(test\/config\.json\)/);
  });
});

describe('tp-vs-query-groups', () => {
  const code = 'tp-vs-query-groups';
  const llama = 'model: LLM-Research/Meta-Llama-3.1-8B-Instruct\n'; // 32 heads, 8 KV heads
  test('TP 16 on 8 KV heads: fails in 3.4.1 (G % TP), accepted in 4.5.2 (TP % G)', () => {
    const text = `${llama}${env(16)}tensor_model_parallel_size: 16\n`;
    const d = one(text, code, opts('3.4.1'));
    assert.match(d.message, /8 KV heads/);
    assert.match(d.message, /3\.4\.1/);
    fixesWork(text, code, opts('3.4.1'));
    quiet(text, code, opts('4.5.2'));
  });
  for (const v of BOTH) {
    test(`${v}: TP 7 with 4 KV heads fires (no TP fix fits 7 processes and gbs 16)`, () => {
      const text = `${QWEN7B}${env(7)}tensor_model_parallel_size: 7\n`;
      const d = one(text, code, opts(v));
      assert.match(d.message, /4 KV heads \(query groups\) of Qwen\/Qwen2\.5-7B-Instruct \(bundled table\)/);
      assert.match(d.message, /NPROC_PER_NODE/);
      assert.deepEqual(d.fixes ?? [], []);
    });
    test(`${v}: with 8 processes TP 7 gets fixes`, () => {
      const text = `${QWEN7B}${env(8)}tensor_model_parallel_size: 7\n`;
      fixesWork(text, code, opts(v));
    });
    test(`${v}: a TP that already fails the heads rule is left to that rule`, () => {
      quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 8\n`, code, opts(v));
    });
    test(`${v}: one KV head (MQA) is accepted`, () => {
      quiet('model: m\ntensor_model_parallel_size: 4\n', code, model({ num_attention_heads: 32, num_key_value_heads: 1 }, v));
    });
  }
  test('4.5.2: MLA model types drop the KV-head count', () => {
    const cfg = { model_type: 'deepseek_v3', num_attention_heads: 16, num_key_value_heads: 3 };
    quiet('model: m\ntensor_model_parallel_size: 2\n', code, model(cfg, '4.5.2'));
    one('model: m\ntensor_model_parallel_size: 2\n', code, model({ ...cfg, model_type: 'llama' }, '4.5.2'));
  });
});

describe('hidden-size-divisible-by-heads', () => {
  const code = 'hidden-size-divisible-by-heads';
  test('3.4.1: hidden 4100 with 32 heads and no head_dim fires on the model key', () => {
    const text = 'model: models/custom-llama\n';
    const d = one(text, code, model({ hidden_size: 4100, num_attention_heads: 32 }, '3.4.1'));
    assert.equal(covered(text, d), 'model');
    assert.match(d.message, /4100/);
    assert.match(d.message, /32 attention heads/);
  });
  test('3.4.1: quiet with a head_dim, a kv_channels setting, or a hidden size that divides', () => {
    quiet('model: m\n', code, model({ hidden_size: 4100, num_attention_heads: 32, head_dim: 128 }, '3.4.1'));
    quiet('model: m\nkv_channels: 128\n', code, model({ hidden_size: 4100, num_attention_heads: 32 }, '3.4.1'));
    quiet('model: m\n', code, model({ hidden_size: 4096, num_attention_heads: 32 }, '3.4.1'));
    quiet('model: m\n', code, model({ hidden_size: 4100 }, '3.4.1'));
  });
  test('4.5.2: does not apply', () => quiet('model: m\n', code, model({ hidden_size: 4100, num_attention_heads: 32 }, '4.5.2')));
});

describe('tp-divides-vocab-size', () => {
  const code = 'tp-divides-vocab-size';
  const cfg = { vocab_size: 32001 };
  test('3.4.1: vocab 32001 with TP 2 fires; fixes to a dividing TP', () => {
    const text = 'model: m\ntensor_model_parallel_size: 2\n';
    const d = one(text, code, model(cfg, '3.4.1'));
    assert.match(d.message, /32001 tokens/);
    assert.match(d.message, /padded_vocab_size: 32002/);
    fixesWork(text, code, model(cfg, '3.4.1'));
  });
  test('3.4.1: quiet with an even vocabulary, with a padded_vocab_size setting, or with TP 1', () => {
    quiet('model: m\ntensor_model_parallel_size: 2\n', code, model({ vocab_size: 32000 }, '3.4.1'));
    quiet('model: m\ntensor_model_parallel_size: 2\npadded_vocab_size: 32002\n', code, model(cfg, '3.4.1'));
    quiet('model: m\n', code, model(cfg, '3.4.1'));
  });
  test('4.5.2: pads the vocabulary itself', () => quiet('model: m\ntensor_model_parallel_size: 2\n', code, model(cfg, '4.5.2')));
});

describe('tp-divides-ffn-hidden-size', () => {
  const code = 'tp-divides-ffn-hidden-size';
  for (const v of BOTH) {
    test(`${v}: intermediate_size 11004 with TP 8 fires; 11008 is quiet`, () => {
      const text = 'model: models/custom\ntensor_model_parallel_size: 8\n';
      const d = one(text, code, model({ intermediate_size: 11004 }, v));
      assert.match(d.message, /11004/);
      assert.equal(d.fixes?.[0]?.title, 'Set `tensor_model_parallel_size: 4`', 'a power of two is preferred');
      fixesWork(text, code, model({ intermediate_size: 11004 }, v));
      quiet(text, code, model({ intermediate_size: 11008 }, v));
    });
  }
  const moe = { model_type: 'qwen3_moe', num_experts: 8, intermediate_size: 6144, moe_intermediate_size: 1000, num_attention_heads: 32, num_key_value_heads: 16 };
  test('3.4.1: the expert width is split by TP', () => {
    const text = 'model: m\ntensor_model_parallel_size: 16\nsequence_parallel: true\n';
    assert.match(one(text, code, model(moe, '3.4.1')).message, /expert MLP width 1000/);
  });
  test('4.5.2: the expert width is split by expert_tensor_parallel_size (default 1), not TP', () => {
    quiet('model: m\ntensor_model_parallel_size: 16\nsequence_parallel: true\n', code, model(moe, '4.5.2'));
    const text = 'model: m\nexpert_tensor_parallel_size: 16\n';
    const d = one(text, code, model(moe, '4.5.2'));
    assert.equal(covered(text, d), 'expert_tensor_parallel_size');
    fixesWork(text, code, model(moe, '4.5.2'));
  });
  test('shared experts are split by TP', () => {
    const cfg = { ...moe, moe_intermediate_size: 1024, shared_expert_intermediate_size: 5640 };
    for (const v of BOTH) assert.match(one('model: m\ntensor_model_parallel_size: 16\nsequence_parallel: true\n', code, model(cfg, v)).message, /shared-expert width 5640/);
  });
  test('4.5.2: dense layers of a MoE model count only when it has them (first_k_dense_replace)', () => {
    const cfg = { model_type: 'deepseek_v3', num_experts: 8, intermediate_size: 1000, moe_intermediate_size: 1024 };
    quiet('model: m\ntensor_model_parallel_size: 16\n', code, model(cfg, '4.5.2'));
    one('model: m\ntensor_model_parallel_size: 16\n', code, model({ ...cfg, first_k_dense_replace: 1 }, '4.5.2'));
  });
  test('silent when the model is unknown', () => quiet('model: a/b\ntensor_model_parallel_size: 8\n', code, opts('4.5.2')));
});

describe('tp-cp-divides-linear-attention-heads', () => {
  const code = 'tp-cp-divides-linear-attention-heads';
  const cfg = { model_type: 'qwen3_5', linear_num_key_heads: 16, linear_num_value_heads: 32 };
  const text = `model: m\n${env(8)}tensor_model_parallel_size: 4\ncontext_parallel_size: 8\n`;
  test('4.5.2: TP 4 x CP 8 does not divide 16 key heads; CP fixes come first', () => {
    const d = one(text, code, model(cfg, '4.5.2'));
    assert.equal(covered(text, d), 'context_parallel_size');
    assert.match(d.message, /16 key heads/);
    assert.equal(d.fixes?.[0]?.title, 'Set `context_parallel_size: 2`');
    fixesWork(text, code, model(cfg, '4.5.2'));
  });
  test('4.5.2: quiet with CP 2, for models without megatron-core GDN, and with USE_MCORE_GDN=0', () => {
    quiet(text.replace('context_parallel_size: 8', 'context_parallel_size: 2'), code, model(cfg, '4.5.2'));
    quiet(text, code, model({ ...cfg, model_type: 'qwen3_next' }, '4.5.2'));
    quiet(text.replace('ENV:\n', 'ENV:\n  USE_MCORE_GDN: "0"\n'), code, model(cfg, '4.5.2'));
  });
  test('3.4.1: does not apply', () => quiet(text, code, model(cfg, '3.4.1')));
});

describe('sequence-parallel-requires-tp', () => {
  const code = 'sequence-parallel-requires-tp';
  for (const v of BOTH) {
    test(`${v}: sequence_parallel with TP 1 is a warning that says it is turned off; the fix removes it`, () => {
      const text = 'tensor_model_parallel_size: 1\nsequence_parallel: true\n';
      const d = one(text, code, opts(v));
      assert.equal(d.severity, 'warning');
      assert.equal(covered(text, d), 'sequence_parallel');
      assert.match(d.message, /turns it off/);
      const [fixed] = fixesWork(text, code, opts(v));
      assert.equal(fixed, 'tensor_model_parallel_size: 1\n');
    });
    test(`${v}: quiet with TP 2, or without sequence_parallel`, () => {
      quiet(`${env(2)}tensor_model_parallel_size: 2\nsequence_parallel: true\n`, code, opts(v));
      quiet('sequence_parallel: false\n', code, opts(v));
    });
  }
  test('default TP (unset) is 1', () => assert.equal(withCode('sequence_parallel: true\n', code, opts('4.5.2')).length, 1));
});

describe('tp-comm-overlap-requires-sequence-parallel', () => {
  const code = 'tp-comm-overlap-requires-sequence-parallel';
  for (const v of BOTH) {
    test(`${v}: TP 2 without sequence_parallel fires; enabling it is the preferred fix`, () => {
      const text = `${env(2)}tensor_model_parallel_size: 2\ntp_comm_overlap: true\n`;
      const d = one(text, code, opts(v));
      assert.equal(covered(text, d), 'tp_comm_overlap');
      assert.equal(d.fixes?.find((f) => f.preferred)?.title, 'Set `sequence_parallel: true`');
      fixesWork(text, code, opts(v), 2);
    });
    test(`${v}: TP 1 fails even with sequence_parallel (it is turned off)`, () => {
      const text = 'sequence_parallel: true\ntp_comm_overlap: true\n';
      assert.match(one(text, code, opts(v)).message, /always turned off/);
      fixesWork(text, code, opts(v));
    });
    test(`${v}: quiet with TP 2 and sequence_parallel`, () => {
      quiet(`${env(2)}tensor_model_parallel_size: 2\nsequence_parallel: true\ntp_comm_overlap: true\n`, code, opts(v));
    });
  }
  test('4.5.2 megatron export --to_hf turns sequence_parallel on itself', () => {
    quiet(`${env(2)}tensor_model_parallel_size: 2\ntp_comm_overlap: true\nto_hf: true\n`, code, opts('4.5.2', {}, 'megatron export'));
  });
});

describe('moe-tp-requires-sequence-parallel', () => {
  const code = 'moe-tp-requires-sequence-parallel';
  for (const v of BOTH) {
    test(`${v}: a MoE model with TP 2 and no sequence_parallel fires; the fix enables it`, () => {
      const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\n`;
      const d = one(text, code, opts(v));
      assert.match(d.message, /Qwen\/Qwen3-30B-A3B \(bundled table\) is a mixture-of-experts model/);
      assert.match(d.message, /first training step/);
      const [fixed] = fixesWork(text, code, opts(v));
      assert.match(fixed!, /sequence_parallel: true/);
    });
    test(`${v}: quiet with sequence_parallel, with TP 1, on a dense model, and when the model is unknown`, () => {
      quiet(`${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\nsequence_parallel: true\n`, code, opts(v));
      quiet(`${QWEN_MOE}${env(8)}`, code, opts(v));
      quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 2\n`, code, opts(v));
      quiet(`model: a/b\n${env(8)}tensor_model_parallel_size: 2\n`, code, opts(v));
    });
    test(`${v}: the finding sits on sequence_parallel when it is set to false`, () => {
      const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\nsequence_parallel: false\n`;
      assert.equal(covered(text, one(text, code, opts(v))), 'sequence_parallel');
      fixesWork(text, code, opts(v));
    });
  }
  test('4.5.2: megatron export is not checked (eval mode, and it enables sequence_parallel itself)', () => {
    quiet(`${QWEN_MOE}${env(2)}tensor_model_parallel_size: 2\nto_hf: true\n`, code, opts('4.5.2', {}, 'megatron export'));
  });
});

describe('ep-tp-requires-sequence-parallel', () => {
  const code = 'ep-tp-requires-sequence-parallel';
  const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\nexpert_model_parallel_size: 4\n`;
  test('3.4.1: an error at model build', () => {
    const d = one(text, code, opts('3.4.1'));
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'expert_model_parallel_size');
    fixesWork(text, code, opts('3.4.1'));
  });
  test('4.5.2: only information (megatron-core warns)', () => {
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.severity, 'info');
    assert.match(d.message, /only prints a warning/);
  });
  for (const v of BOTH) {
    test(`${v}: quiet with sequence_parallel, EP 1 or TP 1`, () => {
      quiet(`${text}sequence_parallel: true\n`, code, opts(v));
      quiet(`${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\n`, code, opts(v));
      quiet(`${QWEN_MOE}${env(8)}expert_model_parallel_size: 4\n`, code, opts(v));
    });
  }
  test('4.5.2: a dense model gets EP forced to 1, so nothing to say', () => {
    quiet(`${QWEN7B}${env(8)}tensor_model_parallel_size: 2\nexpert_model_parallel_size: 4\n`, code, opts('4.5.2'));
  });
});

describe('cp-seq-length-multiple', () => {
  const code = 'cp-seq-length-multiple';
  test('3.4.1: max_length 8190 with CP 2 fires; fixes round to a multiple of 4', () => {
    const text = `${env(2)}context_parallel_size: 2\nmax_length: 8190\n`;
    const d = one(text, code, opts('3.4.1'));
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'max_length');
    assert.equal(d.fixes?.[0]?.title, 'Set `max_length: 8192`');
    fixesWork(text, code, opts('3.4.1'), 2);
  });
  test('3.4.1: quiet with 8192, with CP 1, and when the length is unknown', () => {
    quiet(`${env(2)}context_parallel_size: 2\nmax_length: 8192\n`, code, opts('3.4.1'));
    quiet('max_length: 8190\n', code, opts('3.4.1'));
    quiet(`${env(2)}context_parallel_size: 2\n`, code, opts('3.4.1'));
  });
  test('3.4.1: without max_length Megatron uses max_position_embeddings', () => {
    const text = `model: m\n${env(3)}context_parallel_size: 3\n`;
    const d = one(text, code, model({ max_position_embeddings: 32768 }, '3.4.1'));
    assert.equal(covered(text, d), 'context_parallel_size');
    assert.match(d.message, /32768/);
    fixesWork(text, code, model({ max_position_embeddings: 32768 }, '3.4.1'));
  });
  test('3.4.1: rounding up never goes past max_position_embeddings', () => {
    const text = `model: m\n${env(2)}context_parallel_size: 2\nmax_length: 32769\n`;
    const o = model({ max_position_embeddings: 32770 }, '3.4.1');
    const titles = (one(text, code, o).fixes ?? []).map((f) => f.title);
    assert.deepEqual(titles, ['Set `max_length: 32768`']);
  });
  test('4.5.2: only information (batches are padded)', () => {
    const text = `${env(2)}context_parallel_size: 2\nmax_length: 8190\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.severity, 'info');
    assert.match(d.message, /pads each batch to a multiple of 2 tokens/);
    quiet(`${env(2)}context_parallel_size: 2\nmax_length: 8192\n`, code, opts('4.5.2'));
  });
});

describe('seq-length-exceeds-max-position-embeddings', () => {
  const code = 'seq-length-exceeds-max-position-embeddings';
  test('3.4.1: max_length 65536 on a 32768-position model fires; the fix sets 32768', () => {
    const text = `${QWEN7B}max_length: 65536\n`;
    const d = one(text, code, opts('3.4.1'));
    assert.equal(covered(text, d), 'max_length');
    assert.match(d.message, /32768 position embeddings of Qwen\/Qwen2\.5-7B-Instruct \(bundled table\)/);
    const [fixed] = fixesWork(text, code, opts('3.4.1'));
    assert.match(fixed!, /max_length: 32768/);
  });
  test('3.4.1: quiet at the limit, with a max_position_embeddings setting, and for an unknown model', () => {
    quiet(`${QWEN7B}max_length: 32768\n`, code, opts('3.4.1'));
    quiet(`${QWEN7B}max_length: 65536\nmax_position_embeddings: 65536\n`, code, opts('3.4.1'));
    quiet('model: a/b\nmax_length: 65536\n', code, opts('3.4.1'));
  });
  test('3.4.1: with CP the fix stays a multiple of 2 x CP', () => {
    const text = `model: m\n${env(3)}context_parallel_size: 3\nmax_length: 40000\n`;
    const o = model({ max_position_embeddings: 32768 }, '3.4.1');
    assert.equal(one(text, code, o).fixes?.[0]?.title, 'Set `max_length: 32766`');
    fixesWork(text, code, o);
  });
  test('4.5.2: does not apply', () => quiet(`${QWEN7B}max_length: 65536\n`, code, opts('4.5.2')));
});
