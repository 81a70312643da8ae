'use strict';
// Shared harness: start a real VS Code server (the one inside code-server 4.100.3 from npm) on loopback with
// throw-away user data and extensions, drive it with Debian's headless Chromium through playwright-core, and make
// sure everything started here is stopped again (each server and each browser is its own process group).
// The recipe and its reasons: ../../../shared/reference/e2e-harness.md (copied knowledge in ../README.md).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const E2E_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(E2E_DIR, '..');
const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || path.join(E2E_DIR, 'node_modules', 'code-server');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const NODE = process.env.VSCODE_SERVER_NODE || process.execPath; // the server's (and so the extension host's) Node

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'editor.lightbulb.enabled': 'on',
  'window.restoreWindows': 'none',
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
};

// ---- process bookkeeping: whatever is started is stopped, also on Ctrl+C, SIGTERM and uncaught errors --------
const groups = new Map(); // pid -> what
function track(pid, what) { groups.set(pid, what); }
function untrack(pid) { groups.delete(pid); }
function killGroup(pid, signal = 'SIGTERM') {
  try { process.kill(-pid, signal); return true; } catch { return false; }
}
function killAll(signal = 'SIGKILL') {
  for (const pid of groups.keys()) killGroup(pid, signal);
  groups.clear();
}
process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`e2e: ${sig}: stopping ${[...groups.values()].join(', ') || 'nothing'}`);
    killAll('SIGKILL');
    process.exit(130);
  });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
/** SIGTERM the group, then SIGKILL what is left after `graceMs` */
async function stopGroup(pid, graceMs = 3000) {
  killGroup(pid, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  killGroup(pid, 'SIGKILL'); // the group may have members that outlive its leader
  untrack(pid);
}

// ---- server ---------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function writeJson(file, obj) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(obj, null, 2));
}

function checkInstalled() {
  const entry = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) throw new Error(`code-server is not installed at ${CODE_SERVER_DIR}: run bash e2e/setup.sh`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash e2e/setup.sh`);
}

/** a scratch folder for one suite run: user data, extensions, workspace copy, logs */
function scratch(label) {
  return fs.mkdtempSync(path.join(process.env.E2E_SCRATCH || os.tmpdir(), `ms-swift-e2e-${label}-`));
}

function serverArgs(root, extra) {
  return [path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js'),
    '--config', path.join(root, 'config.yaml'), // else it writes ~/.config/code-server/config.yaml
    '--user-data-dir', path.join(root, 'user-data'), '--extensions-dir', path.join(root, 'extensions'), ...extra];
}

async function startServer({ root, workspace, env = {}, settings = {} }) {
  checkInstalled();
  const port = await freePort();
  writeJson(path.join(root, 'user-data', 'User', 'settings.json'), { ...SETTINGS, ...settings });
  const args = serverArgs(root, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--locale', 'en', workspace]);
  const t0 = Date.now();
  const proc = spawn(NODE, args, {
    cwd: root,
    // EXTENSIONS_GALLERY={} switches the marketplace off (no lookups of open-vsx.org)
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stopping it also ends the extension host, pty host and language server
  });
  track(proc.pid, `VS Code server (pid ${proc.pid})`);
  const log = fs.createWriteStream(path.join(root, 'server.log'));
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${buf}`)), 60000);
    const onData = (d) => {
      buf += d;
      if (/HTTP server listening on/.test(buf)) { clearTimeout(timer); resolve(); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited with ${code}:\n${buf}`)); });
  });
  return { port, root, pid: proc.pid, startMs: Date.now() - t0, stop: () => stopGroup(proc.pid) };
}

/** code-server --install-extension into the throw-away extensions dir (a short-lived process of its own) */
function installVsix(root, vsix) {
  checkInstalled();
  return execFileSync(NODE, serverArgs(root, ['--install-extension', vsix]), {
    cwd: root, encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' }, timeout: 120000,
  });
}

// ---- browser --------------------------------------------------------------------------------------------------
async function launchBrowser() {
  const { chromium } = require('playwright-core');
  const before = children();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright spawns the browser in its own process group; we also kill that group when done
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=en-US'],
  });
  // Browser has no process(); find the Chromium that playwright spawned (a direct child of ours) to own its group
  const pid = newChildren(before).find((p) => /chrom/i.test(cmdline(p)));
  if (pid) track(pid, `Chromium (pid ${pid})`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  return {
    browser, context, page, pid,
    async close() {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      if (pid) await stopGroup(pid, 1000);
    },
  };
}

function cmdline(pid) {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; }
}
function children() {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.push(Number(d));
    } catch { /* exited */ }
  }
  return out;
}
function newChildren(before) {
  const old = new Set(before);
  return children().filter((p) => !old.has(p));
}

/** vscode-remote URI of a server-side path, for the `payload` query parameter */
const remoteUri = (port, p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;

function workbenchUrl(port, folder, payload) {
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** copy of the fixture workspace, so tests never modify the checked-in one */
function copyWorkspace(root) {
  const dst = path.join(root, 'workspace');
  fs.cpSync(path.join(E2E_DIR, 'fixtures', 'workspace'), dst, { recursive: true });
  return dst;
}

/** peak memory of this process's tree (server, extension host, language server, Chromium) */
function memorySampler(everyMs = 500) {
  const peak = { pssMB: 0, rssMB: 0, processes: 0 };
  const tree = () => {
    const kids = new Map();
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
        (kids.get(ppid) || kids.set(ppid, []).get(ppid)).push(Number(d));
      } catch { /* exited */ }
    }
    const out = [];
    const stack = [process.pid];
    while (stack.length) { const p = stack.pop(); out.push(p); stack.push(...(kids.get(p) || [])); }
    return out;
  };
  const timer = setInterval(() => {
    let pss = 0;
    let rss = 0;
    const pids = tree();
    for (const p of pids) {
      try {
        const s = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
        pss += Number(/^Pss:\s+(\d+)/m.exec(s)?.[1] || 0);
        rss += Number(/^Rss:\s+(\d+)/m.exec(s)?.[1] || 0);
      } catch { /* exited */ }
    }
    if (pss / 1024 > peak.pssMB) Object.assign(peak, { pssMB: Math.round(pss / 1024), rssMB: Math.round(rss / 1024), processes: pids.length });
  }, everyMs);
  timer.unref();
  return { stop: () => { clearInterval(timer); return peak; } };
}

/** copies the server's logs (extension host, our language server's output channel) next to the screenshots */
function collectLogs(root, dest) {
  const logs = path.join(root, 'user-data', 'logs');
  try {
    fs.mkdirSync(dest, { recursive: true });
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'logs'), { recursive: true });
    if (fs.existsSync(path.join(root, 'server.log'))) fs.copyFileSync(path.join(root, 'server.log'), path.join(dest, 'server.log'));
  } catch (e) {
    console.error(`e2e: could not copy logs: ${e.message}`);
  }
}

function removeScratch(root) {
  if (process.env.E2E_KEEP) return;
  fs.rmSync(root, { recursive: true, force: true });
}

module.exports = {
  E2E_DIR, ROOT, CODE_SERVER_DIR, startServer, installVsix, launchBrowser, remoteUri, workbenchUrl, copyWorkspace,
  memorySampler, collectLogs, scratch, removeScratch, killAll,
};
