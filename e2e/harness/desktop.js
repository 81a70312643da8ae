#!/usr/bin/env node
'use strict';
// npm run test:desktop: the same extension-host suite (e2e/out/suite/index.js) in the desktop VS Code (Electron),
// through @vscode/test-electron, which downloads a VS Code build from Microsoft's servers on first use. For a
// developer's machine with internet access; CI cannot run it (no download there) and runs `npm run test:e2e`.
//
//   npm --prefix e2e ci --ignore-scripts   # once: mocha, typescript, @vscode/test-electron (skips code-server's build)
//   npm run test:desktop
//
// Environment: VSCODE_VERSION (default 'stable'; e.g. 1.100.3 to match the e2e server), VSCODE_EXECUTABLE (an
// installed VS Code to use instead of a download), E2E_GREP (only matching tests), E2E_KEEP=1 (keep the scratch).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const standInsLib = require('./stand-ins');

const E2E_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(E2E_DIR, '..');

(async () => {
  const { runTests } = require('@vscode/test-electron');
  // build the extension bundle and the suite, as npm run test:e2e does
  if (!process.argv.includes('--no-build')) {
    if (!fs.existsSync(path.join(ROOT, 'out', 'scripts', 'build.js'))) execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(process.execPath, ['out/scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });
  }
  execFileSync(path.join(E2E_DIR, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: E2E_DIR, stdio: 'inherit' });

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-swift-e2e-desktop-'));
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(E2E_DIR, 'fixtures', 'workspace'), workspace, { recursive: true });
  const userData = path.join(scratch, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off',
    'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'git.enabled': false,
  }, null, 2));
  const resultsFile = path.join(scratch, 'results.json');
  // the Train tests' stand-in launchers and Python, and a tmux server of the run's own (see stand-ins.js)
  const standIns = standInsLib.create(scratch);
  let code = 1;
  try {
    code = await runTests({
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION || 'stable' }),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(E2E_DIR, 'out', 'suite', 'index'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', userData, '--extensions-dir', path.join(scratch, 'extensions')],
      extensionTestsEnv: standInsLib.serverEnv(standIns, { E2E_RESULTS: resultsFile, ...(process.env.E2E_GREP ? { E2E_GREP: process.env.E2E_GREP } : {}) }),
    });
    if (code === 0 && !fs.existsSync(resultsFile)) {
      console.error('test:desktop: VS Code exited 0 but the suite wrote no results (it never ran)');
      console.log('0 passed, 1 failed');
      code = 1;
    }
  } catch (e) {
    console.error(`test:desktop: ${e && e.message ? e.message : e}`);
    if (!fs.existsSync(resultsFile)) console.log('0 passed, 1 failed');
  } finally {
    standInsLib.stopTmux(standIns);
    if (!process.env.E2E_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
  }
  process.exit(code === 0 ? 0 : 1);
})();
