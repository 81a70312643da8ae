// Expert-capacity rules: the capacity factor with the load-balancing type, and padding to capacity.
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_COMMANDS, Rule } from '../types';
import { extra, loadBalancing, removeFix } from './common';

/** moe_expert_capacity_factor as megatron-core uses it (a negative value counts as unset) */
export function capacityFactor(ctx: RuleContext): { value: number; fromExtra: boolean } | undefined {
  const e = extra(ctx, 'moe_expert_capacity_factor');
  const v = typeof e === 'number' ? e : ctx.num('moe_expert_capacity_factor');
  if (v === undefined || v < 0) return undefined;
  return { value: v, fromExtra: typeof e === 'number' };
}

function allowedWithCapacity(ctx: RuleContext): string[] {
  return ctx.version === '3.4.1' ? ['aux_loss', 'seq_aux_loss', 'none'] : ['aux_loss', 'seq_aux_loss', 'global_aux_loss', 'none'];
}

/** load-balancing types that megatron-core refuses together with a capacity factor */
export function typesRefusingCapacity(ctx: RuleContext): string[] | undefined {
  const lb = loadBalancing(ctx);
  if (!lb) return undefined;
  const allowed = allowedWithCapacity(ctx);
  const values = Array.isArray(lb.value) ? lb.value : [lb.value];
  return values.filter((v) => !allowed.includes(v));
}

function padToCapacity(ctx: RuleContext): boolean | undefined {
  const e = extra(ctx, 'moe_pad_expert_input_to_capacity');
  if (typeof e === 'boolean') return e;
  return ctx.version === '3.4.1' ? undefined : ctx.bool('moe_pad_expert_input_to_capacity');
}

const LB = 'moe_router_load_balancing_type';

export const moeCapacityFactorLoadBalancing: Rule = {
  id: 'moe-capacity-factor-load-balancing',
  title: 'Expert capacity factor with an unsupported load-balancing type',
  area: 'moe',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:653-659',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1483-1507',
  ],
  *check(ctx) {
    const cf = capacityFactor(ctx);
    if (!cf) return;
    const lb = loadBalancing(ctx);
    if (!lb) return;
    const values = Array.isArray(lb.value) ? lb.value : [lb.value];
    const allowed = allowedWithCapacity(ctx);
    let bad = values.filter((v) => !allowed.includes(v));
    // in 3.4.1 a value outside the argument's choices is reported by value-not-in-choices
    if (ctx.version === '3.4.1') bad = bad.filter((v) => ctx.spec(LB)?.choices?.includes(v));
    if (!bad.length) return;
    const key = lb.from === 'argument' ? LB : lb.from === 'extra' ? 'megatron_extra_kwargs' : cf.fromExtra ? 'megatron_extra_kwargs' : 'moe_expert_capacity_factor';
    const fixes: Fix[] = [];
    if (lb.from === 'argument' && values.length === 1) fixes.push(ctx.setValueFix(LB, 'aux_loss', undefined, true));
    if (!cf.fromExtra && padToCapacity(ctx) !== true) {
      const rm = removeFix(ctx, 'moe_expert_capacity_factor', 'Remove `moe_expert_capacity_factor` (no token dropping)', fixes.length === 0);
      if (rm) fixes.push(rm);
    }
    const list = allowed.map((a) => `\`${a}\``).join(', ');
    yield {
      message: `\`moe_expert_capacity_factor\` ${cf.value} (token dropping) only works with the ${list} load balancing, not ${bad.map((b) => `\`${b}\``).join(', ')}; megatron-core raises a ValueError and the run ${stageText('model-build', ctx.version)}. Use \`aux_loss\` or drop the capacity factor.`,
      key,
      range: key === LB ? ctx.valueRange(LB) : ctx.keyRange(key),
      fixes,
    };
  },
};

export const moePadToCapacityRequiresCapacityFactor: Rule = {
  id: 'moe-pad-to-capacity-requires-capacity-factor',
  title: 'moe_pad_expert_input_to_capacity needs moe_expert_capacity_factor',
  area: 'moe',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: ['NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1509-1513'],
  *check(ctx) {
    if (padToCapacity(ctx) !== true) return;
    if (capacityFactor(ctx)) return;
    const padFromExtra = typeof extra(ctx, 'moe_pad_expert_input_to_capacity') === 'boolean';
    const key = padFromExtra ? 'megatron_extra_kwargs' : 'moe_pad_expert_input_to_capacity';
    const fixes: Fix[] = [];
    const refusing = typesRefusingCapacity(ctx);
    const cfExtra = extra(ctx, 'moe_expert_capacity_factor') !== undefined;
    if (refusing && refusing.length === 0 && !cfExtra) fixes.push(ctx.setValueFix('moe_expert_capacity_factor', '1.0', 'Set `moe_expert_capacity_factor: 1.0`', true));
    if (!padFromExtra) fixes.push(ctx.setValueFix('moe_pad_expert_input_to_capacity', 'false', undefined, fixes.length === 0));
    const cur = ctx.num('moe_expert_capacity_factor');
    yield {
      message: `\`moe_pad_expert_input_to_capacity\` pads each expert's input up to its capacity, which needs \`moe_expert_capacity_factor\` (${cur !== undefined && cur < 0 ? `${cur} counts as unset` : 'not set'}); megatron-core raises a ValueError and the run ${stageText('model-build', ctx.version)}. Set a capacity factor (e.g. 1.0) or turn padding off.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const rules: readonly Rule[] = [moeCapacityFactorLoadBalancing, moePadToCapacityRequiresCapacityFactor];
