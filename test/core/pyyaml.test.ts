// Differential test: our emulation of PyYAML (YAML 1.1 safe_load) and Python's str()/int()/float() against the
// real thing. Needs /usr/bin/python3 with PyYAML (Debian: python3-yaml; .ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import { parseConfig } from '../../core/src/config/parse';
import { pyStr, pyFloatRepr } from '../../core/src/config/pyyaml';
import { parseFloatText, parseIntText, parseBoolText } from '../../core/src/args/argparse';

const PYTHON = process.env.PYTHON_WITH_YAML ?? '/usr/bin/python3';

function python(script: string, input: string): string {
  try {
    return execFileSync(PYTHON, ['-c', script], { input, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`this test needs ${PYTHON} with PyYAML (apt-get install python3-yaml): ${(e as Error).message}`);
  }
}

const SCALARS = [
  '1', '-1', '+7', '0', '010', '0o10', '0x1F', '0b101', '1_000', '1:30', '3.14', '1.0', '1e-5', '1.0e-5', '1.0e+5', '1.5e5',
  '.5', '-.inf', '.NaN', '.inf', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'FALSE', 'True', '~', 'null', 'NULL', '',
  '2024-01-02', '2024-1-2 10:00:00', 'abc', '0,1', '"quoted 1"', "'1'", '1e3', '6.02e23', '123456789012345678', '0.0001',
  '0.00001', '1e16', '1.0e16', '123456789.123', '-0.0', '1_0.5', '12:30:45', 'expandable_segments:True', '-x', '1.', '+.5',
];

test('plain and quoted scalars resolve exactly like PyYAML safe_load, and str() matches', () => {
  const yamlText = SCALARS.map((s, i) => `k${i}: ${s}`).join('\n') + '\n';
  const out = python(
    'import sys, yaml, json\nd = yaml.safe_load(sys.stdin.read())\nprint(json.dumps({k: [type(v).__name__, str(v)] for k, v in d.items()}))',
    yamlText,
  );
  const expected = JSON.parse(out) as Record<string, [string, string]>;
  const doc = parseConfig(yamlText);
  const typeName = { str: 'str', int: 'int', float: 'float', bool: 'bool', null: 'NoneType', date: 'date', list: 'list', dict: 'dict' } as const;
  for (const e of doc.entries) {
    const [pyType, pyText] = expected[e.key]!;
    const ours = e.py!;
    const ourType = ours.t === 'date' && pyType === 'datetime' ? 'datetime' : typeName[ours.t];
    assert.equal(ourType, pyType, `type of ${e.key}: ${JSON.stringify(e.sourceText)}`);
    if (pyType !== 'datetime') assert.equal(pyStr(ours), pyText, `str() of ${e.key}: ${JSON.stringify(e.sourceText)}`);
  }
});

test("Python's float repr for a spread of magnitudes", () => {
  const values = [1e-5, 0.0001, 1e16, 1e15, 123.456, 1 / 3, 2.5e-10, 6.02e23, 100, 0.1 + 0.2, -1.5e-7, 5e-324, 1.7976931348623157e308];
  const out = python('import sys, json\nprint(json.dumps([repr(float(x)) for x in json.loads(sys.stdin.read())]))', JSON.stringify(values));
  assert.deepEqual(values.map(pyFloatRepr), JSON.parse(out));
});

test("int(), float() and HfArgumentParser's string_to_bool accept exactly what Python accepts", () => {
  const inputs = ['1', ' 2 ', '+3', '-4', '1_000', '1__0', '_1', '1.0', '1e3', 'inf', '-Infinity', 'nan', '.5', '5.', '1e', '0x10', 'abc', '', '1_0.5', '1.5e-3', 'True', 'yes', 'N', '0', 'false', 'on'];
  const out = python(
    `import sys, json
def conv(f, s):
    try:
        v = f(s)
        if v != v: return 'nan'
        if v in (float('inf'), float('-inf')): return 'inf' if v > 0 else '-inf'
        return v
    except Exception:
        return 'ERR'
def stb(v):
    if v.lower() in ('yes','true','t','y','1'): return True
    if v.lower() in ('no','false','f','n','0'): return False
    return 'ERR'
xs = json.loads(sys.stdin.read())
print(json.dumps([[conv(int, x), conv(float, x), stb(x)] for x in xs]))`,
    JSON.stringify(inputs),
  );
  const expected = JSON.parse(out) as Array<[unknown, unknown, unknown]>;
  inputs.forEach((s, i) => {
    const [i0, f0, b0] = expected[i]!;
    const ours = parseIntText(s);
    assert.equal(ours === undefined ? 'ERR' : ours, i0, `int(${JSON.stringify(s)})`);
    const f = parseFloatText(s);
    const fShown = f === undefined ? 'ERR' : Number.isNaN(f) ? 'nan' : f === Infinity ? 'inf' : f === -Infinity ? '-inf' : f;
    assert.equal(fShown, f0, `float(${JSON.stringify(s)})`);
    const b = parseBoolText(s);
    assert.equal(b === undefined ? 'ERR' : b, b0, `string_to_bool(${JSON.stringify(s)})`);
  });
});
