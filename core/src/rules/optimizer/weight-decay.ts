// weight_decay_incr_style and start/end_weight_decay (ms-swift 4.5.2): constant takes neither, linear/cosine need both,
// and the scheduler only lets weight decay grow from a non-negative start.
import { stageText } from '../shared/stages';
import { Finding, Fix, MEGATRON_COMMANDS, MEGATRON_TRAIN_COMMANDS, Rule, TextEdit } from '../types';
import { RuleContext } from '../context';
import { floatText, removeKeyEdit, setValuesFix } from '../precision/common';

const START = 'start_weight_decay';
const END = 'end_weight_decay';

function given(ctx: RuleContext, name: string): boolean {
  return ctx.isSet(name) && ctx.value(name) !== null;
}

/** the fix that goes back to a constant weight decay: style constant and start/end removed */
function constantFix(ctx: RuleContext, preferred: boolean): Fix | undefined {
  const edits: TextEdit[] = [];
  if (ctx.isSet('weight_decay_incr_style') && ctx.str('weight_decay_incr_style') !== 'constant') edits.push(ctx.setValueEdit('weight_decay_incr_style', 'constant'));
  for (const k of [START, END]) {
    if (!given(ctx, k)) continue;
    const rm = removeKeyEdit(ctx, k);
    if (!rm) return undefined;
    edits.push(rm);
  }
  const wd = ctx.num('weight_decay');
  if (wd !== undefined && wd < 0) return undefined; // would only trade one failure for another
  return { title: edits.length > 1 ? 'Use a constant weight decay (remove start/end_weight_decay)' : 'Set `weight_decay_incr_style: constant`', edits, preferred };
}

export const weightDecayIncrStyleBounds: Rule = {
  id: 'weight-decay-incr-style-bounds',
  title: 'start/end weight decay must match weight_decay_incr_style',
  area: 'optimizer',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  commands: MEGATRON_COMMANDS,
  sources: ['modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:1118-1125', 'NVIDIA/Megatron-LM@core_r0.18.0:megatron/core/optimizer_param_scheduler.py:168-169'],
  *check(ctx) {
    const style = ctx.str('weight_decay_incr_style');
    if (!style) return;
    const argsStage = stageText('args', ctx.version);
    const schedStage = stageText('optimizer-setup', ctx.version);
    const training = MEGATRON_TRAIN_COMMANDS.includes(ctx.command);
    const startSet = given(ctx, START);
    const endSet = given(ctx, END);
    const s = ctx.num(START);
    const e = ctx.num(END);
    if (style === 'constant') {
      if (startSet || endSet) {
        const set = [START, END].filter((k) => given(ctx, k));
        const fixes: Fix[] = [];
        const rampOk = startSet && endSet && s !== undefined && e !== undefined && s >= 0 && e >= s;
        if (rampOk) {
          fixes.push(ctx.setValueFix('weight_decay_incr_style', 'linear', 'Set `weight_decay_incr_style: linear`', true));
          fixes.push(ctx.setValueFix('weight_decay_incr_style', 'cosine', 'Set `weight_decay_incr_style: cosine`'));
        }
        const rm = constantFix(ctx, !rampOk);
        if (rm) fixes.push({ ...rm, title: `Remove ${set.map((k) => `\`${k}\``).join(' and ')}` });
        const unset = ctx.isSet('weight_decay_incr_style') ? '' : ' (the default)';
        yield {
          message: `${set.map((k) => `\`${k}\``).join(' and ')} ${set.length > 1 ? 'are' : 'is'} only used with a linear or cosine \`weight_decay_incr_style\`; with constant${unset} ms-swift asserts ${set.length > 1 ? 'they are' : 'it is'} unset and the run ${argsStage}. Choose linear/cosine, or remove ${set.length > 1 ? 'them' : 'it'} (then \`weight_decay\` applies throughout).`,
          key: set[0]!,
          fixes,
        };
        return;
      }
      const wd = ctx.num('weight_decay');
      if (training && wd !== undefined && wd < 0) {
        yield {
          message: `\`weight_decay\` ${wd} is negative; the weight-decay scheduler requires a value of at least 0 and the run ${schedStage}.`,
          key: 'weight_decay',
          fixes: [ctx.setValueFix('weight_decay', '0.0', 'Set `weight_decay: 0.0`', true)],
        };
      }
      return;
    }
    // linear / cosine
    if (!startSet || !endSet) {
      const missing = [START, END].filter((k) => !given(ctx, k));
      const wd = Math.max(ctx.num('weight_decay') ?? 0.1, 0);
      const fixes: Fix[] = [];
      const add: Array<[string, string]> = [];
      if (!startSet && !endSet) add.push([START, '0.0'], [END, floatText(wd)]);
      else if (!startSet && e !== undefined && e >= 0) add.push([START, '0.0']);
      else if (!endSet && s !== undefined && s >= 0) add.push([END, floatText(Math.max(s, wd))]);
      if (add.length) fixes.push(setValuesFix(ctx, `Add ${add.map(([k, v]) => `\`${k}: ${v}\``).join(' and ')}`, add, true));
      const cf = constantFix(ctx, !add.length);
      if (cf) fixes.push(cf);
      yield {
        message: `\`weight_decay_incr_style: ${style}\` needs both \`${START}\` and \`${END}\`, but ${missing.map((k) => `\`${k}\``).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set; ms-swift asserts this and the run ${argsStage}.`,
        key: 'weight_decay_incr_style',
        fixes,
      };
      return;
    }
    if (!training || s === undefined || e === undefined) return;
    if (s < 0) {
      const fixes: Fix[] = [];
      if (e >= 0) fixes.push(ctx.setValueFix(START, '0.0', `Set \`${START}: 0.0\``, true));
      const finding: Finding = {
        message: `\`${START}\` ${s} is negative; the weight-decay scheduler requires at least 0 and the run ${schedStage}.`,
        key: START,
        fixes,
      };
      yield finding;
      return;
    }
    if (e < s) {
      const swap: Fix = {
        title: `Swap them: \`${START}: ${floatText(e)}\`, \`${END}: ${floatText(s)}\``,
        edits: [ctx.setValueEdit(START, floatText(e)), ctx.setValueEdit(END, floatText(s))],
        preferred: e >= 0,
      };
      const fixes: Fix[] = [];
      if (e >= 0) fixes.push(swap);
      fixes.push(ctx.setValueFix(END, floatText(s), `Set \`${END}: ${floatText(s)}\` (constant)`, e < 0));
      yield {
        message: `\`${END}\` ${e} is below \`${START}\` ${s}: Megatron's weight-decay schedule can only stay level or grow, and the run ${schedStage}.`,
        key: END,
        fixes,
      };
    }
  },
};
