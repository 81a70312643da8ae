'use strict';
// Stand-ins for the programs a run starts, so that Train can be tested without GPUs, ms-swift or Python:
//
//   <root>/stand-ins/env/bin/python3 (and python)  a fake interpreter for msSwiftStudio.python.interpreter: it prints
//                                                  the JSON the extension's environment probe expects (ms-swift 4.5.2,
//                                                  megatron-core, ...; `megatron`/`swift` next to it, as in a venv)
//   <root>/stand-ins/env/bin/megatron, swift       what the probe reports as the environment's launchers
//   <root>/stand-ins/bin/megatron, swift           the same launchers, put first on the server's PATH (used when the
//                                                  launcher is not resolved through the probe, e.g. with an
//                                                  activation command)
//
// Every launcher writes what it was started with — argv, cwd and the launch-related environment variables — to
// <root>/stand-ins/records/<time>-<program>-<pid>.json, prints a few lines (they reach the terminal and a detached
// run's log), and exits 0. <root>/stand-ins/control.json ({ "sleepMs": N, "exitCode": N }) makes it wait first (a
// run that is still going) or fail; Ctrl-C (SIGINT) ends it with status 130, as it ends a real run.
//
// The scripts are Node scripts with this Node's absolute path in their shebang: nothing else is needed on PATH.
// tmux: the server gets its own TMUX_TMPDIR, so detached runs start in a tmux server of their own, which stopTmux()
// ends (it is a daemon, outside the server's process group). TMUX is removed, in case the tests run inside tmux.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** launch-related environment variables a stand-in records (the rest of the environment is not written down) */
const RECORDED_ENV = '^(CUDA_|NPROC_PER_NODE$|NNODES$|NODE_RANK$|MASTER_ADDR$|MASTER_PORT$|PYTORCH_|NCCL_|OMP_|MODELSCOPE_|HF_|USE_HF$|SWIFT_|MEGATRON_|TORCH|E2E_)';

/** the probe's answer: what msSwiftStudio's environment probe (client/src/host/python.ts) prints */
const PACKAGES = {
  'ms-swift': '4.5.2', 'megatron-core': '0.18.0', 'mcore-bridge': '1.0.0', torch: '2.7.1', transformers: '4.57.1',
  'flash-attn': '2.8.3', apex: '0.1', 'transformer-engine': '2.6.0', peft: '0.17.1',
};

function launcherScript(dir) {
  return `#!${process.execPath}
'use strict';
// e2e stand-in for ms-swift's launchers (megatron, swift): records how it was started, then exits (see
// e2e/harness/stand-ins.js). Not a real launcher.
const fs = require('fs');
const path = require('path');
const DIR = ${JSON.stringify(dir)};
const program = path.basename(process.argv[1]);
const args = process.argv.slice(2);
let control = {};
try { control = JSON.parse(fs.readFileSync(path.join(DIR, 'control.json'), 'utf8')); } catch { /* defaults */ }
const env = {};
for (const [k, v] of Object.entries(process.env)) if (new RegExp(${JSON.stringify(RECORDED_ENV)}).test(k)) env[k] = v;
const record = { program, argv: [process.argv[1], ...args], cwd: process.cwd(), env, pid: process.pid, startedAt: new Date().toISOString() };
const records = path.join(DIR, 'records');
fs.mkdirSync(records, { recursive: true });
const file = path.join(records, \`\${Date.now()}-\${program}-\${process.pid}.json\`);
fs.writeFileSync(file + '.tmp', JSON.stringify(record, null, 2));
fs.renameSync(file + '.tmp', file);
const say = (m) => process.stdout.write(\`[stand-in \${program}] \${m}\\n\`);
say(\`started: \${JSON.stringify(args)}\`);
say(\`recorded in \${path.basename(file)}\`);
const end = (code, why) => { say(why); process.exit(code); };
process.on('SIGINT', () => end(130, 'interrupted (SIGINT)'));
process.on('SIGTERM', () => end(143, 'terminated (SIGTERM)'));
const code = Number.isInteger(control.exitCode) ? control.exitCode : 0;
if (control.sleepMs > 0) {
  say(\`running for \${control.sleepMs} ms\`);
  setTimeout(() => end(code, \`done, exit status \${code}\`), control.sleepMs);
} else end(code, \`done, exit status \${code}\`);
`;
}

