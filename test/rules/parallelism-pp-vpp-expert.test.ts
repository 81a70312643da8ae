// Focused tests of the pipeline / virtual-pipeline / expert-parallel rules (core/src/rules/parallelism/pp-vpp-expert/):
// each rule fires and stays quiet in the versions it applies to, the boundaries of its condition, silence when the
// world size or the model is unknown, that every quick fix silences it without adding an error, and the
// pipelineLayers() helper.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { CommandName, KnownVersion } from '../../core/src/catalog/schema';
import { commandCatalog } from '../../core/src/catalog/catalog';
import { parseConfig } from '../../core/src/config/parse';
import { bundledOnlyProvider, factsFromConfig } from '../../core/src/model/lookup';
import { RuleContext } from '../../core/src/rules/context';
import { evaluatePipeline, parseLayout, pipelineLayers } from '../../core/src/rules/parallelism/pp-vpp-expert';
import { covered, withCode } from '../helpers';
import { applyEachFix, one, quiet } from './assert';

type V = '3.4.1' | '4.5.2';
const BOTH: V[] = ['3.4.1', '4.5.2'];

function opts(version: V, extra: Partial<CheckOptions> = {}, command: CommandName = 'megatron sft'): CheckOptions {
  return { version, command, ...extra };
}

/** options that make the model facts come from a given config.json */
function model(config: Record<string, unknown>, version: V, extra: Partial<CheckOptions> = {}): CheckOptions {
  return opts(version, { modelFacts: () => factsFromConfig(config, 'test/config.json'), ...extra });
}

/** Applies every fix: each must remove the diagnostic and add no error code that was not there before. */
function fixesWork(text: string, code: string, o: CheckOptions, minFixes = 1): string[] {
  const fixes = withCode(text, code, o).flatMap((d) => d.fixes ?? []);
  assert.ok(fixes.length >= minFixes, `expected at least ${minFixes} fix(es) for ${code}, got ${fixes.length}`);
  const results = applyEachFix(text, code, fixes, o);
  assert.equal(fixes.filter((f) => f.preferred).length, 1, 'exactly one preferred fix');
  return results;
}

const QWEN7B = 'model: Qwen/Qwen2.5-7B-Instruct\n'; // 28 layers, dense
const LLAMA8B = 'model: LLM-Research/Meta-Llama-3.1-8B-Instruct\n'; // 32 layers, dense
const QWEN_MOE = 'model: Qwen/Qwen3-30B-A3B\n'; // 48 layers, 128 experts
const QWEN15_MOE = 'model: Qwen/Qwen1.5-MoE-A2.7B-Chat\n'; // 24 layers, 60 experts
const env = (n: number | string, more = '') => `ENV:\n  NPROC_PER_NODE: ${n}\n${more}`;

