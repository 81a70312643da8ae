// Focused tests of the 'rlhf' rules (`megatron rlhf`, ms-swift 4.5.2, GRPO/GKD): generation batch arithmetic,
// data-parallel alignment, vLLM mode and tensor parallelism, unsupported options and truncation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { Diagnostic } from '../../core/src/rules/types';
import { applyFix, covered } from '../helpers';
import { allFixesWork, fires as firesWith, quiet as quietWith } from './assert';

const RLHF: CheckOptions = { version: '4.5.2', command: 'megatron rlhf' };
const GRPO = 'rlhf_type: grpo\nvllm_mode: colocate\n';

function fires(text: string, code: string, options: CheckOptions = RLHF): Diagnostic[] {
  return firesWith(text, code, options);
}

function quiet(text: string, code: string, options: CheckOptions = RLHF): void {
  quietWith(text, code, options);
}

/** the number of fixes, each checked */
function fixesWork(text: string, code: string, options: CheckOptions = RLHF): number {
  return allFixesWork(text, code, options).length;
}

describe('grpo-generation-batch-size', () => {
  const code = 'grpo-generation-batch-size';
  test('generation_batch_size must be a multiple of global_batch_size; fixes round down and up', () => {
    const text = `${GRPO}global_batch_size: 16\ngeneration_batch_size: 24\n`;
    const [d] = fires(text, code);
    assert.equal(covered(text, d!), '24');
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Set `generation_batch_size: 16`', 'Set `generation_batch_size: 32`']);
    assert.equal(fixesWork(text, code), 2);
    quiet(`${GRPO}global_batch_size: 16\ngeneration_batch_size: 32\n`, code);
  });
  test('with both set it must equal global_batch_size x steps_per_generation', () => {
    const text = `${GRPO}global_batch_size: 16\ngeneration_batch_size: 64\nsteps_per_generation: 2\n`;
    const [d] = fires(text, code);
    assert.match(d!.message, /16 × 2 = 32/);
    assert.equal(fixesWork(text, code), 2);
    quiet(`${GRPO}global_batch_size: 16\ngeneration_batch_size: 32\nsteps_per_generation: 2\n`, code);
  });
  test('steps_per_generation must be positive', () => {
    const text = `${GRPO}steps_per_generation: 0\n`;
    const [d] = fires(text, code);
    assert.equal(d!.key, 'steps_per_generation');
    fixesWork(text, code);
  });
  test('the generation batch must be a multiple of num_generations (GRPO only)', () => {
    const text = `${GRPO}global_batch_size: 12\nnum_generations: 8\n`;
    const [d] = fires(text, code);
    assert.equal(d!.key, 'global_batch_size');
    assert.ok(d!.fixes!.some((f) => f.title === 'Set `global_batch_size: 8`'));
    fixesWork(text, code);
    quiet('rlhf_type: gkd\nvllm_mode: colocate\nglobal_batch_size: 12\nnum_generations: 8\n', code);
  });
  test('quiet for other rlhf types, with use_ray, and for the defaults', () => {
    quiet('rlhf_type: dpo\nglobal_batch_size: 16\ngeneration_batch_size: 24\n', code);
    quiet(`${GRPO}use_ray: true\nglobal_batch_size: 16\ngeneration_batch_size: 24\n`, code);
    quiet(GRPO, code);
  });
  test('GKD checks the batch part too', () => {
    fires('rlhf_type: gkd\nvllm_mode: colocate\nglobal_batch_size: 16\ngeneration_batch_size: 24\n', code);
  });
});

