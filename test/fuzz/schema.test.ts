// The JSON Schema export (`ms-swift-studio schema`): draft-07, validates every example and doc config of its
// command/version, rejects unknown keys and bad values, and never accepts a value the checker rejects
// (property test over random catalog keys and values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { checkText } from '../../core/src/check';
import { commandCatalog } from '../../core/src/catalog/catalog';
import { COMMANDS, KNOWN_VERSIONS, CommandName, KnownVersion } from '../../core/src/catalog/schema';
import { parseModeline } from '../../core/src/config/modeline';
import { configJsonSchema, DRAFT_07, JsonSchema, UnknownCommandError } from '../../core/src/schema/json-schema';
import { validateJson } from '../../core/src/schema/validate';
import { runSchema } from '../../cli/src/commands/schema';
import { UsageError } from '../../cli/src/usage';
import { REPO_ROOT } from '../helpers';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** PyYAML reads YAML 1.1; so does the checker, and so should a validator of these configs */
const load = (text: string): unknown => parseYaml(text, { version: '1.1' });

function schemaFor(text: string): { schema: JsonSchema; command: CommandName; version: KnownVersion } {
  const m = parseModeline(text);
  const command = m?.command ?? 'megatron sft';
  const version = (m?.version ?? '4.5.2') as KnownVersion;
  return { schema: configJsonSchema(command, version), command, version };
}

const configs = [...yamlFiles(path.join(REPO_ROOT, 'examples')), ...yamlFiles(path.join(REPO_ROOT, 'test', 'fixtures', 'doc-configs'))];

test('the schema of every command of every version is draft-07, closed, and its $refs and patterns work', () => {
  let n = 0;
  for (const version of KNOWN_VERSIONS) {
    for (const command of COMMANDS) {
      const catalog = commandCatalog(version, command);
      if (!catalog) {
        assert.throws(() => configJsonSchema(command, version), UnknownCommandError);
        continue;
      }
      n++;
      const s = configJsonSchema(command, version);
      assert.equal(s.$schema, DRAFT_07);
      assert.equal(s.type, 'object');
      assert.equal(s.additionalProperties, false);
      const props = s.properties!;
      for (const spec of catalog.specs()) {
        const p = props[spec.name];
        assert.ok(p, `${version} ${command}: ${spec.name}`);
        assert.ok(p.description && p.description.length > 10, `${spec.name} has a description`);
      }
      const env = props.ENV!;
      assert.deepEqual(env.type, ['object', 'null']);
      assert.deepEqual((env.additionalProperties as JsonSchema).type, ['string', 'number']);
      assert.ok(env.properties!.NPROC_PER_NODE?.description);
      // every pattern compiles the way draft-07 validators compile them (ECMA-262, unicode)
      const json = JSON.stringify(s);
      for (const m of json.matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)) new RegExp(JSON.parse(`"${m[1]}"`), 'u');
      for (const key of Object.keys(s.patternProperties ?? {})) new RegExp(key, 'u');
      // every $ref resolves: validating a config that uses each dashed spelling does not throw
      const dashed: Record<string, unknown> = {};
      for (const key of Object.keys(s.patternProperties ?? {})) dashed[key.slice(1, -1)] = null;
      validateJson(s, dashed, { maxErrors: 100000 });
      // round-trips through JSON (what the CLI prints)
      assert.deepEqual(JSON.parse(json), s);
    }
  }
  assert.ok(n >= 15);
});

for (const file of configs) {
  const rel = path.relative(REPO_ROOT, file);
  test(`the schema accepts ${rel}`, () => {
    const text = fs.readFileSync(file, 'utf8');
    const { schema } = schemaFor(text);
    assert.deepEqual(validateJson(schema, load(text)), []);
  });
}

test('the schema rejects an unknown key, a bad choice, a list item that is not a string (4.x) and an empty list', () => {
  const base = '# megatron sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B-Instruct\n';
  const s = configJsonSchema('megatron sft', '4.5.2');
  assert.deepEqual(validateJson(s, load(base)), []);
  const unknown = validateJson(s, load(`${base}learning_rate: 1.0e-5\n`));
  assert.deepEqual(unknown.map((e) => [e.path, e.keyword]), [['/learning_rate', 'additionalProperties']]);
  const choice = validateJson(s, load(`${base}recompute_granularity: sometimes\n`));
  assert.deepEqual(choice.map((e) => [e.path, e.keyword]), [['/recompute_granularity', 'enum']]);
  assert.deepEqual(validateJson(s, load(`${base}recompute_granularity: none\n`)), [], '`none` is a 4.x choice');
  const v3 = configJsonSchema('megatron sft', '3.4.1');
  assert.deepEqual(validateJson(v3, load('recompute_granularity: none\n')).map((e) => e.keyword), ['enum'], 'but not a 3.4.1 one');
  assert.deepEqual(validateJson(s, load(`${base}dataset: [a/b, 3]\n`)).map((e) => [e.path, e.keyword]), [['/dataset/1', 'type']]);
  assert.deepEqual(validateJson(s, load(`${base}dataset: []\n`)).map((e) => e.keyword), ['minItems']);
  assert.deepEqual(validateJson(s, load(`${base}train_iters: 1.5\n`)).map((e) => e.keyword), ['type']);
  assert.deepEqual(validateJson(s, load(`${base}train_iters: "100"\n`)), [], 'int() reads "100"');
  assert.deepEqual(validateJson(s, load(`${base}lr: fast\n`)).map((e) => e.keyword), ['pattern']);
  assert.deepEqual(validateJson(s, load(`${base}lr: 1e-5\n`)), [], 'a string float() reads');
  assert.deepEqual(validateJson(s, load(`${base}sequence_parallel: maybe\n`)).map((e) => e.keyword), ['pattern']);
  assert.deepEqual(validateJson(s, load(`${base}sequence_parallel: 2\n`)).map((e) => e.keyword), ['maximum']);
  assert.deepEqual(validateJson(s, load(`${base}micro-batch-size: 2\n`)), [], 'the dashed spelling argparse registers');
  assert.deepEqual(validateJson(s, load(`${base}micro-batch-size: two\n`)).map((e) => [e.path, e.keyword]), [['/micro-batch-size', 'pattern']]);
  assert.deepEqual(validateJson(s, load(`${base}ENV:\n  NPROC_PER_NODE: 8\n  MY_VAR: x\n`)), []);
  assert.deepEqual(validateJson(s, load(`${base}ENV:\n  NPROC_PER_NODE: [8]\n`)).map((e) => [e.path, e.keyword]), [['/ENV/NPROC_PER_NODE', 'type']]);
  assert.deepEqual(validateJson(s, load(`${base}ENV: 3\n`)).map((e) => [e.path, e.keyword]), [['/ENV', 'type']]);
  assert.deepEqual(validateJson(s, load('# megatron sft ms-swift=4.5.2\nmodel: null\n')).map((e) => e.keyword), ['type'], 'null becomes the text "None" in 4.x');
  assert.deepEqual(validateJson(v3, load('load: null\n')), [], '3.4.1 leaves null keys out');
  // 3.4.1's unsettable torch_dtype on megatron commands
  assert.deepEqual(validateJson(v3, load('torch_dtype: bfloat16\n')).map((e) => e.keyword), ['not']);
});

