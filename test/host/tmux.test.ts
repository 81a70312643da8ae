// Detached runs against the real tmux: a run survives without any client, its output reaches the log file, the
// exit status is recorded, Stop interrupts it (and kills it when it ignores Ctrl-C).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tmux } from '../../client/src/host/tmux';
import { commandLine } from '../../core/src/launch/shell';

const tmux = new Tmux({ socket: `mss-test-${process.pid}` });
after(() => tmux.killServer());

async function waitFor(pred: () => boolean, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-tmux-'));
  return { dir, log: path.join(dir, 'run.log'), exit: path.join(dir, 'run.exit') };
}

test('a detached run writes its output to the log and its exit status, with the intended env and argv', async () => {
  assert.ok(await tmux.available(), 'tmux is not installed (apt-get install tmux)');
  const s = scratch();
  const script = path.join(s.dir, 'job.js');
  fs.writeFileSync(script, "console.log('argv=' + JSON.stringify(process.argv.slice(2)) + ' env=' + process.env.MSS_X); process.exit(3);");
  const line = commandLine('bash', [process.execPath, script, "it's", '$(nope)'], { MSS_X: 'a b' });
  await tmux.start({ session: 'mss-t1', cwd: s.dir, commandLine: line, logFile: s.log, exitFile: s.exit });
  await waitFor(() => fs.existsSync(s.exit));
  assert.equal(fs.readFileSync(s.exit, 'utf8').trim(), '3');
  assert.match(fs.readFileSync(s.log, 'utf8'), /argv=\["it's","\$\(nope\)"\] env=a b/);
  assert.ok((await tmux.sessions()).includes('mss-t1'), 'the session stays until closed, so the user can read the end');
  assert.deepEqual(tmux.attachArgv('mss-t1').slice(-3), ['attach-session', '-t', '=mss-t1']);
  assert.equal(await tmux.stop('mss-t1', s.exit, fs.existsSync), 'interrupted');
  assert.equal(await tmux.exists('mss-t1'), false);
});

test('Stop sends Ctrl-C to a running job, which ends; the exit status is recorded', async () => {
  const s = scratch();
  const script = path.join(s.dir, 'long.js');
  fs.writeFileSync(script, "process.on('SIGINT', () => { console.log('interrupted'); process.exit(130); }); console.log('started'); setInterval(() => {}, 1000);");
  await tmux.start({ session: 'mss-t2', cwd: s.dir, commandLine: commandLine('bash', [process.execPath, script]), logFile: s.log, exitFile: s.exit });
  await waitFor(() => fs.existsSync(s.log) && fs.readFileSync(s.log, 'utf8').includes('started'));
  assert.equal(await tmux.stop('mss-t2', s.exit, fs.existsSync), 'interrupted');
  assert.equal(fs.readFileSync(s.exit, 'utf8').trim(), '130');
  assert.match(fs.readFileSync(s.log, 'utf8'), /interrupted/);
});

test('a job that ignores Ctrl-C is killed after the grace period', async () => {
  const s = scratch();
  const script = path.join(s.dir, 'stubborn.js');
  fs.writeFileSync(script, "process.on('SIGINT', () => {}); console.log('started'); setInterval(() => {}, 1000);");
  await tmux.start({ session: 'mss-t3', cwd: s.dir, commandLine: commandLine('bash', [process.execPath, script]), logFile: s.log, exitFile: s.exit });
  await waitFor(() => fs.existsSync(s.log) && fs.readFileSync(s.log, 'utf8').includes('started'));
  assert.equal(await tmux.stop('mss-t3', s.exit, fs.existsSync, 1500), 'killed');
  assert.equal(await tmux.exists('mss-t3'), false);
});

test('an activation command that fails is reported in the log and ends the run', async () => {
  const s = scratch();
  await tmux.start({ session: 'mss-t4', cwd: s.dir, commandLine: 'echo should-not-run', activation: 'false', logFile: s.log, exitFile: s.exit });
  await waitFor(() => !fs.existsSync(s.exit) && true, 100).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(fs.existsSync(s.exit), false);
  assert.equal(await tmux.exists('mss-t4'), false, 'the session ended');
});

test('session names are ours only', async () => {
  await assert.rejects(tmux.start({ session: 'other', cwd: os.tmpdir(), commandLine: 'true', logFile: '/dev/null', exitFile: '/dev/null' }), /start with mss-/);
});
