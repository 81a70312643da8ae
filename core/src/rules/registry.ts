// Every rule, by area. Each area folder exports its rules (and the constraint ids it cannot check statically,
// with the reason) from index.ts.
import { Rule } from './types';
import { documentRules } from './document';
import { argumentRules } from './arguments';
import { environmentRules } from './environment';
import * as launcher from './launcher';
import * as parallelism from './parallelism';
import * as batch from './batch';
import * as recompute from './recompute';
import * as precision from './precision';
import * as optimizer from './optimizer';
import * as lr from './lr';
import * as iterations from './iterations';
import * as checkpoint from './checkpoint';
import * as data from './data';
import * as attention from './attention';
import * as moe from './moe';
import * as rlhf from './rlhf';
import * as required from './required';
import * as memory from './memory';

const AREAS = [launcher, parallelism, batch, recompute, precision, optimizer, lr, iterations, checkpoint, data, attention, moe, rlhf, required, memory];

let rules: Rule[] | undefined;

export function allRules(): readonly Rule[] {
  if (!rules) {
    rules = [...documentRules, ...argumentRules, ...environmentRules, ...AREAS.flatMap((a) => a.rules)];
    const seen = new Set<string>();
    for (const r of rules) {
      if (seen.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
      seen.add(r.id);
    }
  }
  return rules;
}

export function ruleById(id: string): Rule | undefined {
  return allRules().find((r) => r.id === id);
}

/** Constraint ids that are deliberately not checked, with the reason (listed in the README). */
export function notCheckableRules(): Record<string, string> {
  return Object.assign({}, ...AREAS.map((a) => a.notCheckable));
}