test('schema CLI: prints the schema, honours --language, and reports usage errors', () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: REPO_ROOT };
  assert.equal(runSchema(['--command', 'megatron sft', '--ms-swift-version', '4.5.2'], io), 0);
  const printed = JSON.parse(out.join('')) as JsonSchema;
  assert.deepEqual(printed, configJsonSchema('megatron sft', '4.5.2'));
  out.length = 0;
  assert.equal(runSchema(['--command', 'swift export', '--ms-swift-version', '3.4.1', '--language', 'zh-cn', '--compact'], io), 0);
  const zh = out.join('');
  assert.equal(zh.trimEnd().split('\n').length, 1, 'compact');
  assert.match((JSON.parse(zh) as JsonSchema).properties!.model!.description!, /[\u4e00-\u9fff]/);
  out.length = 0;
  assert.equal(runSchema(['--ms-swift-version', '4.3.0'], io), 0, 'nearest known version');
  assert.match(err.join(''), /using 4\.5\.2/);
  assert.throws(() => runSchema(['--command', 'megatron rlhf', '--ms-swift-version', '3.4.1'], io), UsageError);
  assert.throws(() => runSchema(['--command', 'swift train'], io), UsageError);
  assert.throws(() => runSchema(['--ms-swift-version', 'latest'], io), UsageError);
  assert.throws(() => runSchema(['--language', 'fr'], io), UsageError);
  assert.throws(() => runSchema(['extra'], io), UsageError);
});

// The codes that say "argparse or the launcher rejects this key or value"
const VALUE_CODES = new Set(['type-mismatch', 'value-not-in-choices', 'unknown-argument', 'yaml-list-items-must-be-strings', 'yaml-null-or-empty-values', 'ambiguous-abbreviation', 'argument-renamed-in-v4']);

const scalarText = fc.oneof(
  fc.constantFrom('true', 'false', 'yes', 'no', 'on', '0', '1', '2', '-1', '1.5', '1e-5', '1.0e-5', '.inf', '.nan', '0x10', '010', '1_000', 'None', 'null', '~', ''),
  fc.constantFrom('"1"', '"1.5"', '"true"', '"yes"', '"None"', "'abc'", 'abc', 'a/b#10', '"-1"', 'selective', 'full', 'none', 'bf16', 'lora'),
);
const valueText = fc.oneof(
  { weight: 4, arbitrary: scalarText },
  { weight: 1, arbitrary: fc.array(scalarText.filter((s) => s !== ''), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`) },
  { weight: 1, arbitrary: fc.constantFrom('{a: 1}', '{}', '{"rope_type": "yarn", "factor": 4}') },
);

test('property: a value the schema accepts is never one the checker rejects as a bad key or value', () => {
  const combos: Array<[CommandName, KnownVersion, string[]]> = [];
  for (const version of KNOWN_VERSIONS) {
    for (const command of COMMANDS) {
      const cat = commandCatalog(version, command);
      if (cat) combos.push([command, version, cat.specs().map((s) => s.name)]);
    }
  }
  const schemas = new Map(combos.map(([c, v]) => [`${c}@${v}`, configJsonSchema(c, v)]));
  fc.assert(
    fc.property(
      fc.constantFrom(...combos).chain(([command, version, names]) =>
        fc.tuple(fc.constant(command), fc.constant(version), fc.constantFrom(...names), valueText, fc.boolean()),
      ),
      ([command, version, name, value, dashed]) => {
        const key = dashed ? name.replace(/_/g, '-') : name;
        const text = `# ${command} ms-swift=${version}\n${key}: ${value}\n`;
        const data = load(text);
        const schemaOk = validateJson(schemas.get(`${command}@${version}`)!, data).length === 0;
        const bad = checkText(text).diagnostics.filter((d) => d.severity === 'error' && VALUE_CODES.has(d.code));
        if (schemaOk) assert.deepEqual(bad.map((d) => `${d.code}: ${d.message}`), [], text);
      },
    ),
    { numRuns: 1500, seed: 20260101 },
  );
});
