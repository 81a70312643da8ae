// Every rule, by area. Each area folder exports its rules from index.ts.
import { Rule } from './types';
import { documentRules } from './document';
import { argumentRules } from './arguments';
import { environmentRules } from './environment';

let rules: Rule[] | undefined;

export function allRules(): readonly Rule[] {
  if (!rules) {
    rules = [...documentRules, ...argumentRules, ...environmentRules];
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
