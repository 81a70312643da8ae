// Router rules: aux-loss coefficients per load-balancing type, top-1 routing, no aux loss, fp32 routing.
import { RuleContext } from '../context';
import { stageText } from '../shared/stages';
import { Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule } from '../types';
import { auxLossCoeff, extra, extraKwargsText, loadBalancing, modelKey, modelOrigin, numExperts, rawField, routing } from './common';

const LB = 'moe_router_load_balancing_type';
const COEFF = 'moe_aux_loss_coeff';

function modelName(ctx: RuleContext): string {
  const ref = ctx.str('model') ?? ctx.str('mcore_model') ?? ctx.str('load');
  return ref ? `\`${ref}\`` : 'The model';
}

/** a YAML list of coefficients, written as strings (ms-swift 4's launcher needs string list items) */
function coeffList(value: number, n: number): string {
  return `[${Array.from({ length: n }, () => JSON.stringify(String(value))).join(', ')}]`;
}

export const moeAuxLossCoeffListLength: Rule = {
  id: 'moe-aux-loss-coeff-list-length',
  title: 'One aux-loss coefficient per load-balancing type',
  area: 'moe',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:1475-1481',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:893-896',
  ],
  *check(ctx) {
    const lb = loadBalancing(ctx);
    if (!lb || !Array.isArray(lb.value)) return;
    const coeff = auxLossCoeff(ctx);
    if (coeff === undefined) return;
    if (Array.isArray(coeff) && coeff.length === lb.value.length) return;
    const n = lb.value.length;
    const coeffFromExtra = extra(ctx, COEFF) !== undefined;
    const key = ctx.isSet(COEFF) && !coeffFromExtra ? COEFF : lb.from === 'argument' ? LB : 'megatron_extra_kwargs';
    const fixes: Fix[] = [];
    const first = Array.isArray(coeff) ? coeff[0] : coeff;
    const c = first !== undefined && first > 0 ? first : 0.001;
    if (!coeffFromExtra) fixes.push(ctx.setValueFix(COEFF, coeffList(c, n), `Set \`${COEFF}\` to ${n} coefficients of ${c}`, true));
    if (lb.from === 'argument' && !Array.isArray(coeff)) fixes.push(ctx.setValueFix(LB, lb.value[0]!, `Keep only the \`${lb.value[0]}\` load balancing`));
    const given = Array.isArray(coeff) ? `${coeff.length} coefficients` : `the single number ${coeff}${ctx.isSet(COEFF) || coeffFromExtra ? '' : ' (the default)'}`;
    yield {
      message: `\`${LB}\` lists ${n} load-balancing types (${lb.value.map((v) => `\`${v}\``).join(', ')}), so megatron-core needs \`${COEFF}\` as a list of ${n} coefficients, one per type, but it gets ${given} (ms-swift turns a one-item list into a single number); the assertion fails and the run ${stageText('model-build', ctx.version)}.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const moeTopk1RequiresPreSoftmax: Rule = {
  id: 'moe-topk1-requires-pre-softmax',
  title: 'Top-1 softmax routing needs pre-softmax',
  area: 'moe',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_COMMANDS,
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/model/config.py:29',
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:976-984',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:2104-2112',
  ],
  *check(ctx) {
    const r = routing(ctx);
    if (!r || r.topk !== 1 || r.scoreFunction !== 'softmax' || r.preSoftmax) return;
    const lb = loadBalancing(ctx);
    if (!lb || lb.value === 'sinkhorn') return;
    let key: string;
    const fixes: Fix[] = [];
    if (ctx.version === '3.4.1') {
      key = ctx.isSet('moe_router_pre_softmax') ? 'moe_router_pre_softmax' : ctx.isSet('moe_router_topk') ? 'moe_router_topk' : modelKey(ctx);
      fixes.push(ctx.setValueFix('moe_router_pre_softmax', 'true', undefined, true));
    } else {
      key = ctx.isSet('megatron_extra_kwargs') ? 'megatron_extra_kwargs' : modelKey(ctx);
      fixes.push(ctx.setValueFix('megatron_extra_kwargs', extraKwargsText(ctx, 'moe_router_pre_softmax', true), 'Turn on pre-softmax routing in `megatron_extra_kwargs`', true));
    }
    const m = ctx.model();
    const how = ctx.version === '3.4.1' ? 'set `moe_router_pre_softmax: true`' : `add \`"moe_router_pre_softmax": true\` to \`megatron_extra_kwargs\` (ms-swift ${ctx.version} has no argument for it)`;
    yield {
      message: `Each token goes to a single expert (top-k 1, from ${r.topkFrom}) and the softmax is taken after the top-k selection (pre-softmax off, from ${r.preSoftmaxFrom})${m ? `; model facts from ${modelOrigin(ctx)}` : ''}. A softmax over one score always gives 1 and no gradient, so megatron-core refuses this and the run ${stageText('model-build', ctx.version)}. To route with softmax before the selection, ${how}.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const moeAuxLossCoeffZero: Rule = {
  id: 'moe-aux-loss-coeff-zero',
  title: 'MoE training without an auxiliary load-balancing loss',
  area: 'moe',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'silent' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:661', 'modelscope/ms-swift@v3.4.1:swift/megatron/model/config.py:30'],
  *check(ctx) {
    const experts = numExperts(ctx);
    if (!experts || experts <= 0) return;
    const coeff = auxLossCoeff(ctx);
    if (coeff === undefined) return;
    const zero = Array.isArray(coeff) ? coeff.every((c) => c === 0) : coeff === 0;
    if (!zero) return;
    const lb = loadBalancing(ctx);
    if (!lb) return;
    const types = Array.isArray(lb.value) ? lb.value : [lb.value];
    if (types.every((t) => t === 'none')) return; // no load balancing chosen on purpose
    const m = ctx.model();
    const hf = rawField(ctx, 'router_aux_loss_coef');
    const suggestion = typeof hf === 'number' && hf > 0 ? hf : 0.001;
    const key = ctx.isSet(COEFF) ? COEFF : modelKey(ctx);
    const fixes: Fix[] = [];
    if (extra(ctx, COEFF) === undefined) {
      const text = types.length > 1 ? coeffList(suggestion, types.length) : String(suggestion);
      fixes.push(ctx.setValueFix(COEFF, text, `Set \`${COEFF}: ${text}\``, true));
    }
    const r = routing(ctx);
    const sigmoid = r?.scoreFunction === 'sigmoid' ? ' (this model routes with sigmoid scores and an expert bias, which still evens out the load, so this matters less)' : '';
    yield {
      message: `${modelName(ctx)} is a mixture-of-experts model (${experts} experts${m ? `, ${modelOrigin(ctx)}` : ''}), but \`${COEFF}\` is 0${ctx.isSet(COEFF) ? '' : ' (the ms-swift 4 default)'}, so training adds no load-balancing loss and the router may send most tokens to a few experts${sigmoid}. ms-swift 3.x took router_aux_loss_coef from config.json; 4.x does not. Set it explicitly, e.g. \`${COEFF}: ${suggestion}\`${typeof hf === 'number' && hf > 0 ? ' (the value in config.json)' : ''}.`,
      key,
      range: ctx.keyRange(key),
      fixes,
    };
  },
};

