'use strict';
// Suite (a): the mocha suite in e2e/out/suite (index.js exporting run()) inside the server's Node extension host,
// with the extension loaded unpacked from the repository root, exactly like @vscode/test-electron's
// runTests({ extensionDevelopmentPath, extensionTestsPath }) on a desktop. The workbench URL's `payload` replaces
// those two command-line options (code-server does not accept them). The workbench calls
// window.codeAutomationLog for output and window.codeAutomationExit(code) when run() has settled.
const fs = require('fs');
const path = require('path');
const util = require('util');
const lib = require('./lib');
const standInsLib = require('./stand-ins');

const MARKER = '\u2063e2e\u2063'; // prefixes the suite's console output (see suite/index.ts)

/**
 * @param {{ artifacts: string, timeoutMs: number, env?: Record<string,string>, extensionPath?: string }} o
 * @returns {Promise<{ passed: number, failed: number, skipped: number, ms: number, peak: object, exitCode: unknown }>}
 */
async function run(o) {
  const t0 = Date.now();
  const mem = lib.memorySampler();
  const root = lib.scratch('ext');
  const extensionPath = o.extensionPath || lib.ROOT;
  const testsPath = path.join(lib.E2E_DIR, 'out', 'suite', 'index');
  const resultsFile = path.join(root, 'results.json');
  fs.rmSync(o.artifacts, { recursive: true, force: true });
  fs.mkdirSync(o.artifacts, { recursive: true });
  const workspace = lib.copyWorkspace(root);
  // stand-in launchers and Python for the Train tests, and a tmux server of the suite's own (see stand-ins.js)
  const standIns = standInsLib.create(root);
  const logFile = fs.createWriteStream(path.join(o.artifacts, 'output.log'));
  let srv;
  let br;
  let exitCode;
  let closingLineSeen = false;
  const seen = { passed: 0, failed: 0 };
  try {
    srv = await lib.startServer({ root, workspace, env: standInsLib.serverEnv(standIns, { ...o.env, E2E_RESULTS: resultsFile, E2E_LOG_MARKER: MARKER }) });
    console.log(`[ext-host] server on 127.0.0.1:${srv.port} in ${srv.startMs} ms (scratch ${root})`);
    br = await lib.launchBrowser();
    const { page } = br;
    let finish;
    const exited = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? util.format(...args) : String(args);
      logFile.write(`[${type}] ${text}\n`);
      // forward only what the suite printed (mocha's spec reporter, the closing line, the tests' own console output),
      // which index.ts marks; the workbench's own log stays in output.log
      if (!text.startsWith(MARKER)) return;
      const out = text.slice(MARKER.length);
      if (/^\d+ passed, \d+ failed(, \d+ skipped)?$/m.test(out)) closingLineSeen = true;
      // mocha's spec lines, counted in case the run never finishes (time-out, crash)
      if (/^\s+✔ /.test(out)) seen.passed++;
      else if (/^\s+\d+\) /.test(out) && !/:$/.test(out.trim())) seen.failed++;
      console.log(out);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    page.on('crash', () => finish('the browser page crashed'));
    page.on('pageerror', (e) => logFile.write(`[pageerror] ${e.stack || e}\n`));
    await page.goto(lib.workbenchUrl(srv.port, workspace, [
      ['extensionDevelopmentPath', lib.remoteUri(srv.port, extensionPath)],
      ['extensionTestsPath', lib.remoteUri(srv.port, testsPath)],
      ['skipWelcome', 'true'],
    ]));
    let timer;
    const timedOut = new Promise((r) => { timer = setTimeout(() => r('timeout'), o.timeoutMs); });
    exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    // the window as the run ended (the tests close their editors, so this mostly helps after a failure or time-out)
    if (exitCode !== 0) await page.screenshot({ path: path.join(o.artifacts, 'failure.png') }).catch(() => {});
  } catch (e) {
    exitCode = `harness error: ${e.stack || e}`;
  } finally {
    if (br) await br.close();
    if (srv) await srv.stop();
    standInsLib.stopTmux(standIns);
    logFile.end();
  }
  lib.collectLogs(root, o.artifacts);
  const peak = mem.stop();
  let r = { passed: 0, failed: 0, skipped: 0 };
  try { r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { r = { ...seen, skipped: 0 }; /* never finished: what was seen */ }
  if (exitCode !== 0) {
    console.log(`[ext-host] the extension host ended with ${exitCode === 'timeout' ? `a time-out after ${o.timeoutMs} ms` : exitCode}`);
    if (exitCode === 'timeout' || typeof exitCode === 'string') r.failed += 1; // count the run itself as a failure
  }
  if (!closingLineSeen || exitCode === 'timeout' || typeof exitCode === 'string') {
    // the suite's own line did not come through (time-out, crash): print the verdict ourselves
    console.log(`${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  }
  if (exitCode === 0 && r.failed === 0) lib.removeScratch(root);
  else console.log(`[ext-host] logs: ${o.artifacts} (scratch kept: ${root})`);
  return { ...r, ms: Date.now() - t0, peak, exitCode };
}

module.exports = { run };
