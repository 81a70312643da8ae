// The bundled CLI (dist/cli.js) as users and their CI call it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function run(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** a config that is complete apart from what a test adds */
const BASE = '# megatron sft ms-swift=4.5.2\nENV:\n  NPROC_PER_NODE: "1"\nmodel: Qwen/Qwen2.5-7B-Instruct\ndataset: ["a/b#10"]\ntrain_iters: 10\n';

function tmpFile(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-cli-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

test('the bundled examples check clean: exit 0', () => {
  const files = fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`);
  const r = run(['check', ...files]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter((l) => / (error|warning): /.test(l)), []);
  assert.match(r.stderr, new RegExp(`${files.length} files checked: 0 errors, 0 warnings`));
});

test('errors: compiler-style lines and exit 1', () => {
  const f = tmpFile('bad.yaml', `${BASE}learning_rate: 1.0e-5\nrecompute_granularity: fulll\n`);
  const r = run(['check', f]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n').filter((l) => / (error|warning): /.test(l));
  assert.equal(lines.length, 2, r.stdout);
  assert.match(lines[0]!, /^.*bad\.yaml:7:1: error: `learning_rate` is not an argument of `megatron sft`.* \[unknown-argument\]$/);
  assert.match(lines[1]!, /bad\.yaml:8:24: error: .*`fulll`.* \[value-not-in-choices\]$/);
});

test('warnings alone exit 0', () => {
  const f = tmpFile('warn.yaml', `${BASE}micro_batch: 2\n`);
  const r = run(['check', f]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /warning: .*\[abbreviated-argument\]/);
});

test('JSON output has the documented shape with 0-based LSP ranges', () => {
  const f = tmpFile('j.yaml', 'lr: 1e-5\nmicrobatch_size: 2\n');
  const r = run(['check', '--format', 'json', '--command', 'megatron sft', '--ms-swift-version', '3.4.1', f]);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, 1);
  assert.deepEqual(Object.keys(out[0]).sort(), ['command', 'diagnostics', 'file', 'msSwiftVersion']);
  assert.equal(out[0].command, 'megatron sft');
  assert.equal(out[0].msSwiftVersion, '3.4.1');
  const d = out[0].diagnostics.find((x: { code: string }) => x.code === 'unknown-argument');
  assert.deepEqual(Object.keys(d).sort(), ['code', 'key', 'message', 'range', 'severity']);
  assert.equal(d.code, 'unknown-argument');
  assert.equal(d.key, 'microbatch_size');
  assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 15 } });
});

test('--command and --ms-swift-version override the modeline', () => {
  const f = tmpFile('o.yaml', '# megatron sft ms-swift=4.5.2\nENV:\n  NPROC_PER_NODE: "1"\nmodel: Qwen/Qwen2.5-7B-Instruct\ndataset: ["a/b#10"]\ntrain_iters: 10\nsave: out\n');
  assert.match(run(['check', f]).stdout, /argument-renamed-in-v4/);
  assert.doesNotMatch(run(['check', '--ms-swift-version', '3.4.1', f]).stdout, /argument-renamed-in-v4|unknown-argument/);
});

test('usage errors and unreadable files exit 2 with one clear line and no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['check'], /needs at least one FILE/],
    [['check', '--format', 'xml', 'a.yaml'], /--format must be text or json/],
    [['check', '--command', 'megatron train', 'a.yaml'], /unknown --command "megatron train"/],
    [['check', '--ms-swift-version', 'latest', 'a.yaml'], /--ms-swift-version must look like/],
    [['check', '--bogus', 'a.yaml'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', 'does/not/exist.yaml'], /does\/not\/exist\.yaml: cannot read \(no such file\)/],
    [['check', 'examples'], /examples: is a directory/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('an unreadable file does not stop the others from being checked', () => {
  const f = tmpFile('ok.yaml', `${BASE}microbatch_size: 1\n`);
  const r = run(['check', 'missing.yaml', f]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /unknown-argument/);
});

test('invalid UTF-8 is an error diagnostic, not a crash', () => {
  const f = tmpFile('bin.yaml', Buffer.from([0x6c, 0x72, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
  const r = run(['check', f]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /1:1: error: The file is not valid UTF-8.*\[encoding-not-utf8\]/);
});

test('--help and --version', () => {
  assert.match(run(['--help']).stdout, /ms-swift-studio check/);
  assert.equal(run(['--help']).code, 0);
  assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
});

test('--cwd turns on the file-system checks, relative to that folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-cwd-'));
  const f = path.join(dir, 'cfg.yaml');
  fs.writeFileSync(f, `${BASE}mcore_model: ./missing-ckpt\n`);
  assert.doesNotMatch(run(['check', f]).stdout, /checkpoint-path-must-exist/);
  const r = run(['check', '--cwd', dir, f]);
  assert.match(r.stdout, /checkpoint-path-must-exist/);
  fs.mkdirSync(path.join(dir, 'missing-ckpt'));
  fs.writeFileSync(path.join(dir, 'missing-ckpt', 'latest_checkpointed_iteration.txt'), 'release');
  assert.doesNotMatch(run(['check', '--cwd', dir, f]).stdout, /checkpoint-path-must-exist/);
  assert.equal(run(['check', '--cwd', path.join(dir, 'nope'), f]).code, 2);
});
