// The TextMate grammar tokenizes ms-swift specifics (modeline, ENV variables, dataset specs) with the real
// vscode-textmate engine; `source.yaml` is replaced by a minimal stand-in since VS Code ships the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { REPO_ROOT } from '../helpers';

const YAML_STUB = {
  scopeName: 'source.yaml',
  patterns: [
    { match: '#.*$', name: 'comment.line.number-sign.yaml' },
    { match: '^\\s*([\\w-]+)(?=:)', captures: { 1: { name: 'entity.name.tag.yaml' } } },
    { begin: '"', end: '"', name: 'string.quoted.double.yaml' },
  ],
};

async function registry(): Promise<vsctm.Registry> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  return new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (scope === 'source.yaml') return vsctm.parseRawGrammar(JSON.stringify(YAML_STUB), 'yaml.json');
      if (scope === 'source.ms-swift-yaml') {
        const p = path.join(REPO_ROOT, 'syntaxes', 'ms-swift-yaml.tmLanguage.json');
        return vsctm.parseRawGrammar(fs.readFileSync(p, 'utf8'), p);
      }
      return null;
    },
  });
}

test('modeline, ENV variables and dataset specs get their scopes', async () => {
  const grammar = (await (await registry()).loadGrammar('source.ms-swift-yaml'))!;
  const lines = ['# megatron sft ms-swift=4.5.2', 'ENV:', '  NPROC_PER_NODE: "2"', 'dataset:', '  - AI-ModelScope/alpaca-gpt4-data-zh#500', '  - "org/name:subset#20"', 'lr: 1.0e-5 # ms-swift-ignore: type-mismatch'];
  let state = vsctm.INITIAL;
  const scopesOf = new Map<string, string[]>();
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) scopesOf.set(`${line.slice(t.startIndex, t.endIndex)}`, t.scopes);
    state = r.ruleStack;
  }
  const has = (text: string, scope: string) => assert.ok(scopesOf.get(text)?.includes(scope), `${text}: ${JSON.stringify(scopesOf.get(text))}`);
  has('megatron', 'keyword.other.program.ms-swift-yaml');
  has('sft', 'keyword.other.command.ms-swift-yaml');
  has('4.5.2', 'constant.numeric.version.ms-swift-yaml');
  has('ENV', 'keyword.other.env.ms-swift-yaml');
  has('NPROC_PER_NODE', 'variable.other.env.ms-swift-yaml');
  has('AI-ModelScope/alpaca-gpt4-data-zh', 'entity.name.dataset.ms-swift-yaml');
  has('500', 'constant.numeric.sample-count.ms-swift-yaml');
  has('subset', 'entity.other.subset.ms-swift-yaml');
  has('ms-swift-ignore', 'keyword.other.directive.ms-swift-yaml');
  has('lr', 'entity.name.tag.yaml');
});
