// Focused tests of the 'moe' rules: each fires and stays quiet on both versions where it applies, at the
// boundaries of its condition, stays silent when model facts are unknown, and its quick fixes work.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { factsFromConfig } from '../../core/src/model/lookup';
import { applyFix, covered, withCode } from '../helpers';
import { allFixesWork, fires, quiet } from './assert';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };

/** model facts from an inline config.json */
function model(config: Record<string, unknown>): Pick<CheckOptions, 'modelFacts'> {
  return { modelFacts: () => factsFromConfig(config, 'test config.json') };
}
const NO_MODEL: Pick<CheckOptions, 'modelFacts'> = { modelFacts: () => undefined };

/** the number of fixes, each checked */
function fixesWork(text: string, code: string, options: CheckOptions): number {
  return allFixesWork(text, code, options).length;
}

describe('moe-token-dispatcher-choices', () => {
  const code = 'moe-token-dispatcher-choices';
  test('4.5.2: alltoall_seq gets the version advice (value-not-in-choices reports it too)', () => {
    const text = 'moe_token_dispatcher_type: alltoall_seq\n';
    const [d] = fires(text, code, V4);
    assert.equal(covered(text, d!), 'alltoall_seq');
    assert.match(d!.message, /`alltoall`/);
    assert.ok(withCode(text, 'value-not-in-choices', V4).length > 0);
    assert.equal(fixesWork(text, code, V4), 1);
  });
  test('3.4.1: flex only exists from ms-swift 4', () => {
    const [d] = fires('moe_token_dispatcher_type: flex\n', code, V3);
    assert.match(d!.message, /ms-swift 4/);
    assert.equal(fixesWork('moe_token_dispatcher_type: flex\n', code, V3), 1);
  });
  test('values valid in the version, or in neither, are not this rule', () => {
    quiet('moe_token_dispatcher_type: alltoall_seq\n', code, V3);
    quiet('moe_token_dispatcher_type: flex\n', code, V4);
    quiet('moe_token_dispatcher_type: alltoal\n', code, V4);
    quiet('moe_token_dispatcher_type: alltoal\n', code, V3);
    quiet('lr: 1.0e-5\n', code, V4);
  });
});

describe('moe-allgather-with-variable-seq-lengths', () => {
  const code = 'moe-allgather-with-variable-seq-lengths';
  test('fires in 4.5.2, for any model, and the fix switches to alltoall', () => {
    const text = 'model: Qwen/Qwen2.5-7B-Instruct\nmoe_token_dispatcher_type: allgather\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'moe_token_dispatcher_type');
    assert.equal(covered(text, d!), 'allgather');
    assert.equal(fixesWork(text, code, V4), 1);
  });
  test('quiet in 3.4.1, with alltoall, and when megatron_extra_kwargs turns variable_seq_lengths off', () => {
    quiet('moe_token_dispatcher_type: allgather\n', code, V3);
    quiet('moe_token_dispatcher_type: alltoall\n', code, V4);
    quiet(`moe_token_dispatcher_type: allgather\nmegatron_extra_kwargs: '{"variable_seq_lengths": false}'\n`, code, V4);
  });
  test('a dispatcher set through megatron_extra_kwargs is reported there', () => {
    const text = `megatron_extra_kwargs: '{"moe_token_dispatcher_type": "allgather", "foo": 1}'\n`;
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'megatron_extra_kwargs');
    const fixed = applyFix(text, d!.fixes![0]!);
    assert.match(fixed, /"foo": 1/);
    quiet(fixed, code, V4);
  });
});