function pythonScript(envDir) {
  const bin = path.join(envDir, 'bin');
  return `#!${process.execPath}
'use strict';
// e2e stand-in for a Python interpreter: answers the extension's environment probe (\`python -c <probe>\`) only.
const path = require('path');
if (process.argv[2] !== '-c') {
  process.stderr.write('e2e stand-in python: only the environment probe (-c) is supported\\n');
  process.exit(2);
}
const bin = ${JSON.stringify(bin)};
process.stdout.write(JSON.stringify({
  python: path.join(bin, path.basename(process.argv[1])),
  prefix: ${JSON.stringify(envDir)},
  version: '3.11.9',
  packages: ${JSON.stringify(PACKAGES)},
  tools: { megatron: path.join(bin, 'megatron'), swift: path.join(bin, 'swift'), tensorboard: null, torchrun: null },
}) + '\\n');
`;
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

/**
 * Creates the stand-ins in `root` and returns them with the environment the server needs.
 * @returns {{ dir: string, records: string, python: string, pathBin: string, tmuxTmpdir: string, env: Record<string,string> }}
 */
function create(root) {
  const dir = path.join(root, 'stand-ins');
  const envDir = path.join(dir, 'env');
  const pathBin = path.join(dir, 'bin');
  for (const program of ['megatron', 'swift']) {
    write(path.join(envDir, 'bin', program), launcherScript(dir));
    write(path.join(pathBin, program), launcherScript(dir));
  }
  for (const name of ['python3', 'python']) write(path.join(envDir, 'bin', name), pythonScript(envDir));
  fs.mkdirSync(path.join(dir, 'records'), { recursive: true });
  const tmuxTmpdir = path.join(root, 'tmux');
  fs.mkdirSync(tmuxTmpdir, { recursive: true, mode: 0o700 });
  const python = path.join(envDir, 'bin', 'python3');
  return {
    dir, records: path.join(dir, 'records'), python, pathBin, tmuxTmpdir,
    env: {
      PATH: `${pathBin}${path.delimiter}${process.env.PATH || ''}`,
      TMUX_TMPDIR: tmuxTmpdir,
      E2E_STANDIN_DIR: dir,
      E2E_STANDIN_PYTHON: python,
      E2E_STANDIN_ON_PATH: pathBin,
    },
  };
}

/**
 * The server's environment with the stand-ins' variables; TMUX and TMUX_PANE unset (spawn skips undefined values).
 * VSCODE_CLI=1: the server then gives the extension host and the terminals its own environment, as the desktop app
 * does when started from a shell. Without it, it merges in the environment of a login shell (`bash -il`), whose
 * /etc/profile resets root's PATH, and the stand-ins would not be on PATH in the terminals.
 */
function serverEnv(standIns, extra = {}) {
  return { ...standIns.env, VSCODE_CLI: '1', TMUX: undefined, TMUX_PANE: undefined, ...extra };
}

/** ends the tmux server of the stand-ins' TMUX_TMPDIR (detached runs the tests started), if one is running */
function stopTmux(standIns) {
  const env = { ...process.env, TMUX_TMPDIR: standIns.tmuxTmpdir };
  delete env.TMUX;
  try {
    const sessions = execFileSync('tmux', ['list-sessions', '-F', '#{session_name}'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (sessions) console.log(`[e2e] stopping the tests' tmux server (sessions still open: ${sessions.split('\n').join(', ')})`);
    execFileSync('tmux', ['kill-server'], { env, stdio: 'ignore', timeout: 5000 });
  } catch { /* no tmux, or no server: nothing to stop */ }
}

module.exports = { create, serverEnv, stopTmux, PACKAGES };
