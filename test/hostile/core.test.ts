// Hostile and huge input through the pure core (checkText and the service functions): documents over the size
// limit, alias bombs, very deep nesting, binary garbage, invalid UTF-8, a BOM, CRLF and CR line endings, tabs,
// several documents, keys that are not strings, anchors and merge keys, and big-but-plausible documents. Every
// test bounds its time (generously: the bounds only catch hangs and quadratic blow-ups) and, where it matters,
// the heap it may grow, and asserts the diagnostic a user should see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkText, CheckOptions, CheckResult } from '../../core/src/check';
import { Diagnostic } from '../../core/src/rules/types';
import { REPO_ROOT } from '../helpers';
import { exerciseServices, samplePositions } from '../fuzz/pipeline';

interface Measured {
  result: CheckResult;
  checkMs: number;
  totalMs: number;
  heapMb: number;
}

/** checkText plus completion/hover at sampled positions, symbols, folding and buildCommand; time and heap. */
function measure(text: string, options: CheckOptions = {}, positions = 40): Measured {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const ruleErrors: string[] = [];
  const result = checkText(text, { ...options, onRuleError: (id, e) => ruleErrors.push(`${id}: ${e instanceof Error ? e.stack : String(e)}`) });
  const t1 = process.hrtime.bigint();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
  assert.deepEqual(ruleErrors, [], 'no rule throws');
  exerciseServices(result, samplePositions(text, positions));
  const t2 = process.hrtime.bigint();
  return { result, checkMs: Number(t1 - t0) / 1e6, totalMs: Number(t2 - t0) / 1e6, heapMb };
}

function codes(r: CheckResult): string[] {
  return [...new Set(r.diagnostics.map((d) => d.code))].sort();
}

function only(r: CheckResult, code: string): Diagnostic[] {
  return r.diagnostics.filter((d) => d.code === code);
}

const HEAD = '# megatron sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B-Instruct\ndataset: [AI-ModelScope/alpaca-gpt4-data-en#500]\ntrain_iters: 100\nENV:\n  NPROC_PER_NODE: "2"\n';
const EXAMPLE = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'qwen2.5-7b-sft.megatron.yaml'), 'utf8');

// ---- size limit ------------------------------------------------------------------------------------------------

test('a document over maxDocumentSize gets one document-too-large diagnostic and only YAML syntax checking', () => {
  const body = `${HEAD}learning_rate: 1.0e-5\nrecompute_granularity: sometimes\n`;
  const text = body + '# padding\n'.repeat(200);
  const m = measure(text, { maxDocumentSize: 1000 });
  assert.equal(only(m.result, 'document-too-large').length, 1);
  assert.deepEqual(codes(m.result), ['document-too-large'], 'no argument rules run');
  assert.ok(m.totalMs < 2000, `${m.totalMs} ms`);
  // with a syntax error, the syntax error is still reported
  const broken = measure(`${body}lr: [1, 2\nmin_lr: {\n` + '# padding\n'.repeat(200), { maxDocumentSize: 1000 });
  assert.equal(only(broken.result, 'document-too-large').length, 1);
  assert.ok(only(broken.result, 'yaml-syntax').length >= 1, 'syntax errors are still reported');
  assert.deepEqual(codes(broken.result).filter((c) => c !== 'document-too-large' && c !== 'yaml-syntax'), []);
  // at the limit exactly: checked in full
  const atLimit = measure(body, { maxDocumentSize: body.length });
  assert.deepEqual(only(atLimit.result, 'document-too-large'), []);
  assert.ok(only(atLimit.result, 'unknown-argument').length === 1);
});

test('the default limit: a 6 MB document is refused quickly, with bounded memory', () => {
  const text = HEAD + '# a long comment line that pads the document to many megabytes of text .......\n'.repeat(80_000);
  assert.ok(text.length > 4 * 1024 * 1024);
  const m = measure(text, {}, 20);
  assert.equal(only(m.result, 'document-too-large').length, 1);
  assert.deepEqual(codes(m.result), ['document-too-large']);
  assert.ok(m.checkMs < 2000, `check ${m.checkMs} ms`);
  assert.ok(m.totalMs < 5000, `with services ${m.totalMs} ms`);
  assert.ok(m.heapMb < 300, `heap grew ${m.heapMb} MB`);
});

