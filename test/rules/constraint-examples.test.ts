// Every rule of ../shared/reference/constraints.json, for every version it applies to: its example_violating
// fires (with the rule id as the code, on one of the rule's keys) and its example_satisfying stays quiet; every
// quick fix offered is applied and must silence that diagnostic without adding an error. Rules that cannot be
// checked statically must be listed (with the reason) and must not be implemented.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkText, CheckOptions } from '../../core/src/check';
import { nodeFileView } from '../../core/src/files';
import { notCheckableRules, ruleById } from '../../core/src/rules/registry';
import { CommandName } from '../../core/src/catalog/schema';
import { applyFix, SHARED } from '../helpers';
import { FixtureTable, RuleFixture } from './fixtures/types';
import * as areas from './fixtures';

interface Constraint {
  id: string;
  area: string;
  versions: string[];
  args_by_version: Record<string, string[]>;
  env: string[];
  example_violating: string;
  example_satisfying: string;
}

const constraints: Constraint[] = JSON.parse(fs.readFileSync(path.join(SHARED, 'reference', 'constraints.json'), 'utf8'));
const fixtures: FixtureTable = Object.assign({}, ...Object.values(areas));
const notCheckable = notCheckableRules();

/** `# ms-swift 3.4.1` (or `(ms-swift 4.5.2)`) in an example's comments limits it to that version. */
function exampleVersions(c: Constraint, text: string): string[] {
  const m = /#.*ms-swift (\d+\.\d+\.\d+)/.exec(text);
  return m ? c.versions.filter((v) => v === m[1]) : c.versions;
}

/** Writes config.json files for `model: models/...` paths whose assumed config is stated in comments. */
function writeAssumedModel(dir: string, text: string): void {
  const model = /^model:\s*(\S+)/m.exec(text)?.[1];
  if (!model || !model.startsWith('models/')) return;
  const config: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const m = /config\.json(?: \(assumed\))?:?\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const part of m[1]!.split(/,\s*/)) {
      const kv = /^(\w+)\s+(\S+)/.exec(part.trim());
      if (!kv || kv[1] === 'no') continue;
      const v = kv[2]!;
      config[kv[1]!] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
    }
  }
  const d = path.join(dir, model);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(config));
}

function commandFor(fx: RuleFixture | undefined, text: string): CommandName {
  if (fx?.command) return fx.command;
  return /^rlhf_type:/m.test(text) ? 'megatron rlhf' : 'megatron sft';
}

function run(c: Constraint, which: 'violating' | 'satisfying', version: string, text: string) {
  const fx = fixtures[c.id];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mss-rule-${c.id}-`));
  writeAssumedModel(dir, text);
  fx?.setup?.(dir, which, version);
  const options: CheckOptions = {
    command: commandFor(fx, text),
    version,
    files: nodeFileView(),
    baseDir: dir,
    hostEnv: { HOME: dir },
    ...(fx?.options?.(which, version) ?? {}),
  };
  return { options, result: checkText(text, options) };
}

describe('constraints.json examples', () => {
  for (const c of constraints) {
    const fx = fixtures[c.id];
    const violating = fx?.violating ?? c.example_violating;
    const satisfying = fx?.satisfying ?? c.example_satisfying;
    if (notCheckable[c.id]) {
      test(`${c.id}: listed as not checkable, and not implemented`, () => {
        assert.ok(notCheckable[c.id]!.length > 20, 'give the reason');
        assert.equal(ruleById(c.id), undefined);
      });
      continue;
    }
    for (const version of exampleVersions(c, violating)) {
      test(`${c.id} (${version}) fires on its violating example, on the right key`, () => {
        const rule = ruleById(c.id);
        assert.ok(rule, `rule ${c.id} is not implemented`);
        assert.ok(rule.severity[version as '3.4.1' | '4.5.2'], `rule ${c.id} does not apply to ${version}`);
        const { options, result } = run(c, 'violating', version, violating);
        const found = result.diagnostics.filter((d) => d.code === c.id);
        assert.ok(found.length > 0, `no ${c.id} in ${JSON.stringify(result.diagnostics.map((d) => `${d.code}: ${d.message}`))}`);
        const keys = new Set([...(c.args_by_version[version] ?? []), ...c.env, 'ENV', 'model', 'mcore_model', 'load']);
        for (const d of found) if (d.key && keys.size > 5) assert.ok(keys.has(d.key), `${c.id} reported on ${d.key}, not one of ${[...keys].join(', ')}`);
        // every fix silences this diagnostic and adds no error
        const errorsBefore = new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
        for (const d of found) {
          for (const fix of d.fixes ?? []) {
            const fixed = applyFix(violating, fix);
            const after = checkText(fixed, options).diagnostics;
            assert.equal(after.filter((x) => x.code === c.id).length < found.length, true, `fix "${fix.title}" left ${c.id}:\n${fixed}`);
            const newErrors = after.filter((x) => x.severity === 'error' && !errorsBefore.has(x.code));
            assert.deepEqual(newErrors.map((x) => `${x.code}: ${x.message}`), [], `fix "${fix.title}" added errors:\n${fixed}`);
          }
        }
      });
    }
    for (const version of exampleVersions(c, satisfying)) {
      test(`${c.id} (${version}) stays quiet on its satisfying example`, () => {
        if (!ruleById(c.id)) assert.fail(`rule ${c.id} is not implemented`);
        const { result } = run(c, 'satisfying', version, satisfying);
        assert.deepEqual(result.diagnostics.filter((d) => d.code === c.id).map((d) => d.message), []);
      });
    }
  }
});
