// GRPO/GKD options: vllm_mode, options Megatron GRPO does not support, truncation_strategy, and the vLLM
// tensor-parallel size in colocate mode.
import { nearestValid } from '../shared/parallel';
import { stageText } from '../shared/stages';
import { Finding, Fix, Rule } from '../types';
import { setValuesFix } from '../moe/common';
import { colocateFits, grpoLike, usesVllm } from './common';

const COMMANDS = ['megatron rlhf'] as const;

export const grpoRequiresVllmMode: Rule = {
  id: 'grpo-requires-vllm-mode',
  title: 'GRPO/GKD with vLLM needs vllm_mode',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'trainer-init' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/trainers/rollout_mixin.py:357-419', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:103-105'],
  *check(ctx) {
    if (!usesVllm(ctx)) return;
    if (ctx.str('vllm_mode') !== undefined) return;
    if (ctx.isSet('vllm_mode') && ctx.value('vllm_mode') === undefined) return; // does not parse: value-not-in-choices
    const t = ctx.str('rlhf_type');
    const fixes: Fix[] = [];
    if (colocateFits(ctx)) fixes.push(ctx.setValueFix('vllm_mode', 'colocate', 'Set `vllm_mode: colocate` (vLLM inside the training processes)', true));
    fixes.push(ctx.setValueFix('vllm_mode', 'server', 'Set `vllm_mode: server` (a separate `swift rollout` server)', fixes.length === 0));
    const key = ctx.isSet('vllm_mode') ? 'vllm_mode' : 'rlhf_type';
    yield {
      message: `${t === 'gkd' ? 'GKD with lmbda > 0 generates on-policy samples' : 'GRPO generates its rollouts'} with vLLM (\`use_vllm\` is ${ctx.isSet('use_vllm') ? 'on' : 'on by default'}), and the Megatron trainer must be told where vLLM runs: \`vllm_mode: colocate\` (inside the training processes) or \`server\` (a separate \`swift rollout\` server). Without it the trainer raises "Invalid vllm_mode" and the run ${stageText('trainer-init', ctx.version)}.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const grpoUnsupportedOptions: Rule = {
  id: 'grpo-unsupported-options',
  title: 'Options Megatron GRPO does not support',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:395-408', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:433-440'],
  *check(ctx) {
    if (grpoLike(ctx) !== 'grpo') return; // also silent with use_ray
    const stage = stageText('args', ctx.version);
    const out: Finding[] = [];
    const flagOff = (name: string, what: string) => {
      if (ctx.bool(name) !== true) return;
      out.push({
        message: `${what} is not supported by Megatron GRPO in ms-swift ${ctx.version}; ms-swift raises a ValueError and the run ${stage}. Turn \`${name}\` off.`,
        key: name,
        range: ctx.valueRange(name),
        fixes: [ctx.setValueFix(name, 'false', undefined, true)],
      });
    };
    flagOff('async_generate', 'Asynchronous generation (`async_generate: true`)');
    flagOff('sync_ref_model', 'Syncing the reference model (`sync_ref_model: true`)');
    const iters = ctx.int('num_iterations');
    if (iters !== undefined && iters > 1) {
      out.push({
        message: `Megatron GRPO takes exactly one optimisation pass over each generated batch; \`num_iterations\` ${iters} is not supported, ms-swift raises a ValueError and the run ${stage}.`,
        key: 'num_iterations',
        range: ctx.valueRange('num_iterations'),
        fixes: [ctx.setValueFix('num_iterations', '1', undefined, true)],
      });
    }
    const ng = ctx.int('num_generations');
    const mbs = ctx.int('micro_batch_size');
    if (ctx.str('loss_type') === 'real' && ng !== undefined && mbs !== undefined && ng > 0 && mbs % ng !== 0) {
      const key = ctx.isSet('micro_batch_size') ? 'micro_batch_size' : 'loss_type';
      out.push({
        message: `The REAL loss (\`loss_type: real\`) compares the completions of one prompt inside a micro batch, so micro_batch_size (${mbs}) must be a multiple of num_generations (${ng}); the assertion fails and the run ${stage}.`,
        key,
        range: ctx.valueRange(key),
      });
    }
    const rewards = ctx.list('reward_funcs') ?? [];
    if (rewards.includes('soft_overlong') && ctx.int('soft_cache_length') === undefined) {
      out.push({
        message: `The \`soft_overlong\` reward needs \`soft_cache_length\` (how many tokens before the length limit the penalty starts), which is not set; the assertion fails and the run ${stage}.`,
        key: 'reward_funcs',
        range: ctx.valueRange('reward_funcs'),
      });
    }
    if (ctx.bool('use_vllm') === false) {
      const pairs: Array<[string, string]> = [['use_vllm', 'true']];
      if (ctx.str('vllm_mode') === undefined) pairs.push(['vllm_mode', colocateFits(ctx) ? 'colocate' : 'server']);
      out.push({
        message: `Megatron GRPO generates rollouts only with vLLM (or through Ray with \`use_ray\`); \`use_vllm: false\` fails an assertion and the run ${stage}.`,
        key: 'use_vllm',
        range: ctx.valueRange('use_vllm'),
        fixes: [setValuesFix(ctx, pairs, undefined, true)],
      });
    }
    yield* out;
  },
};