test('a document far over the limit (more than 4x) is not even parsed', () => {
  const text = 'lr: [\n' + 'x: 1\n'.repeat(10_000);
  const m = measure(text, { maxDocumentSize: 1000 }, 10);
  assert.deepEqual(codes(m.result), ['document-too-large']);
  assert.ok(m.checkMs < 500, `${m.checkMs} ms`);
});

// ---- alias bombs and aliases -------------------------------------------------------------------------------------

function billionLaughs(lastKey = 'i'): string {
  const names = 'abcdefghi';
  let text = `${HEAD}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 9; i++) {
    const key = i === 8 ? lastKey : names[i]!;
    text += `${key}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
  }
  return text;
}

test('billion laughs: yaml-value-unreadable, fast, and without building the expansion', () => {
  const m = measure(billionLaughs('dataset'));
  const unreadable = only(m.result, 'yaml-value-unreadable');
  assert.ok(unreadable.length >= 1, codes(m.result).join(','));
  assert.ok(unreadable.some((d) => d.key === 'dataset' || /dataset/.test(d.message) || d.range.start.line === 14), JSON.stringify(unreadable.map((d) => [d.key, d.range.start.line])));
  assert.ok(m.heapMb < 200, `heap grew ${m.heapMb} MB`);
  // a 14-line document is checked on every keystroke: a second is already far too long
  assert.ok(m.checkMs < 1000, `billion laughs took ${m.checkMs.toFixed(0)} ms to check`);
});

test('a long chain of aliases (2,000) is checked without quadratic blow-up', () => {
  const lines = ['# megatron sft ms-swift=4.5.2', 'x0: &x0 1'];
  for (let i = 1; i < 2000; i++) lines.push(`x${i}: &x${i} *x${i - 1}`);
  const m = measure(lines.join('\n') + '\n', {}, 10);
  assert.ok(only(m.result, 'unknown-argument').length >= 1);
  assert.ok(m.checkMs < 2000, `2,000 chained aliases took ${m.checkMs.toFixed(0)} ms to check`);
});

test('an unknown alias is yaml-value-unreadable, not a crash', () => {
  const m = measure(`${HEAD}lr: *nowhere\nmin_lr: *\n`);
  assert.ok(only(m.result, 'yaml-value-unreadable').length + only(m.result, 'yaml-syntax').length >= 1, codes(m.result).join(','));
  assert.ok(m.totalMs < 2000);
});

test('anchors and merge keys: merged arguments are checked, bad merges reported', () => {
  const ok = measure('# megatron sft ms-swift=4.5.2\nmodel: Qwen/Qwen2.5-7B-Instruct\n<<: {dataset: [a/b#10], train_iters: 100}\nENV: &env\n  NPROC_PER_NODE: "2"\n');
  assert.deepEqual(ok.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), []);
  const merged = measure(`${HEAD}<<: [{learning_rate: 1.0e-5}, {recompute_granularity: sometimes}]\n`);
  assert.equal(only(merged.result, 'unknown-argument').length, 1, 'learning_rate came in through the merge');
  assert.equal(only(merged.result, 'value-not-in-choices').length, 1);
  assert.equal(only(merged.result, 'unknown-argument')[0]!.range.start.line, 6, 'reported at the merge key');
  const bad = measure(`${HEAD}<<: 3\n<<: [1, two]\n`);
  assert.ok(only(bad.result, 'yaml-merge-not-mapping').length >= 2, codes(bad.result).join(','));
  const aliasMerge = measure(`${HEAD}base: &b {lr: 1.0e-5, min_lr: 1.0e-6}\n<<: *b\n`);
  assert.equal(only(aliasMerge.result, 'unknown-argument').length, 1, '`base` itself is not an argument');
  assert.ok(aliasMerge.totalMs < 2000);
});

// ---- deep nesting ------------------------------------------------------------------------------------------------

