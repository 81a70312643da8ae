// The generated command lines, run by the real bash, zsh, fish and dash with a stand-in `megatron` that prints
// its argv and environment: both must be exactly the intended ones, for hostile values too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandLine, quoteCmd, quotePwsh, QuotingError, ShellKind, shellKindOf } from '../../core/src/launch/shell';
import { buildCommand } from '../../core/src/launch/command';
import { parseConfig } from '../../core/src/config/parse';
import { resolveContext } from '../../core/src/config/context';

const SHELLS: Array<[ShellKind, string]> = [
  ['bash', '/bin/bash'],
  ['zsh', '/usr/bin/zsh'],
  ['fish', '/usr/bin/fish'],
  ['sh', '/usr/bin/dash'],
];

const HOSTILE = [
  'plain',
  'with space',
  "single ' quote",
  'double " quote',
  '$(touch /tmp/mss-pwned)',
  '`touch /tmp/mss-pwned`',
  'a; touch /tmp/mss-pwned',
  'line one\nline two',
  '中文 🚀 ünïcödé',
  '-leading-dash',
  '--looks-like-a-flag',
  'back\\slash \\n \\\\',
  '$HOME ${PATH} $1',
  '*.yaml ?',
  '!event',
  '# not a comment',
  'tab\there',
  '%PATH%',
  '',
  "it's \"mixed\" $(x) `y` \\z",
  '~/not-expanded',
  'a=b',
  '{a,b}',
];

function standIn(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-bin-'));
  const script = path.join(dir, 'megatron');
  fs.writeFileSync(script, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env: process.env }));\n`);
  fs.chmodSync(script, 0o755);
  return dir;
}

function run(shellPath: string, line: string, bin: string): { argv: string[]; env: Record<string, string> } {
  const r = spawnSync(shellPath, ['-c', line], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: '/nonexistent-home' } });
  assert.equal(r.status, 0, `${shellPath} failed: ${r.stderr}\n${line}`);
  return JSON.parse(r.stdout);
}

const bin = standIn();

for (const [kind, shellPath] of SHELLS) {
  test(`${kind}: hostile arguments and environment values arrive exactly`, () => {
    assert.ok(fs.existsSync(shellPath), `${shellPath} is missing (apt-get install ${kind === 'sh' ? 'dash' : kind})`);
    try {
      fs.rmSync('/tmp/mss-pwned', { force: true });
    } catch {
      /* ignore */
    }
    const argv = ['megatron', 'sft', ...HOSTILE];
    const env: Record<string, string> = {};
    HOSTILE.forEach((v, i) => (env[`MSS_TEST_${i}`] = v));
    const out = run(shellPath, commandLine(kind, argv, env), bin);
    assert.deepEqual(out.argv, argv.slice(1));
    for (const [k, v] of Object.entries(env)) assert.equal(out.env[k], v, k);
    assert.equal(fs.existsSync('/tmp/mss-pwned'), false, 'nothing was executed');
  });

  test(`${kind}: a 3.4.1 config expanded to flags, and a 4.5.2 config passed as a file`, () => {
    const v3 = `# megatron sft ms-swift=3.4.1
ENV:
  NPROC_PER_NODE: 2
  WEIRD: "$(echo no) 'q' \\"d\\""
system: "You're a \\"helpful\\" assistant;\\nbe brief $(rm -rf /)"
dataset:
  - "data/my file.jsonl"
  - AI-ModelScope/alpaca-gpt4-data-zh#500
model_author: -dash
lr: 1.0e-5
finetune: true
`;
    const doc = parseConfig(v3);
    const cmd = buildCommand(doc, resolveContext(doc), { configPath: 'cfg.yaml', cwd: '/w', gpus: [0, 1] });
    assert.deepEqual(cmd.argv, [
      'megatron', 'sft',
      '--system', 'You\'re a "helpful" assistant;\nbe brief $(rm -rf /)',
      '--dataset', 'data/my file.jsonl', 'AI-ModelScope/alpaca-gpt4-data-zh#500',
      '--model_author=-dash',
      '--lr', '1e-05',
      '--finetune', 'true',
    ]);
    assert.deepEqual(cmd.env, { NPROC_PER_NODE: '2', WEIRD: `$(echo no) 'q' "d"`, CUDA_VISIBLE_DEVICES: '0,1' });
    const out = run(shellPath, commandLine(kind, cmd.argv, cmd.env), bin);
    assert.deepEqual(out.argv, cmd.argv.slice(1));
    for (const [k, v] of Object.entries(cmd.env)) assert.equal(out.env[k], v);

    const v4doc = parseConfig('# megatron sft ms-swift=4.5.2\nENV:\n  NPROC_PER_NODE: 8\nlr: 1.0e-5\n');
    const v4 = buildCommand(v4doc, resolveContext(v4doc), { configPath: "my configs/it's.yaml", cwd: '/w' });
    assert.deepEqual(v4.argv, ['megatron', 'sft', "my configs/it's.yaml"]);
    assert.deepEqual(run(shellPath, commandLine(kind, v4.argv, v4.env), bin).argv, ['sft', "my configs/it's.yaml"]);
  });
}

test('PowerShell and cmd quoting (generated, not runnable here)', () => {
  assert.equal(quotePwsh("it's"), "'it''s'");
  assert.equal(commandLine('pwsh', ['megatron', 'sft', 'a b'], { NPROC_PER_NODE: '2' }), "$env:NPROC_PER_NODE = '2'; & megatron sft 'a b'");
  assert.equal(quoteCmd('a "b" c\\'), '"a \\"b\\" c\\\\"');
  assert.equal(commandLine('cmd', ['megatron', 'sft', 'x y'], { A: '1' }), 'set "A=1" && megatron sft "x y"');
  assert.throws(() => quoteCmd('50%'), QuotingError);
  assert.throws(() => quoteCmd('a\nb'), /cmd\.exe cannot pass/);
});

test('bad names and NUL characters are refused with a clear error', () => {
  assert.throws(() => commandLine('bash', ['megatron'], { 'BAD NAME': 'x' }), /not a valid environment variable name/);
  assert.throws(() => commandLine('bash', ['megatron', 'a\0b']), /NUL/);
  assert.throws(() => commandLine('bash', []), /empty command/);
});

test('shell kind from a shell path', () => {
  assert.equal(shellKindOf('/usr/bin/zsh'), 'zsh');
  assert.equal(shellKindOf('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'), 'pwsh');
  assert.equal(shellKindOf('/usr/local/bin/fish'), 'fish');
  assert.equal(shellKindOf('/bin/dash'), 'sh');
  assert.equal(shellKindOf(undefined), 'bash');
});