describe('grpo-dp-alignment', () => {
  const code = 'grpo-dp-alignment';
  test('2 prompts for 8 data-parallel ranks; fixes raise the batch or lower num_generations', () => {
    const text = `${GRPO}ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 16\nnum_generations: 8\n`;
    const [d] = fires(text, code);
    assert.equal(d!.key, 'num_generations');
    assert.match(d!.message, /2 prompts/);
    assert.match(d!.message, /8 data-parallel ranks/);
    assert.equal(d!.fixes![0]!.title, 'Set `global_batch_size: 64`');
    assert.equal(fixesWork(text, code), 3);
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 64\nnum_generations: 8\n`, code);
  });
  test('TP, PP and CP shrink the data-parallel size', () => {
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 16\nnum_generations: 8\ntensor_model_parallel_size: 4\n`, code);
  });
  test('prompts per rank must be a multiple of micro_batch_size', () => {
    const text = `${GRPO}ENV:\n  NPROC_PER_NODE: 2\nglobal_batch_size: 48\nnum_generations: 8\nmicro_batch_size: 2\n`;
    const [d] = fires(text, code);
    assert.equal(d!.key, 'micro_batch_size');
    fixesWork(text, code);
  });
  test('silent when the world size is unknown or the batch rule already fires', () => {
    quiet(`${GRPO}global_batch_size: 16\nnum_generations: 8\n`, code);
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\n  NNODES: $WORLD_SIZE\nglobal_batch_size: 16\nnum_generations: 8\n`, code);
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 16\ngeneration_batch_size: 24\n`, code);
  });
  test("ms-swift's own GRPO/GKD examples pass", () => {
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 128\nmicro_batch_size: 4\nsteps_per_generation: 4\nnum_generations: 8\n`, code);
    quiet(`${GRPO}ENV:\n  NPROC_PER_NODE: 8\ntensor_model_parallel_size: 4\npipeline_model_parallel_size: 2\nglobal_batch_size: 8\nmicro_batch_size: 1\nsteps_per_generation: 1\nnum_generations: 8\nvllm_tensor_parallel_size: 8\n`, code);
    quiet('rlhf_type: gkd\nvllm_mode: colocate\nENV:\n  NPROC_PER_NODE: 8\ntensor_model_parallel_size: 2\npipeline_model_parallel_size: 2\ncontext_parallel_size: 2\nmicro_batch_size: 2\nglobal_batch_size: 16\n', code);
  });
});

describe('grpo-requires-vllm-mode', () => {
  const code = 'grpo-requires-vllm-mode';
  test('GRPO without vllm_mode fails; both fixes work', () => {
    const text = 'rlhf_type: grpo\n';
    const [d] = fires(text, code);
    assert.equal(covered(text, d!), 'rlhf_type');
    assert.equal(fixesWork(text, code), 2);
  });
  test('GKD only when it generates (lmbda > 0)', () => {
    fires('rlhf_type: gkd\n', code);
    quiet('rlhf_type: gkd\nlmbda: 0\n', code);
  });
  test('colocate is not offered when vllm_tensor_parallel_size does not divide the world', () => {
    const [d] = fires('rlhf_type: grpo\nENV:\n  NPROC_PER_NODE: 6\nglobal_batch_size: 48\nvllm_tensor_parallel_size: 4\n', code);
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Set `vllm_mode: server` (a separate `swift rollout` server)']);
  });
  test('quiet: vllm_mode set, use_vllm false, use_ray, other rlhf types', () => {
    quiet('rlhf_type: grpo\nvllm_mode: server\n', code);
    quiet('rlhf_type: grpo\nuse_vllm: false\n', code);
    quiet('rlhf_type: grpo\nuse_ray: true\n', code);
    quiet('rlhf_type: dpo\n', code);
  });
});

describe('grpo-unsupported-options', () => {
  const code = 'grpo-unsupported-options';
  test('num_iterations > 1, async_generate, sync_ref_model', () => {
    const text = `${GRPO}num_iterations: 2\nasync_generate: true\nsync_ref_model: true\n`;
    const found = fires(text, code);
    assert.deepEqual(found.map((d) => d.key).sort(), ['async_generate', 'num_iterations', 'sync_ref_model']);
    assert.equal(fixesWork(text, code), 3);
  });
  test('use_vllm: false (the fix also sets vllm_mode)', () => {
    const text = 'rlhf_type: grpo\nuse_vllm: false\n';
    const [d] = fires(text, code);
    assert.equal(applyFix(text, d!.fixes![0]!), 'rlhf_type: grpo\nuse_vllm: true\nvllm_mode: colocate\n');
    fixesWork(text, code);
    quiet('rlhf_type: grpo\nuse_vllm: false\nuse_ray: true\n', code);
  });
  test('REAL loss needs micro_batch_size to be a multiple of num_generations', () => {
    const [d] = fires(`${GRPO}loss_type: real\nmicro_batch_size: 4\nnum_generations: 8\n`, code);
    assert.equal(d!.key, 'micro_batch_size');
    quiet(`${GRPO}loss_type: real\nmicro_batch_size: 8\nnum_generations: 8\n`, code);
  });
  test('soft_overlong needs soft_cache_length', () => {
    fires(`${GRPO}reward_funcs: [accuracy, soft_overlong]\n`, code);
    quiet(`${GRPO}reward_funcs: [accuracy, soft_overlong]\nsoft_cache_length: 512\n`, code);
  });
  test('quiet on a plain GRPO config and for GKD', () => {
    quiet(GRPO, code);
    quiet('rlhf_type: gkd\nvllm_mode: colocate\nnum_iterations: 2\n', code);
  });
});

describe('grpo-truncation-strategy', () => {
  const code = 'grpo-truncation-strategy';
  test('right and split are refused', () => {
    const text = `${GRPO}truncation_strategy: right\n`;
    const [d] = fires(text, code);
    assert.equal(covered(text, d!), 'right');
    assert.equal(fixesWork(text, code), 2);
    fires(`${GRPO}truncation_strategy: split\n`, code);
  });
  test('left, delete, unset, and other rlhf types pass', () => {
    quiet(`${GRPO}truncation_strategy: left\n`, code);
    quiet(`${GRPO}truncation_strategy: delete\n`, code);
    quiet(GRPO, code);
    quiet('rlhf_type: dpo\ntruncation_strategy: right\n', code);
  });
});

describe('grpo-colocate-vllm-tp-divides-world', () => {
  const code = 'grpo-colocate-vllm-tp-divides-world';
  const base = 'rlhf_type: grpo\nvllm_mode: colocate\nglobal_batch_size: 48\n';
  test('vllm_tensor_parallel_size 4 with 6 processes fails; the fixes pick divisors', () => {
    const text = `${base}ENV:\n  NPROC_PER_NODE: 6\nvllm_tensor_parallel_size: 4\n`;
    const [d] = fires(text, code);
    assert.equal(covered(text, d!), '4');
    assert.deepEqual(d!.fixes!.map((f) => f.title), ['Set `vllm_tensor_parallel_size: 3`', 'Set `vllm_tensor_parallel_size: 2`']);
    assert.equal(fixesWork(text, code), 2);
  });
  test('across nodes the world size counts', () => {
    fires(`${base}ENV:\n  NPROC_PER_NODE: 3\n  NNODES: 2\n  MASTER_ADDR: 10.0.0.1\n  NODE_RANK: 0\nvllm_tensor_parallel_size: 4\n`, code);
  });
  test('quiet: divides, server mode, unknown world size', () => {
    quiet(`${base}ENV:\n  NPROC_PER_NODE: 8\nvllm_tensor_parallel_size: 4\n`, code);
    quiet(`rlhf_type: grpo\nvllm_mode: server\nENV:\n  NPROC_PER_NODE: 6\nvllm_tensor_parallel_size: 4\n`, code);
    quiet(`${base}vllm_tensor_parallel_size: 4\n`, code);
  });
});
