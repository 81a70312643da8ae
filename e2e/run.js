#!/usr/bin/env node
'use strict';
// npm run test:e2e: builds the extension, then runs both end-to-end suites against a real VS Code
// (code-server 4.100.3's VS Code 1.100.3 server + headless Chromium) and exits non-zero on any failure or time-out.
//
//   node e2e/run.js [--suite ext|ui|all] [--no-build] [--grep REGEX]
//                   [--extension DIR]   extension-host suite: load the extension from DIR instead of the repo root
//                   [--vsix FILE]       UI suite: install FILE instead of a freshly packaged one
//
// Environment: E2E_TIMEOUT_MS (per suite, default 150000), E2E_KEEP=1 (keep the scratch folders),
// E2E_BREAK=<name> (make one expectation wrong, to see the suites fail; see README), E2E_SCRATCH (scratch parent).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const lib = require('./harness/lib');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const suite = opt('--suite', 'all');
const build = !args.includes('--no-build');
const grep = opt('--grep');
const extensionPath = opt('--extension') && path.resolve(opt('--extension'));
const givenVsix = opt('--vsix') && path.resolve(opt('--vsix'));
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 150000);
const ARTIFACTS = path.join(lib.E2E_DIR, 'artifacts');
const t0 = Date.now();
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (m) => console.log(`[e2e ${sec(Date.now() - t0).padStart(7)}] ${m}`);

// whatever happens, the whole run ends: a stuck step cannot hold CI
const watchdog = setTimeout(() => {
  console.error(`e2e: the whole run took longer than ${sec(3 * timeoutMs)}; stopping everything`);
  console.log('0 passed, 1 failed');
  lib.killAll('SIGKILL');
  process.exit(1);
}, 3 * timeoutMs + 60000);
watchdog.unref();

function sh(cmd, argv, cwd) {
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

function packageVsix(dest) {
  // vsce from the extension's own devDependencies; --no-dependencies because dist/ is bundled. The base URLs let
  // vsce rewrite README links to files of the repository (docs/...) when the repository is not on GitHub/GitLab,
  // where it would otherwise refuse to package.
  const repo = String(JSON.parse(fs.readFileSync(path.join(lib.ROOT, 'package.json'), 'utf8')).repository?.url || 'https://example.invalid/repo')
    .replace(/\.git$/, '');
  return new Promise((resolve, reject) => {
    const p = spawn(path.join(lib.ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', dest,
      '--baseContentUrl', `${repo}/blob/HEAD`, '--baseImagesUrl', `${repo}/raw/HEAD`],
      { cwd: lib.ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(dest) : reject(new Error(`vsce package failed (${code}):\n${out}`))));
  });
}

(async () => {
  const results = [];
  let vsixPromise;
  const vsixDir = fs.mkdtempSync(path.join(process.env.E2E_SCRATCH || require('os').tmpdir(), 'ms-swift-e2e-vsix-'));
  try {
    if (build) {
      // the extension: tsc only when the build script itself is missing (esbuild bundles from the TS sources)
      if (!fs.existsSync(path.join(lib.ROOT, 'out', 'scripts', 'build.js'))) sh(path.join(lib.ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], lib.ROOT);
      sh(process.execPath, ['out/scripts/build.js'], lib.ROOT);
      log('bundled the extension into dist/');
    }
    // the extension-host suite, with e2e's own tsconfig
    sh(path.join(lib.E2E_DIR, 'node_modules', '.bin', 'tsc'), ['-p', '.'], lib.E2E_DIR);
    log('compiled the extension-host suite into e2e/out/suite/');
    if (suite === 'all' || suite === 'ui') {
      vsixPromise = givenVsix ? Promise.resolve(givenVsix) : packageVsix(path.join(vsixDir, 'ms-swift-studio.vsix'));
      vsixPromise.catch(() => {}); // awaited below
    }

    if (suite === 'all' || suite === 'ext') {
      log(`extension-host suite (mocha in the extension host${extensionPath ? `, extension from ${extensionPath}` : ''})`);
      const env = grep ? { E2E_GREP: grep } : {};
      const r = await require('./harness/ext-host').run({ artifacts: path.join(ARTIFACTS, 'extension-host'), timeoutMs, env, extensionPath });
      results.push({ name: 'extension-host', ...r });
      log(`extension-host suite: ${r.passed} passed, ${r.failed} failed in ${sec(r.ms)}; peak memory ${JSON.stringify(r.peak)}`);
    }
    if (suite === 'all' || suite === 'ui') {
      const vsix = await vsixPromise;
      log(`UI suite (Playwright, ${path.basename(vsix)} installed with --install-extension)`);
      const r = await require('./harness/ui').run({ artifacts: path.join(ARTIFACTS, 'ui'), timeoutMs, vsix, grep });
      results.push({ name: 'ui', ...r });
      log(`UI suite: ${r.passed} passed, ${r.failed} failed in ${sec(r.ms)}; peak memory ${JSON.stringify(r.peak)}`);
    }
  } catch (e) {
    console.error(e.stack || e);
    results.push({ name: 'harness', passed: 0, failed: 1 });
  } finally {
    fs.rmSync(vsixDir, { recursive: true, force: true });
    lib.killAll('SIGKILL');
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  log(`done: ${results.map((r) => `${r.name} ${r.passed}/${r.passed + r.failed}`).join(', ')}; screenshots and logs in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
})();