describe('moe-deepep-requires-flex', () => {
  const code = 'moe-deepep-requires-flex';
  const ENV8 = 'ENV:\n  NPROC_PER_NODE: 8\n';
  test('DeepEP without flex: with EP 1 only turning DeepEP off is offered', () => {
    const text = 'moe_enable_deepep: true\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'moe_enable_deepep');
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Turn DeepEP off (`moe_enable_deepep: false`)']);
    fixesWork(text, code, V4);
  });
  test('DeepEP without flex: with EP 8 the flex fix is preferred and clears it', () => {
    const text = `${ENV8}model: Qwen/Qwen3-30B-A3B\nmoe_enable_deepep: true\nexpert_model_parallel_size: 8\n`;
    const [d] = fires(text, code, V4);
    assert.equal(d!.fixes![0]!.preferred, true);
    assert.match(d!.fixes![0]!.title, /flex/);
    assert.equal(fixesWork(text, code, V4), 2);
  });
  test('flex + DeepEP needs ETP x EP > 1 on a MoE model; silent for unknown models', () => {
    const text = `${ENV8}model: Qwen/Qwen3-30B-A3B\nmoe_token_dispatcher_type: flex\nmoe_enable_deepep: true\n`;
    const [d] = fires(text, code, V4);
    assert.match(d!.message, /1 × expert_model_parallel_size 1/);
    assert.ok(d!.fixes!.some((f) => /expert_model_parallel_size: 2/.test(f.title)));
    fixesWork(text, code, V4);
    quiet(text.replace('model: Qwen/Qwen3-30B-A3B\n', ''), code, { ...V4, ...NO_MODEL });
    quiet(text.replace('model: Qwen/Qwen3-30B-A3B', 'model: Qwen/Qwen2.5-7B-Instruct'), code, V4);
  });
  test('flex + DeepEP cannot pad to capacity', () => {
    const text = `${ENV8}moe_token_dispatcher_type: flex\nmoe_enable_deepep: true\nexpert_model_parallel_size: 8\nmoe_expert_capacity_factor: 1.0\nmoe_pad_expert_input_to_capacity: true\n`;
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'moe_pad_expert_input_to_capacity');
    fixesWork(text, code, V4);
  });
  test('quiet on the satisfying setup and without DeepEP', () => {
    quiet(`${ENV8}moe_token_dispatcher_type: flex\nmoe_enable_deepep: true\nexpert_model_parallel_size: 8\n`, code, V4);
    quiet('moe_token_dispatcher_type: flex\n', code, V4);
  });
});

describe('moe-shared-expert-overlap-dispatcher', () => {
  const code = 'moe-shared-expert-overlap-dispatcher';
  const qwen15 = 'model: Qwen/Qwen1.5-MoE-A2.7B-Chat\nmoe_shared_expert_overlap: true\n';
  test('3.4.1: only alltoall', () => {
    const text = `${qwen15}moe_token_dispatcher_type: allgather\n`;
    const [d] = fires(text, code, V3);
    assert.equal(d!.key, 'moe_token_dispatcher_type');
    assert.match(d!.message, /5632/);
    assert.equal(fixesWork(text, code, V3), 2);
    quiet(`${qwen15}moe_token_dispatcher_type: alltoall\n`, code, V3);
  });
  test('4.5.2: alltoall or flex; DeepSeek-style n_shared_experts count as shared experts', () => {
    fires(`${qwen15}moe_token_dispatcher_type: allgather\n`, code, V4);
    quiet(`${qwen15}moe_token_dispatcher_type: flex\n`, code, V4);
    fires('model: deepseek-ai/DeepSeek-V3\nmoe_shared_expert_overlap: true\nmoe_token_dispatcher_type: allgather\n', code, V4);
  });
  test('ignored without shared experts, and silent when the model is unknown', () => {
    quiet('model: Qwen/Qwen3-30B-A3B\nmoe_shared_expert_overlap: true\nmoe_token_dispatcher_type: allgather\n', code, V4);
    quiet('model: Qwen/Qwen3-30B-A3B\nmoe_shared_expert_overlap: true\nmoe_token_dispatcher_type: allgather\n', code, V3);
    quiet('moe_shared_expert_overlap: true\nmoe_token_dispatcher_type: allgather\n', code, { ...V4, ...NO_MODEL });
  });
  test('3.4.1: a shared expert given as an argument counts', () => {
    fires('moe_shared_expert_intermediate_size: 4096\nmoe_shared_expert_overlap: true\nmoe_token_dispatcher_type: allgather\n', code, { ...V3, ...NO_MODEL });
  });
});

describe('moe-capacity-factor-load-balancing', () => {
  const code = 'moe-capacity-factor-load-balancing';
  test('sinkhorn with a capacity factor fails in both versions', () => {
    const text = 'model: Qwen/Qwen3-30B-A3B\nmoe_expert_capacity_factor: 1.0\nmoe_router_load_balancing_type: sinkhorn\n';
    for (const o of [V3, V4]) {
      const [d] = fires(text, code, o);
      assert.equal(covered(text, d!), 'sinkhorn');
      assert.equal(fixesWork(text, code, o), 2);
    }
  });
  test('a negative or absent capacity factor counts as unset', () => {
    quiet('moe_expert_capacity_factor: -1\nmoe_router_load_balancing_type: sinkhorn\n', code, V3);
    quiet('moe_router_load_balancing_type: sinkhorn\n', code, V4);
    fires('moe_expert_capacity_factor: 0\nmoe_router_load_balancing_type: sinkhorn\n', code, V3);
  });
  test('4.5.2 checks every entry of a list and also accepts global_aux_loss', () => {
    const text = 'moe_expert_capacity_factor: 1.0\nmoe_router_load_balancing_type: [aux_loss, sinkhorn]\nmoe_aux_loss_coeff: ["0.001", "0.001"]\n';
    const [d] = fires(text, code, V4);
    assert.match(d!.message, /not `sinkhorn`/);
    quiet('moe_expert_capacity_factor: 1.0\nmoe_router_load_balancing_type: global_aux_loss\n', code, V4);
  });
  test('removing the capacity factor is not offered when padding to capacity needs it', () => {
    const text = 'moe_expert_capacity_factor: 1.0\nmoe_pad_expert_input_to_capacity: true\nmoe_router_load_balancing_type: sinkhorn\n';
    const [d] = fires(text, code, V4);
    assert.ok(!d!.fixes!.some((f) => /Remove/.test(f.title)));
    fixesWork(text, code, V4);
  });
});