for (const [name, text] of [
  ['10,000-deep flow sequences', `${HEAD}model_kwargs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
  ['10,000-deep flow mappings', `${HEAD}model_kwargs: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`],
  ['10,000-deep block sequences', `${HEAD}dataset:\n${'- '.repeat(10_000)}x\n`],
  ['2,000-deep block mappings', `${HEAD}model_kwargs:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')}\n`],
  ['10,000-deep ENV value', `${HEAD.replace('ENV:\n  NPROC_PER_NODE: "2"\n', '')}ENV:\n  X: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
] as const) {
  test(`${name}: a YAML error, no stack overflow escapes`, () => {
    const m = measure(text, {}, 20);
    assert.ok(m.result.diagnostics.some((d) => d.severity === 'error' && ['yaml-syntax', 'yaml-value-unreadable', 'type-mismatch', 'yaml-list-items-must-be-strings'].includes(d.code)), codes(m.result).join(','));
    assert.ok(m.totalMs < 2000, `${m.totalMs} ms`);
  });
}

// ---- garbage and encodings -------------------------------------------------------------------------------------

function pseudoRandomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

for (const [name, text] of [
  ['100 KB of binary garbage read as Latin-1', pseudoRandomBytes(100_000, 1).toString('latin1')],
  ['100 KB of binary garbage read as UTF-8 (replacement characters)', pseudoRandomBytes(100_000, 2).toString('utf8')],
  ['a config with NUL bytes and control characters', `${HEAD}system: a\u0000b\u0007c\n\u0000: 1\n\u001b[31m: red\n`],
  ['lone surrogates', `${HEAD}system: \ud800x\udc00\n\ud83d: y\n`],
] as const) {
  test(`${name}: checked without exceptions`, () => {
    const m = measure(text, {}, 30);
    assert.ok(m.totalMs < 2000, `${m.totalMs} ms`);
    assert.ok(Array.isArray(m.result.diagnostics));
  });
}

test('binary garbage is reported as not a config (syntax or structure error)', () => {
  const m = measure(pseudoRandomBytes(20_000, 7).toString('latin1'), {}, 10);
  assert.ok(m.result.diagnostics.some((d) => ['yaml-syntax', 'yaml-root-not-mapping', 'yaml-key-not-string', 'yaml-multiple-documents'].includes(d.code)), codes(m.result).join(','));
});

test('invalid UTF-8 decoded with replacement characters: the key is unknown, the value is kept', () => {
  const raw = Buffer.concat([Buffer.from(`${HEAD}system: caf`), Buffer.from([0xe9, 0xff]), Buffer.from('\nlr\xfe: 1\n', 'latin1')]);
  const text = raw.toString('utf8');
  assert.ok(text.includes('\ufffd'));
  const m = measure(text);
  const unknown = only(m.result, 'unknown-argument');
  assert.equal(unknown.length, 1);
  assert.ok(unknown[0]!.key!.includes('\ufffd'));
  assert.ok(m.result.doc.entries.find((e) => e.key === 'system')!.sourceText!.includes('\ufffd'));
});

test('a BOM changes nothing: same diagnostics at the same positions, modeline recognised', () => {
  const plain = checkText(EXAMPLE + 'learning_rate: 1\n');
  const bom = measure('\ufeff' + EXAMPLE + 'learning_rate: 1\n');
  assert.equal(bom.result.context.commandFrom, 'modeline');
  const strip = (ds: Diagnostic[]) => ds.map((d) => [d.code, d.range.start.line, d.range.end.line]);
  assert.deepEqual(strip(bom.result.diagnostics), strip(plain.diagnostics));
  assert.deepEqual(only(bom.result, 'unknown-argument').map((d) => d.range.start.character), [0]);
});

test('CRLF line endings: the same diagnostics and ranges as LF, for every example', () => {
  for (const f of fs.readdirSync(path.join(REPO_ROOT, 'examples'))) {
    const lf = fs.readFileSync(path.join(REPO_ROOT, 'examples', f), 'utf8') + 'learning_rate: 1\nrecompute_granularity: sometimes\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = checkText(lf);
    const b = measure(crlf, {}, 20).result;
    const view = (r: CheckResult) => r.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
    assert.deepEqual(view(b), view(a), f);
  }
});

test('CR-only line endings are line breaks, as PyYAML reads them', () => {
  // PyYAML (and so ms-swift) treats a lone \r as a line break: this is a mapping with an unknown key
  const text = '# megatron sft ms-swift=4.5.2\rmodel: Qwen/Qwen2.5-7B-Instruct\rlearning_rate: 1\r';
  const m = measure(text);
  assert.equal(m.result.doc.entries.length, 2, 'two entries');
  assert.equal(only(m.result, 'unknown-argument').length, 1);
});

test('tabs: tab indentation is a YAML error, a tab after the colon is fine', () => {
  const m = measure(`${HEAD}dataset:\n\t- a/b\n`);
  assert.ok(only(m.result, 'yaml-syntax').some((d) => /tab/i.test(d.message)), m.result.diagnostics.map((d) => d.message).join('|'));
  const ok = measure(`${HEAD}lr:\t1.0e-5\nmin_lr: 1.0e-6\t# comment\n`);
  assert.deepEqual(only(ok.result, 'yaml-syntax'), []);
  assert.equal(ok.result.doc.entries.find((e) => e.key === 'lr')!.py!.t, 'float');
});

test('several documents: yaml-multiple-documents; a leading --- and a trailing ... are fine', () => {
  const m = measure(`${HEAD}---\nlr: 1.0e-5\n---\nmin_lr: 1\n`);
  assert.equal(only(m.result, 'yaml-multiple-documents').length, 1);
  const single = measure(`---\n${HEAD.replace(/^# .*\n/, '')}...\n`);
  assert.deepEqual(only(single.result, 'yaml-multiple-documents'), []);
  assert.deepEqual(single.result.diagnostics.filter((d) => d.code.startsWith('yaml-')), []);
  const many = measure('a: 1\n---\n'.repeat(5000), {}, 10);
  assert.equal(only(many.result, 'yaml-multiple-documents').length, 1);
  assert.ok(many.totalMs < 2000, `${many.totalMs} ms`);
});

test('keys that are not strings: yaml-key-not-string for each, in arguments and in ENV', () => {
  const m = measure(`${HEAD}1: a\ntrue: b\n[a, b]: c\n{a: 1}: d\nnull: e\n~: f\n2024-01-01: g\n1.5: h\n? [complex]\n: i\n`);
  assert.ok(only(m.result, 'yaml-key-not-string').length >= 9, `${only(m.result, 'yaml-key-not-string').length}`);
  const env = measure(`${HEAD.replace('ENV:\n  NPROC_PER_NODE: "2"\n', '')}ENV:\n  1: a\n  [x]: b\n  NPROC_PER_NODE: "2"\n`);
  assert.ok(only(env.result, 'yaml-key-not-string').length >= 1);
});

test('a 3 MB single line is checked in bounded time', () => {
  const m = measure(`${HEAD}system: ${'x'.repeat(3_000_000)}\n`, {}, 10);
  assert.ok(m.totalMs < 2000, `${m.totalMs} ms`);
});

// ---- big but plausible documents (under the size limit) --------------------------------------------------------

test('2,000 unknown keys (a YAML data file opened as a config) are checked in bounded time', () => {
  const text = HEAD + Array.from({ length: 2000 }, (_, i) => `item_${i}: ${i}`).join('\n') + '\n';
  const m = measure(text, {}, 10);
  assert.equal(only(m.result, 'unknown-argument').length, 2000);
  assert.ok(m.checkMs < 2000, `2,000 unknown keys took ${m.checkMs.toFixed(0)} ms to check`);
});

test('an ENV mapping of 20,000 variables is checked in bounded time', () => {
  const text = HEAD + Array.from({ length: 20_000 }, (_, i) => `  VAR_${i}: "${i}"`).join('\n') + '\n';
  assert.ok(text.length < 1024 * 1024);
  const m = measure(text, {}, 10);
  assert.ok(m.checkMs < 2000, `20,000 ENV variables took ${m.checkMs.toFixed(0)} ms to check`);
});

test('a mapping value with 20,000 keys is checked in bounded time', () => {
  const text = `${HEAD}model_kwargs:\n` + Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}`).join('\n') + '\n';
  const m = measure(text, {}, 10);
  assert.ok(m.checkMs < 2000, `a 20,000-key mapping value took ${m.checkMs.toFixed(0)} ms to check`);
});

test('a dataset list of 20,000 items and 20,000 comment lines are checked in bounded time', () => {
  const text = `${HEAD.replace(/dataset: .*\n/, '')}dataset:\n` + Array.from({ length: 20_000 }, (_, i) => `  - org/ds-${i}#100 # note ${i}`).join('\n') + '\n' + '# comment\n'.repeat(20_000);
  const m = measure(text, {}, 20);
  assert.deepEqual(m.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), []);
  assert.ok(m.checkMs < 2000, `${m.checkMs.toFixed(0)} ms`);
});