// ---------------------------------------------------------------------------------------------------------------
describe('world-size-divisible-by-etp-ep-pp', () => {
  const code = 'world-size-divisible-by-etp-ep-pp';
  for (const v of BOTH) {
    test(`${v}: EP larger than the world fires on expert_model_parallel_size, with EP fixes`, () => {
      const text = `${QWEN_MOE}${env(8)}expert_model_parallel_size: 16\n`;
      const d = one(text, code, opts(v));
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'expert_model_parallel_size');
      assert.equal(covered(text, d), 'expert_model_parallel_size');
      assert.match(d.message, /16 does not divide the world size 8/);
      const fixed = fixesWork(text, code, opts(v), 2);
      assert.ok(fixed[0]!.includes('expert_model_parallel_size: 8'));
      quiet(`${QWEN_MOE}${env(8)}expert_model_parallel_size: 8\n`, code, opts(v));
    });
    test(`${v}: silent when the world size is unknown`, () => {
      quiet(`${QWEN_MOE}expert_model_parallel_size: 16\n`, code, opts(v));
      quiet(`${QWEN_MOE}ENV:\n  NNODES: $WORLD_SIZE\nexpert_model_parallel_size: 16\n`, code, opts(v));
    });
    test(`${v}: a world size that TP x PP x CP already fails is left to world-size-divisible-by-tp-pp-cp`, () => {
      quiet(`${QWEN7B}${env(6)}pipeline_model_parallel_size: 4\n`, code, opts(v));
    });
  }
  test('3.4.1: the expert tensor-parallel size is TP, so TP 2 x EP 8 does not fit 8 GPUs (4.5.2: ETP defaults to 1)', () => {
    const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\nsequence_parallel: true\nexpert_model_parallel_size: 8\n`;
    const d = one(text, code, opts('3.4.1'));
    assert.match(d.message, /= `tensor_model_parallel_size` in ms-swift 3\.4\.1/);
    assert.match(d.message, /parallel 2 \(.*\) × `expert_model_parallel_size` 8 × `pipeline_model_parallel_size` 1 = 16/);
    fixesWork(text, code, opts('3.4.1'));
    quiet(text, code, opts('4.5.2'));
  });
  test('4.5.2: expert_tensor_parallel_size counts, and a fix may lower it instead', () => {
    const text = `${QWEN_MOE}${env(8)}tensor_model_parallel_size: 2\nsequence_parallel: true\nexpert_model_parallel_size: 4\nexpert_tensor_parallel_size: 4\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.match(d.message, /`expert_tensor_parallel_size` 4 × `expert_model_parallel_size` 4/);
    const titles = (d.fixes ?? []).map((f) => f.title);
    assert.ok(titles.some((t) => t.includes('expert_tensor_parallel_size: 2')), titles.join(' | '));
    fixesWork(text, code, opts('4.5.2'), 2);
    quiet(`${QWEN_MOE}${env(8)}expert_model_parallel_size: 4\nexpert_tensor_parallel_size: 2\n`, code, opts('4.5.2'));
  });
  test('4.5.2: a dense model still needs the expert groups to fit; the preferred fix drops EP', () => {
    const text = `${QWEN7B}${env(8)}expert_model_parallel_size: 16\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.match(d.message, /still builds these groups for a dense model/);
    const [fixed] = fixesWork(text, code, opts('4.5.2'));
    assert.ok(!fixed!.includes('expert_model_parallel_size'));
  });
  test('multi-node world size counts NNODES', () => {
    const text = `${QWEN_MOE}ENV:\n  NPROC_PER_NODE: 8\n  NNODES: 2\n  NODE_RANK: 0\n  MASTER_ADDR: 10.0.0.1\nexpert_model_parallel_size: 32\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /world size 16 \(NPROC_PER_NODE 8 × NNODES 2\)/);
    quiet(text.replace('32', '16'), code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('pp-divides-num-layers', () => {
  const code = 'pp-divides-num-layers';
  for (const v of BOTH) {
    test(`${v}: PP 8 does not divide 28 layers; PP 4 does`, () => {
      const text = `${QWEN7B}${env(8)}pipeline_model_parallel_size: 8\n`;
      const d = one(text, code, opts(v));
      assert.equal(d.key, 'pipeline_model_parallel_size');
      assert.match(d.message, /`pipeline_model_parallel_size` 8 does not divide the 28 layers of Qwen\/Qwen2\.5-7B-Instruct \(bundled table\)/);
      assert.match(d.message, /Use 4 or 2/);
      const fixed = fixesWork(text, code, opts(v), 3);
      assert.ok(fixed.some((t) => /decoder_first_pipeline_num_layers: 7/.test(t)), 'an uneven split is offered');
      quiet(`${QWEN7B}${env(8)}pipeline_model_parallel_size: 4\n`, code, opts(v));
    });
    test(`${v}: silent when the model is unknown, and when an uneven split is given`, () => {
      quiet(`model: models/unknown\n${env(8)}pipeline_model_parallel_size: 8\n`, code, opts(v));
      quiet(`${QWEN7B}${env(8)}pipeline_model_parallel_size: 8\ndecoder_first_pipeline_num_layers: 7\n`, code, opts(v));
    });
    test(`${v}: PP fixes keep the world size divisible`, () => {
      // 28 layers: 7 divides them, but not the 8 GPUs
      const d = one(`${QWEN7B}${env(8)}pipeline_model_parallel_size: 8\n`, code, opts(v));
      assert.ok(!(d.fixes ?? []).some((f) => f.title.includes('pipeline_model_parallel_size: 7')));
    });
  }
  test('3.4.1: a num_layers argument overrides config.json', () => {
    quiet(`${QWEN7B}${env(8)}num_layers: 32\npipeline_model_parallel_size: 8\n`, code, opts('3.4.1'));
    assert.match(one(`${QWEN7B}${env(8)}num_layers: 30\npipeline_model_parallel_size: 8\n`, code, opts('3.4.1')).message, /30 layers of your `num_layers`/);
  });
  test('4.5.2: the embedding and the loss count as layers when account_for_*_in_pipeline_split is on', () => {
    const base = `${QWEN7B}${env(4)}pipeline_model_parallel_size: 4\n`;
    quiet(base, code, opts('4.5.2'));
    const text = `${base}account_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /28 layers of .* plus the embedding and the loss \(30\)/);
    fixesWork(text, code, opts('4.5.2'));
    quiet(`${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`, code, opts('4.5.2'));
  });
  test('4.5.2: megatron_extra_kwargs num_layers wins over config.json', () => {
    quiet(`${QWEN7B}${env(8)}pipeline_model_parallel_size: 8\nmegatron_extra_kwargs: {"num_layers": 32}\n`, code, opts('4.5.2'));
  });
  test('4.5.2: a layout replaces the even split', () => {
    quiet(`${QWEN7B}${env(8)}pipeline_model_parallel_size: 8\npipeline_model_parallel_layout: "Et*4|t*4|t*4|t*4|t*4|t*4|t*2|t*2L"\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('uneven-pp-layer-split', () => {
  const code = 'uneven-pp-layer-split';
  for (const v of BOTH) {
    test(`${v}: 6 first-stage layers leave 22 for 3 stages; 7 + 7 leave 14 for 2`, () => {
      const text = `${QWEN7B}${env(4)}pipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 6\n`;
      const d = one(text, code, opts(v));
      assert.equal(d.key, 'decoder_first_pipeline_num_layers');
      assert.match(d.message, /leaves 22 layers .* for 3 other stages \(22 \/ 3 is not a whole number\)/);
      const fixed = fixesWork(text, code, opts(v), 2);
      assert.ok(fixed[0]!.includes('decoder_first_pipeline_num_layers: 7'));
      quiet(`${QWEN7B}${env(4)}pipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 7\ndecoder_last_pipeline_num_layers: 7\n`, code, opts(v));
    });
    test(`${v}: a stage size below 1 fires even when the model is unknown`, () => {
      const text = `${env(2)}pipeline_model_parallel_size: 2\ndecoder_last_pipeline_num_layers: 0\n`;
      assert.equal(one(text, code, opts(v)).key, 'decoder_last_pipeline_num_layers');
    });
    test(`${v}: first + last larger than the model`, () => {
      const text = `${QWEN7B}${env(4)}pipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 20\ndecoder_last_pipeline_num_layers: 20\n`;
      assert.match(one(text, code, opts(v)).message, /add up to more than the 28 layers/);
      fixesWork(text, code, opts(v));
    });
    test(`${v}: silent when the model is unknown`, () => {
      quiet(`${env(4)}pipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 6\n`, code, opts(v));
    });
  }
  test('PP 2 with both stage sizes: megatron-core 0.12 (3.4.1) divides by zero; 0.18 (4.5.2) accepts it when they add up', () => {
    const text = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\ndecoder_first_pipeline_num_layers: 13\ndecoder_last_pipeline_num_layers: 15\n`;
    assert.match(one(text, code, opts('3.4.1')).message, /divides by zero/);
    fixesWork(text, code, opts('3.4.1'));
    quiet(text, code, opts('4.5.2'));
    const off = text.replace('15', '14');
    assert.match(one(off, code, opts('4.5.2')).message, /leave 1 layer .* unplaced/);
    fixesWork(off, code, opts('4.5.2'));
  });
  test('4.5.2: all layers on the first and last stage leave the middle stage empty', () => {
    const text = `${QWEN7B}${env(3)}pipeline_model_parallel_size: 3\ndecoder_first_pipeline_num_layers: 14\ndecoder_last_pipeline_num_layers: 14\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /leaving nothing for the 1 middle stage/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('uneven-pp-requires-pp-gt-1', () => {
  const code = 'uneven-pp-requires-pp-gt-1';
  for (const v of BOTH) {
    test(`${v}: first/last stage sizes with PP 1`, () => {
      const text = 'pipeline_model_parallel_size: 1\ndecoder_first_pipeline_num_layers: 10\n';
      const d = one(text, code, opts(v));
      assert.equal(d.key, 'decoder_first_pipeline_num_layers');
      assert.match(d.message, v === '3.4.1' ? /divides .* and hits zero.*when the model is built/ : /while ms-swift parses the arguments/);
      const fixed = fixesWork(text, code, opts(v), 2);
      assert.ok(!fixed[0]!.includes('decoder_first_pipeline_num_layers'), 'the preferred fix removes the key');
      quiet(`${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\ndecoder_first_pipeline_num_layers: 13\n`, code, opts(v));
      quiet(`decoder_last_pipeline_num_layers: 10\npipeline_model_parallel_size: 2\n`, code, opts(v));
    });
    test(`${v}: also with only the last stage size (the default PP is 1)`, () => {
      assert.equal(one('decoder_last_pipeline_num_layers: 4\n', code, opts(v)).key, 'decoder_last_pipeline_num_layers');
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
describe('pp-split-options-conflict', () => {
  const code = 'pp-split-options-conflict';
  test('4.5.2: account_for_embedding with decoder_first_pipeline_num_layers', () => {
    const text = `${env(2)}pipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\ndecoder_first_pipeline_num_layers: 13\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'account_for_embedding_in_pipeline_split');
    assert.equal(d.severity, 'error');
    fixesWork(text, code, opts('4.5.2'), 2);
    quiet(`${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`, code, opts('4.5.2'));
  });
  test('4.5.2: a layout with other split options fires on the layout', () => {
    const text = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*14|t*14L"\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'pipeline_model_parallel_layout');
    assert.match(d.message, /`account_for_embedding_in_pipeline_split`, `account_for_loss_in_pipeline_split`/);
    fixesWork(text, code, opts('4.5.2'), 2);
    // without the layout, the loss alone would make 29 layers for 2 stages: only the first fix is offered
    const loss = text.replace('account_for_embedding_in_pipeline_split: true\n', '');
    assert.equal(one(loss, code, opts('4.5.2')).fixes?.length, 1);
  });
  test('4.5.2: a VPP size that the layout contradicts is ignored (warning)', () => {
    const text = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*7|t*7|t*7|t*7L"\nvirtual_pipeline_model_parallel_size: 4\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.severity, 'warning');
    assert.equal(d.key, 'virtual_pipeline_model_parallel_size');
    assert.match(d.message, /means? 2 virtual stages/);
    fixesWork(text, code, opts('4.5.2'));
    quiet(text.replace('virtual_pipeline_model_parallel_size: 4', 'virtual_pipeline_model_parallel_size: 2'), code, opts('4.5.2'));
  });
  test('3.4.1: the rule does not apply', () => {
    quiet(`${env(2)}pipeline_model_parallel_size: 2\ndecoder_first_pipeline_num_layers: 13\n`, code, opts('3.4.1'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('vpp-requires-pp-gt-1', () => {
  const code = 'vpp-requires-pp-gt-1';
  test('4.5.2: VPP 2 with PP 1', () => {
    const text = 'pipeline_model_parallel_size: 1\nvirtual_pipeline_model_parallel_size: 2\n';
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'virtual_pipeline_model_parallel_size');
    const fixed = fixesWork(text, code, opts('4.5.2'), 2);
    assert.ok(!fixed[0]!.includes('virtual_pipeline_model_parallel_size'));
    quiet(`${env(2)}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 2\n`, code, opts('4.5.2'));
  });
  test('4.5.2: VPP 1 counts as unset', () => {
    quiet('virtual_pipeline_model_parallel_size: 1\n', code, opts('4.5.2'));
  });
  test('4.5.2: a two-stage layout with PP 1 implies VPP 2', () => {
    const text = `${QWEN7B}pipeline_model_parallel_layout: "Et*14|t*14L"\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'pipeline_model_parallel_layout');
    const fixed = fixesWork(text, code, opts('4.5.2'));
    assert.ok(fixed[0]!.includes('pipeline_model_parallel_size: 2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('vpp-divides-layers-per-stage', () => {
  const code = 'vpp-divides-layers-per-stage';
  test('4.5.2: 14 layers per stage and VPP 4', () => {
    const text = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 4\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'virtual_pipeline_model_parallel_size');
    assert.match(d.message, /does not divide the 14 layers on each of the 2 pipeline stages/);
    assert.match(d.message, /Use 2 or 7/);
    fixesWork(text, code, opts('4.5.2'), 3);
    quiet(text.replace('virtual_pipeline_model_parallel_size: 4', 'virtual_pipeline_model_parallel_size: 2'), code, opts('4.5.2'));
    quiet(text.replace('virtual_pipeline_model_parallel_size: 4', 'virtual_pipeline_model_parallel_size: 7'), code, opts('4.5.2'));
  });
  test('4.5.2: with an uneven split the first, last and middle sizes must divide', () => {
    const base = `${QWEN7B}${env(3)}pipeline_model_parallel_size: 3\n`;
    quiet(`${base}decoder_first_pipeline_num_layers: 8\ndecoder_last_pipeline_num_layers: 8\nvirtual_pipeline_model_parallel_size: 4\n`, code, opts('4.5.2'));
    const text = `${base}decoder_first_pipeline_num_layers: 6\ndecoder_last_pipeline_num_layers: 6\nvirtual_pipeline_model_parallel_size: 4\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /the first stage's 6, the last stage's 6 layers/);
    fixesWork(text, code, opts('4.5.2'));
  });
  test('4.5.2: the embedding / loss count towards the stage size', () => {
    const base = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`;
    quiet(`${base}virtual_pipeline_model_parallel_size: 3\n`, code, opts('4.5.2'));
    assert.match(one(`${base}virtual_pipeline_model_parallel_size: 2\n`, code, opts('4.5.2')).message, /15 layers on each/);
  });
  test('4.5.2: silent when the model is unknown', () => {
    quiet(`${env(2)}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 4\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('pp-layout-stage-count', () => {
  const code = 'pp-layout-stage-count';
  test('4.5.2: 2 stages with PP 4', () => {
    const text = `${QWEN7B}${env(4)}pipeline_model_parallel_size: 4\npipeline_model_parallel_layout: "Et*14|t*14L"\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'pipeline_model_parallel_layout');
    assert.match(d.message, /has 2 stages, which is not a multiple of `pipeline_model_parallel_size` 4/);
    fixesWork(text, code, opts('4.5.2'));
    quiet(`${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*14|t*14L"\n`, code, opts('4.5.2'));
    quiet(`${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "E|(t*7|)*4L"\n`, code, opts('4.5.2'));
  });
  test('4.5.2: the layout must list the model\'s decoder layers (model build)', () => {
    const text = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*13|t*14L"\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /lists 27 decoder layers `t` but the model has 28.*when the model is built/);
  });
  test('4.5.2: unknown letters and MTP layers', () => {
    assert.match(one(`${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Ex*14|t*14L"\n`, code, opts('4.5.2')).message, /`x` is not a layer letter/);
    const mtp = `${QWEN7B}${env(2)}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*14|t*14mL"\n`;
    assert.match(one(mtp, code, opts('4.5.2')).message, /1 MTP layers `m` but `mtp_num_layers` is not set/);
    quiet(`${mtp}mtp_num_layers: 1\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('vpp-microbatch-count', () => {
  const code = 'vpp-microbatch-count';
  const base = `${LLAMA8B}${env(8)}pipeline_model_parallel_size: 4\nvirtual_pipeline_model_parallel_size: 2\nmicro_batch_size: 1\n`;
  test('4.5.2: 2 micro-batches with PP 4 fire; 8 are fine', () => {
    const text = `${base}global_batch_size: 4\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.key, 'global_batch_size');
    assert.match(d.message, /2 micro-batches per step/);
    const fixed = fixesWork(text, code, opts('4.5.2'), 2);
    assert.ok(fixed[0]!.includes('global_batch_size: 8'));
    quiet(`${base}global_batch_size: 16\n`, code, opts('4.5.2'));
  });
  test('4.5.2: a last group smaller than PP fires (M 6, N 4)', () => {
    const text = `${base}global_batch_size: 12\n`;
    assert.match(one(text, code, opts('4.5.2')).message, /last group of 2/);
    fixesWork(text, code, opts('4.5.2'));
  });
  test('4.5.2: microbatch_group_size_per_vp_stage below PP', () => {
    const text = `${base}global_batch_size: 16\nmicrobatch_group_size_per_vp_stage: 2\n`;
    assert.equal(one(text, code, opts('4.5.2')).key, 'microbatch_group_size_per_vp_stage');
    fixesWork(text, code, opts('4.5.2'));
  });
  test('4.5.2: silent without VPP, with an unknown world size, or when the global batch does not divide', () => {
    quiet(`${LLAMA8B}${env(8)}pipeline_model_parallel_size: 4\nmicro_batch_size: 1\nglobal_batch_size: 4\n`, code, opts('4.5.2'));
    quiet(`${LLAMA8B}pipeline_model_parallel_size: 4\nvirtual_pipeline_model_parallel_size: 2\nglobal_batch_size: 4\n`, code, opts('4.5.2'));
    quiet(`${base}global_batch_size: 5\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('vpp-p2p-overlap-vs-batch and p2p-overlap-requires-vpp', () => {
  test('4.5.2: batch_p2p_comm with the interleaved schedule', () => {
    const code = 'vpp-p2p-overlap-vs-batch';
    const text = `${env(2)}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 2\nbatch_p2p_comm: true\n`;
    assert.equal(one(text, code, opts('4.5.2')).key, 'batch_p2p_comm');
    fixesWork(text, code, opts('4.5.2'), 2);
    quiet(`${text}overlap_p2p_comm: false\n`, code, opts('4.5.2'));
    quiet(`${env(2)}pipeline_model_parallel_size: 2\nbatch_p2p_comm: true\n`, code, opts('4.5.2'));
  });
  test('4.5.2: overlap_p2p_comm / align_param_gather set without VPP is an info', () => {
    const code = 'p2p-overlap-requires-vpp';
    const text = `${env(2)}pipeline_model_parallel_size: 2\noverlap_p2p_comm: true\nalign_param_gather: true\n`;
    const d = one(text, code, opts('4.5.2'));
    assert.equal(d.severity, 'info');
    assert.equal(d.key, 'overlap_p2p_comm');
    assert.match(d.message, /`overlap_p2p_comm: true` and `align_param_gather: true` have no effect/);
    const [fixed] = fixesWork(text, code, opts('4.5.2'));
    assert.ok(!/overlap_p2p_comm|align_param_gather/.test(fixed!));
    quiet(`${env(2)}pipeline_model_parallel_size: 2\n`, code, opts('4.5.2'));
    quiet(`${env(2)}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 2\noverlap_p2p_comm: true\n`, code, opts('4.5.2'));
    quiet(`${env(2)}pipeline_model_parallel_size: 2\noverlap_p2p_comm: false\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('expert-parallel-requires-moe', () => {
  const code = 'expert-parallel-requires-moe';
  test('3.4.1 error / 4.5.2 warning on a dense model', () => {
    const text = `${QWEN7B}${env(2)}expert_model_parallel_size: 2\n`;
    const d3 = one(text, code, opts('3.4.1'));
    assert.equal(d3.severity, 'error');
    const d4 = one(text, code, opts('4.5.2'));
    assert.equal(d4.severity, 'warning');
    assert.match(d4.message, /still builds the expert process groups/);
    for (const v of BOTH) fixesWork(text, code, opts(v));
    for (const v of BOTH) quiet(`${QWEN_MOE}${env(2)}expert_model_parallel_size: 2\n`, code, opts(v));
  });
  test('silent when the model is unknown or names experts under another key', () => {
    for (const v of BOTH) quiet(`model: models/unknown\n${env(2)}expert_model_parallel_size: 2\n`, code, opts(v));
    quiet(`model: models/x\nexpert_model_parallel_size: 2\n`, code, model({ num_hidden_layers: 24, n_routed_experts: 64 }, '3.4.1'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('num-experts-divisible-by-ep', () => {
  const code = 'num-experts-divisible-by-ep';
  for (const v of BOTH) {
    test(`${v}: 60 experts and EP 8`, () => {
      const text = `${QWEN15_MOE}${env(8)}expert_model_parallel_size: 8\n`;
      const d = one(text, code, opts(v));
      assert.equal(d.key, 'expert_model_parallel_size');
      assert.match(d.message, /does not divide the 60 experts of Qwen\/Qwen1\.5-MoE-A2\.7B-Chat/);
      const fixed = fixesWork(text, code, opts(v), 2);
      assert.ok(fixed[0]!.includes('expert_model_parallel_size: 4'));
      quiet(`${QWEN15_MOE}${env(8)}expert_model_parallel_size: 4\n`, code, opts(v));
    });
  }
  test('4.5.2 reads n_routed_experts / num_local_experts; 3.4.1 reads only num_experts (or the num_experts argument)', () => {
    const cfg = { model_type: 'deepseek_v2', num_hidden_layers: 27, n_routed_experts: 64 };
    const text = `model: models/x\nexpert_model_parallel_size: 6\n`;
    assert.match(one(text, code, model(cfg, '4.5.2')).message, /64 experts/);
    quiet(text, code, model(cfg, '3.4.1'));
    assert.match(one(`${text}num_experts: 64\n`, code, model(cfg, '3.4.1')).message, /64 experts of your `num_experts`/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('expert-parallel-rejects-fp16', () => {
  const code = 'expert-parallel-rejects-fp16';
  test('3.4.1: fp16 with EP > 1 fires on fp16; the fix drops it', () => {
    const text = `${QWEN15_MOE}${env(4)}expert_model_parallel_size: 4\nfp16: true\n`;
    const d = one(text, code, opts('3.4.1'));
    assert.equal(d.key, 'fp16');
    fixesWork(text, code, opts('3.4.1'), 2);
    quiet(`${QWEN15_MOE}${env(4)}expert_model_parallel_size: 4\n`, code, opts('3.4.1'));
    quiet(`${QWEN15_MOE}${env(4)}fp16: true\n`, code, opts('3.4.1'));
  });
  test('3.4.1: a float16 / float32 model checkpoint makes ms-swift choose fp16', () => {
    const cfg = { model_type: 'qwen2_moe', num_hidden_layers: 24, num_experts: 60, torch_dtype: 'float32' };
    const text = `model: models/x\n${env(4)}expert_model_parallel_size: 4\n`;
    const d = one(text, code, model(cfg, '3.4.1'));
    assert.equal(d.key, 'expert_model_parallel_size');
    assert.match(d.message, /stores `torch_dtype: float32`/);
    fixesWork(text, code, model(cfg, '3.4.1'));
    quiet(`${text}bf16: true\nfp16: false\n`, code, model(cfg, '3.4.1'));
  });
  test('4.5.2: the rule does not apply', () => {
    quiet(`${QWEN15_MOE}${env(4)}expert_model_parallel_size: 4\nfp16: true\n`, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('moe-bias-requires-etp-1', () => {
  const code = 'moe-bias-requires-etp-1';
  const text = `model: models/m\n${env(8)}expert_model_parallel_size: 4\nexpert_tensor_parallel_size: 2\n`;
  test('4.5.2: gpt-oss with ETP 2', () => {
    const o = model({ model_type: 'gpt_oss', num_hidden_layers: 24, num_local_experts: 32 }, '4.5.2');
    const d = one(text, code, o);
    assert.equal(d.key, 'expert_tensor_parallel_size');
    assert.match(d.message, /gpt-oss model/);
    const [fixed] = fixesWork(text, code, o);
    assert.ok(fixed!.includes('expert_tensor_parallel_size: 1'));
    quiet(text.replace('expert_tensor_parallel_size: 2', 'expert_tensor_parallel_size: 1'), code, o);
  });
  test('4.5.2: mlp_bias on an MoE model; not on a dense one, nor without the bias', () => {
    assert.match(one(text, code, model({ model_type: 'x_moe', num_hidden_layers: 24, num_experts: 8, mlp_bias: true }, '4.5.2')).message, /mlp_bias: true/);
    quiet(text, code, model({ model_type: 'x_moe', num_hidden_layers: 24, num_experts: 8, mlp_bias: false }, '4.5.2'));
    quiet(text, code, model({ model_type: 'llama', num_hidden_layers: 24, mlp_bias: true }, '4.5.2'));
  });
  test('4.5.2: silent when the model is unknown', () => {
    quiet(text, code, opts('4.5.2'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('pipelineLayers helper', () => {
  function ctxFor(text: string, version: KnownVersion = '4.5.2') {
    return new RuleContext(parseConfig(text), 'megatron sft', version, commandCatalog(version, 'megatron sft')!, {}, bundledOnlyProvider);
  }
  test('even split, with and without interleaving', () => {
    const s = pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 4\n`))!;
    assert.deepEqual(s.perRank, [7, 7, 7, 7]);
    assert.deepEqual(s.chunks, [[7], [7], [7], [7]]);
    const i = pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 2\nvirtual_pipeline_model_parallel_size: 2\n`))!;
    assert.equal(i.vpp, 2);
    assert.deepEqual(i.chunks, [[7, 7], [7, 7]]);
  });
  test('uneven split and the embedding / loss counted as layers', () => {
    const u = pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 4\ndecoder_first_pipeline_num_layers: 4\n`, '3.4.1'))!;
    assert.deepEqual(u.perRank, [4, 8, 8, 8]);
    assert.equal(u.first, 4);
    assert.equal(u.middle, 8);
    const a = pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 2\naccount_for_embedding_in_pipeline_split: true\naccount_for_loss_in_pipeline_split: true\n`))!;
    assert.deepEqual(a.perRank, [15, 15]);
    assert.deepEqual(a.chunks, [[14], [14]]);
  });
  test('layout', () => {
    const l = pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 2\npipeline_model_parallel_layout: "Et*6|t*8|t*8|t*6L"\n`))!;
    assert.equal(l.kind, 'layout');
    assert.deepEqual(l.chunks, [[6, 8], [8, 6]]);
  });
  test('undefined when the model is unknown or the split is invalid', () => {
    assert.equal(pipelineLayers(ctxFor('pipeline_model_parallel_size: 2\n')), undefined);
    assert.equal(pipelineLayers(ctxFor(`${QWEN7B}pipeline_model_parallel_size: 8\n`)), undefined);
  });
  test('parseLayout unrolls repetitions like megatron-core', () => {
    const p = parseLayout('E|(tt|)*2,(t|)*4,mL');
    assert.ok(p.ok);
    assert.equal(p.stages.length, 8);
    assert.deepEqual(p.stages.map((s) => s.join('')), ['E', 'tt', 'tt', 't', 't', 't', 't', 'mL']);
    const e = evaluatePipeline({ version: '4.5.2', numLayers: 8, pp: 4, embedInSplit: false, lossInSplit: false, layout: 'E|(tt|)*2,(t|)*4,mL', mtpLayers: 1 });
    assert.equal(e.vpp, 2);
    assert.deepEqual(e.problems, []);
  });
});