describe('moe-pad-to-capacity-requires-capacity-factor', () => {
  const code = 'moe-pad-to-capacity-requires-capacity-factor';
  test('fires without a capacity factor and both fixes work', () => {
    const text = 'model: Qwen/Qwen3-30B-A3B\nmoe_pad_expert_input_to_capacity: true\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'moe_pad_expert_input_to_capacity');
    assert.equal(fixesWork(text, code, V4), 2);
  });
  test('a negative capacity factor does not count; a positive one does', () => {
    const [d] = fires('moe_pad_expert_input_to_capacity: true\nmoe_expert_capacity_factor: -1\n', code, V4);
    assert.match(d!.message, /-1 counts as unset/);
    quiet('moe_pad_expert_input_to_capacity: true\nmoe_expert_capacity_factor: 1.5\n', code, V4);
    quiet('moe_pad_expert_input_to_capacity: false\n', code, V4);
  });
  test('no capacity-factor fix with sinkhorn (it would fail the other check)', () => {
    const text = 'moe_pad_expert_input_to_capacity: true\nmoe_router_load_balancing_type: sinkhorn\n';
    const [d] = fires(text, code, V4);
    assert.ok(!d!.fixes!.some((f) => /capacity_factor/.test(f.title)));
  });
});

describe('moe-aux-loss-coeff-list-length', () => {
  const code = 'moe-aux-loss-coeff-list-length';
  test('one coefficient for two types fails; the fix writes one per type', () => {
    const text = 'moe_router_load_balancing_type: [seq_aux_loss, global_aux_loss]\nmoe_aux_loss_coeff: ["0.001"]\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.key, 'moe_aux_loss_coeff');
    assert.equal(applyFix(text, d!.fixes![0]!), 'moe_router_load_balancing_type: [seq_aux_loss, global_aux_loss]\nmoe_aux_loss_coeff: ["0.001", "0.001"]\n');
    assert.equal(fixesWork(text, code, V4), 2);
  });
  test('an unset coefficient (0) fails too; matching lists and a single type pass', () => {
    fires('moe_router_load_balancing_type: [seq_aux_loss, global_aux_loss]\n', code, V4);
    quiet('moe_router_load_balancing_type: [seq_aux_loss, global_aux_loss]\nmoe_aux_loss_coeff: ["0.001", "0.01"]\n', code, V4);
    quiet('moe_router_load_balancing_type: [seq_aux_loss]\nmoe_aux_loss_coeff: ["0.001"]\n', code, V4);
    fires('moe_router_load_balancing_type: [aux_loss, seq_aux_loss, global_aux_loss]\nmoe_aux_loss_coeff: ["0.001", "0.001"]\n', code, V4);
  });
});

describe('moe-topk1-requires-pre-softmax', () => {
  const code = 'moe-topk1-requires-pre-softmax';
  const top1 = (extra: Record<string, unknown> = {}) => model({ model_type: 'qwen2_moe', num_experts: 8, num_experts_per_tok: 1, norm_topk_prob: true, ...extra });
  test('3.4.1: top-1 softmax routing without pre-softmax fails; the fix turns it on', () => {
    const text = 'model: models/top1-moe\n';
    const [d] = fires(text, code, { ...V3, ...top1() });
    assert.equal(d!.key, 'model');
    assert.equal(fixesWork(text, code, { ...V3, ...top1() }), 1);
    quiet('model: models/top1-moe\nmoe_router_pre_softmax: true\n', code, { ...V3, ...top1() });
  });
  test('4.5.2: fixed through megatron_extra_kwargs, keeping its other entries', () => {
    const text = `model: models/top1-moe\nmegatron_extra_kwargs: '{"foo": 1}'\n`;
    const [d] = fires(text, code, { ...V4, ...top1() });
    const fixed = applyFix(text, d!.fixes![0]!);
    assert.match(fixed, /"foo": 1/);
    assert.match(fixed, /"moe_router_pre_softmax": true/);
    quiet(fixed, code, { ...V4, ...top1() });
  });
  test('boundaries: top-2, norm_topk_prob false, sinkhorn, sigmoid scores, Llama-4', () => {
    quiet('model: m\n', code, { ...V3, ...top1({ num_experts_per_tok: 2 }) });
    quiet('model: m\n', code, { ...V3, ...top1({ norm_topk_prob: false }) });
    quiet('model: m\nmoe_router_load_balancing_type: sinkhorn\n', code, { ...V3, ...top1() });
    quiet('model: m\n', code, { ...V4, ...top1({ scoring_func: 'sigmoid' }) });
    quiet('model: m\n', code, { ...V4, ...model({ model_type: 'llama4', text_config: { model_type: 'llama4_text', num_local_experts: 16, num_experts_per_tok: 1 } }) });
    fires('model: m\nmoe_router_topk: 1\n', code, { ...V3, ...top1({ num_experts_per_tok: 4 }) });
  });
  test('silent when the model is unknown', () => {
    quiet('model: somewhere/unknown\n', code, { ...V3, ...NO_MODEL });
    quiet('model: somewhere/unknown\n', code, { ...V4, ...NO_MODEL });
  });
});

