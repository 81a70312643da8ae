// Builds a rule of this group from its constraint metadata: the check reports the plan's problems with the rule's
// id, adds when the run fails, and asks the rule for its quick fixes.
import { CommandName, KnownVersion } from '../../../catalog/schema';
import type { RuleContext } from '../../context';
import { stageText } from '../../shared/stages';
import { Finding, Rule, Severity, Stage } from '../../types';
import { FixList } from './fixes';
import { Plan, Problem, makePlan } from './plan';

const plans = new WeakMap<RuleContext, Plan>();

/** The plan of the config as written (shared by every rule of the group within one check). */
export function planOf(ctx: RuleContext): Plan {
  let p = plans.get(ctx);
  if (!p) {
    p = makePlan(ctx);
    plans.set(ctx, p);
  }
  return p;
}

export interface GroupRuleDef {
  id: string;
  title: string;
  severity: Partial<Record<KnownVersion, Severity>>;
  stage: Partial<Record<KnownVersion, Stage>>;
  commands: readonly CommandName[];
  sources: readonly string[];
  /** the rule's arguments per version (where to point when the problem's own key is not in the config) */
  args: Partial<Record<KnownVersion, readonly string[]>>;
  /** text after the problem, before the stage sentence (e.g. what to do) */
  advice?: (ctx: RuleContext, plan: Plan, problem: Problem, fixes: FixList) => string | undefined;
  fixes?: (ctx: RuleContext, plan: Plan, problem: Problem, fixes: FixList) => void;
  /** the sentence about the consequence, when the stage text does not fit */
  consequence?: (ctx: RuleContext, problem: Problem) => string | undefined;
  tags?: Finding['tags'];
}

function sentence(s: string): string {
  const t = s.trim().replace(/^[a-z]/, (c) => c.toUpperCase());
  if (!t) return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function groupRule(def: GroupRuleDef): Rule {
  return {
    id: def.id,
    title: def.title,
    area: 'parallelism',
    severity: def.severity,
    stage: def.stage,
    commands: def.commands,
    sources: def.sources,
    *check(ctx) {
      const plan = planOf(ctx);
      for (const p of plan.problems) {
        if (p.id !== def.id) continue;
        const fixes = new FixList(ctx, plan, def.id);
        def.fixes?.(ctx, plan, p, fixes);
        const parts = [sentence(p.detail)];
        const advice = def.advice?.(ctx, plan, p, fixes);
        if (advice) parts.push(sentence(advice));
        const custom = def.consequence?.(ctx, p);
        if (custom !== undefined) {
          if (custom) parts.push(sentence(custom));
        } else {
          const stage = p.stage ?? def.stage[ctx.version];
          const text = stageText(stage, ctx.version);
          if (text && stage !== 'silent') parts.push(sentence(`The run ${text}`));
        }
        let key = p.key;
        if (!ctx.isSet(key)) key = (def.args[ctx.version] ?? []).find((k) => ctx.isSet(k)) ?? key;
        const finding: Finding = { message: parts.join(' '), key };
        if (p.severity) finding.severity = p.severity;
        if (fixes.length) finding.fixes = fixes.fixes;
        if (def.tags) finding.tags = def.tags;
        yield finding;
      }
    },
  };
}

/** "7 or 4", "7, 4 or 2" */
export function orList(xs: Array<string | number>): string {
  const s = xs.map(String);
  if (s.length <= 1) return s.join('');
  return `${s.slice(0, -1).join(', ')} or ${s[s.length - 1]}`;
}