export const moeManyExpertsRouterDtype: Rule = {
  id: 'moe-many-experts-router-dtype',
  title: 'Many experts without fp32 routing',
  area: 'moe',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  stage: { '3.4.1': 'model-build', '4.5.2': 'model-build' },
  commands: MEGATRON_TRAIN_COMMANDS,
  sources: [
    'NVIDIA/Megatron-LM@core_r0.12.0:megatron/core/transformer/transformer_config.py:1060-1068',
    'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/transformer/transformer_config.py:2499-2507',
  ],
  *check(ctx) {
    const experts = numExperts(ctx);
    if (!experts || experts < 32) return;
    const m = ctx.model();
    const where = m ? ` (${modelOrigin(ctx)})` : '';
    if (ctx.version === '3.4.1') {
      yield {
        message: `${modelName(ctx)} has ${experts} experts${where}; with 32 or more, Megatron warns that routing runs in the model's 16-bit precision instead of fp32, which can make the routing numerically noisy. ms-swift 3.4.1 has no way to turn on fp32 routing; ms-swift 4 routes in fp32 by default (\`moe_router_dtype: fp32\`).`,
        key: modelKey(ctx),
        range: ctx.keyRange(modelKey(ctx)),
      };
      return;
    }
    const e = extra(ctx, 'moe_router_dtype');
    const dtype = typeof e === 'string' ? e : ctx.str('moe_router_dtype');
    if (dtype === undefined || dtype.toLowerCase() !== 'none') return;
    const key = typeof e === 'string' ? 'megatron_extra_kwargs' : 'moe_router_dtype';
    yield {
      message: `${modelName(ctx)} has ${experts} experts${where}, and \`moe_router_dtype: none\` makes the router compute in the model's 16-bit precision; with 32 or more experts megatron-core warns that this can be numerically unstable. Keep fp32 routing (the default).`,
      key,
      range: ctx.keyRange(key),
      fixes: key === 'moe_router_dtype' ? [ctx.setValueFix('moe_router_dtype', 'fp32', undefined, true)] : [],
    };
  },
};

export const rules: readonly Rule[] = [moeAuxLossCoeffListLength, moeTopk1RequiresPreSoftmax, moeAuxLossCoeffZero, moeManyExpertsRouterDtype];
