// YAML syntax and structure: what stops PyYAML (ms-swift 4's loader) or our own 3.4.1 expansion from reading
// the config at all.
import { Rule } from '../types';

const LOADER = ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:38-71'];
const BOTH = { '3.4.1': 'error', '4.5.2': 'error' } as const;

function structureRule(id: string, title: string): Rule {
  return {
    id,
    title,
    area: 'document',
    severity: BOTH,
    sources: LOADER,
    *check(ctx) {
      for (const p of ctx.doc.structureProblems) if (p.code === id) yield { message: p.message, range: p.range, severity: p.severity };
    },
  };
}

export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  title: 'YAML syntax error',
  area: 'document',
  severity: BOTH,
  sources: LOADER,
  *check(ctx) {
    for (const p of ctx.doc.syntaxErrors) yield { message: `YAML syntax error: ${p.message}`, range: p.range };
  },
};

export const yamlMultipleDocuments = structureRule('yaml-multiple-documents', 'More than one YAML document');
export const yamlRootNotMapping = structureRule('yaml-root-not-mapping', 'The config is not a mapping');
export const yamlKeyNotString = structureRule('yaml-key-not-string', 'A key that is not text');
export const yamlMergeNotMapping = structureRule('yaml-merge-not-mapping', 'A merge key that does not name a mapping');
export const envNotMapping = structureRule('env-not-mapping', 'ENV is not a mapping');
export const yamlUnusualLineBreak = structureRule('yaml-unusual-line-break', 'A line break character editors do not show (NEL, LS, PS)');

export const unreadableValue: Rule = {
  id: 'yaml-value-unreadable',
  title: 'A value that cannot be built (alias bomb or unknown alias)',
  area: 'document',
  severity: BOTH,
  sources: LOADER,
  *check(ctx) {
    for (const e of [...ctx.doc.entries, ...ctx.doc.envVars]) {
      if (e.pyError) yield { message: `The value of \`${e.key}\` cannot be read: ${e.pyError}.`, range: e.valueRange, key: e.key };
    }
  },
};