export const grpoTruncationStrategy: Rule = {
  id: 'grpo-truncation-strategy',
  title: 'GRPO needs truncation_strategy left or delete',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:414-418', 'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/rlhf_args.py:23-29'],
  *check(ctx) {
    if (grpoLike(ctx) !== 'grpo') return;
    const v = ctx.str('truncation_strategy');
    if (v === undefined || v === 'left' || v === 'delete') return;
    if (!ctx.spec('truncation_strategy')?.choices?.includes(v)) return; // value-not-in-choices
    yield {
      message: `GRPO keeps the end of each prompt when it is too long, so it only accepts \`truncation_strategy\` \`left\` (its default) or \`delete\`, not \`${v}\`; ms-swift raises a ValueError and the run ${stageText('args', ctx.version)}.`,
      key: 'truncation_strategy',
      range: ctx.valueRange('truncation_strategy'),
      fixes: [ctx.setValueFix('truncation_strategy', 'left', undefined, true), ctx.setValueFix('truncation_strategy', 'delete')],
    };
  },
};

export const grpoColocateVllmTpDividesWorld: Rule = {
  id: 'grpo-colocate-vllm-tp-divides-world',
  title: 'vllm_tensor_parallel_size must divide the world size (colocate)',
  area: 'rlhf',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'trainer-init' },
  commands: COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/trainers/rollout_mixin.py:403-406'],
  *check(ctx) {
    if (!usesVllm(ctx) || ctx.str('vllm_mode') !== 'colocate') return;
    const world = ctx.worldSize();
    if (world === undefined) return;
    const tp = ctx.int('vllm_tensor_parallel_size');
    if (tp === undefined || tp < 1 || world % tp === 0) return;
    const perNode = ctx.nprocPerNode();
    const ok = (v: number) => world % v === 0 && (perNode === undefined || v <= perNode);
    const values = nearestValid(tp, ok, 2, world);
    const fixes = values.map((v, i) => ctx.setValueFix('vllm_tensor_parallel_size', String(v), undefined, i === 0));
    const key = ctx.isSet('vllm_tensor_parallel_size') ? 'vllm_tensor_parallel_size' : 'vllm_mode';
    yield {
      message: `In colocate mode every training process also runs a slice of vLLM, in groups of vllm_tensor_parallel_size ${tp}; ${world} processes cannot be split into groups of ${tp}, so the trainer raises a ValueError and the run ${stageText('trainer-init', ctx.version)}. Use a size that divides ${world}${values.length ? ` (e.g. ${values.join(' or ')})` : ''}.`,
      key,
      range: ctx.valueRange(key),
      fixes,
    };
  },
};

export const rules: readonly Rule[] = [grpoRequiresVllmMode, grpoUnsupportedOptions, grpoTruncationStrategy, grpoColocateVllmTpDividesWorld];