describe('moe-aux-loss-coeff-zero', () => {
  const code = 'moe-aux-loss-coeff-zero';
  test('4.5.2 MoE training without an aux loss gets an info with a fix', () => {
    const text = 'model: Qwen/Qwen3-30B-A3B\n';
    const [d] = fires(text, code, V4);
    assert.equal(d!.severity, 'info');
    assert.match(d!.message, /128 experts/);
    assert.equal(fixesWork(text, code, V4), 1);
  });
  test("the suggested value is config.json's router_aux_loss_coef when there is one", () => {
    const [d] = fires('model: m\n', code, { ...V4, ...model({ num_experts: 60, num_experts_per_tok: 4, router_aux_loss_coef: 0.02 }) });
    assert.match(d!.fixes![0]!.title, /0\.02/);
  });
  test('quiet: coefficient set, dense model, no load balancing, unknown model, export, 3.4.1', () => {
    quiet('model: Qwen/Qwen3-30B-A3B\nmoe_aux_loss_coeff: 1e-3\n', code, V4);
    quiet('model: Qwen/Qwen2.5-7B-Instruct\n', code, V4);
    quiet('model: Qwen/Qwen3-30B-A3B\nmoe_router_load_balancing_type: none\n', code, V4);
    quiet('model: somewhere/unknown\n', code, { ...V4, ...NO_MODEL });
    quiet('model: Qwen/Qwen3-30B-A3B\n', code, { version: '4.5.2', command: 'megatron export' });
    quiet('model: Qwen/Qwen3-30B-A3B\n', code, V3);
  });
  test('zero written explicitly also counts', () => {
    fires('model: Qwen/Qwen3-30B-A3B\nmoe_aux_loss_coeff: 0\n', code, V4);
  });
});

describe('moe-many-experts-router-dtype', () => {
  const code = 'moe-many-experts-router-dtype';
  test('3.4.1 always routes in the model precision', () => {
    const [d] = fires('model: Qwen/Qwen3-30B-A3B\n', code, V3);
    assert.equal(d!.severity, 'info');
    assert.equal(d!.key, 'model');
  });
  test('4.5.2 only with moe_router_dtype: none', () => {
    const text = 'model: Qwen/Qwen3-30B-A3B\nmoe_router_dtype: none\n';
    const [d] = fires(text, code, V4);
    assert.equal(covered(text, d!), 'moe_router_dtype');
    assert.equal(fixesWork(text, code, V4), 1);
    quiet('model: Qwen/Qwen3-30B-A3B\n', code, V4);
    quiet('model: Qwen/Qwen3-30B-A3B\nmoe_router_dtype: fp64\n', code, V4);
  });
  test('3.4.1: reported on `load` when the model comes from a checkpoint; num_experts as an argument counts', () => {
    const [d] = fires('load: Qwen3-30B-A3B-mcore\n', code, { ...V3, ...model({ num_experts: 128, num_experts_per_tok: 8 }) });
    assert.equal(d!.key, 'load');
    fires('num_experts: 64\n', code, { ...V3, ...NO_MODEL });
  });
  test('the 32-expert boundary, dense and unknown models', () => {
    quiet('model: m\nmoe_router_dtype: none\n', code, { ...V4, ...model({ num_experts: 31, num_experts_per_tok: 2 }) });
    fires('model: m\nmoe_router_dtype: none\n', code, { ...V4, ...model({ num_experts: 32, num_experts_per_tok: 2 }) });
    quiet('model: Qwen/Qwen2.5-7B-Instruct\n', code, V3);
    quiet('model: somewhere/unknown\n', code, { ...V3, ...NO_MODEL });
  });
});
