'use strict';
// Suite (b): UI tests, as a person would use the extension. The .vsix built from the repository is installed with
// `code-server --install-extension` into a throw-away extensions dir, the workbench is opened in headless Chromium
// and Playwright types, clicks and reads the DOM. The tests are the e2e/ui/*.ui.js files, run in name order in one
// window; each takes screenshots into e2e/artifacts/ui/.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const lib = require('./lib');
const standInsLib = require('./stand-ins');

const EDITOR = '.part.editor .monaco-editor';

/** helpers handed to each UI test */
function helpers(page, artifacts, counter, context) {
  const h = {
    page,
    assert,
    /** the server-side copy of the fixture workspace */
    workspace: context.workspace,
    /** the stand-in launchers and Python (harness/stand-ins.js): records, control.json */
    standIns: context.standIns,
    /** a numbered screenshot of the whole window */
    async shot(name) {
      const file = path.join(artifacts, `${String(++counter.n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    /** Quick Open (Ctrl+P) and Enter, then wait for the editor tab */
    async openFile(rel) {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
      await page.keyboard.type(rel);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.part.editor .tab.active', { hasText: path.basename(rel) }).waitFor();
      await page.locator(`${EDITOR} .view-lines`).first().waitFor();
    },
    /** Ctrl+G line:column (1-based), like a user */
    async gotoLine(line, column = 1) {
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
      await page.keyboard.type(`${line}:${column}`);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    },
    /** the visible lines of the active editor, top to bottom */
    editorLines() {
      return page.evaluate((sel) => [...document.querySelectorAll(`${sel} .view-lines .view-line`)]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => l.textContent.replace(/\u00a0/g, ' ')), EDITOR);
    },
    /** the editor's text token whose text is exactly `text` (e.g. a key), to hover or click */
    token(text) {
      return page.locator(`${EDITOR} .view-lines .view-line span span`, { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
    },
    squiggles(kind = 'error') {
      return page.locator(`${EDITOR} .squiggly-${kind}`);
    },
    async waitUntil(what, fn, ms = 20000) {
      const end = Date.now() + ms;
      for (;;) {
        if (await fn()) return;
        if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
        await page.waitForTimeout(150);
      }
    },
    EDITOR,
  };
  return h;
}

/**
 * @param {{ artifacts: string, timeoutMs: number, vsix: string, grep?: string }} o
 */
async function run(o) {
  const t0 = Date.now();
  const step = (m) => console.log(`[ui ${String(Date.now() - t0).padStart(6)} ms] ${m}`);
  const mem = lib.memorySampler();
  const root = lib.scratch('ui');
  fs.rmSync(o.artifacts, { recursive: true, force: true });
  fs.mkdirSync(o.artifacts, { recursive: true });
  const tests = fs.readdirSync(path.join(lib.E2E_DIR, 'ui')).filter((f) => f.endsWith('.ui.js')).sort()
    .map((f) => ({ file: f, ...require(path.join(lib.E2E_DIR, 'ui', f)) }))
    .filter((t) => !o.grep || new RegExp(o.grep).test(t.title));
  let passed = 0;
  let failed = 0;
  let srv;
  let br;
  let deadline;
  let aborted = false; // set on the time-out: the tests still running stop counting
  // stand-in launchers and Python (harness/stand-ins.js): Train runs them in a plain terminal, which the tests read
  const standIns = standInsLib.create(root);
  try {
    const workspace = lib.copyWorkspace(root);
    const installed = lib.installVsix(root, o.vsix).trim();
    step(installed.split('\n').pop());
    srv = await lib.startServer({
      root, workspace, env: standInsLib.serverEnv(standIns),
      settings: { 'msSwiftStudio.python.interpreter': standIns.python, 'msSwiftStudio.launch.detached': 'off' },
    });
    step(`server on 127.0.0.1:${srv.port} in ${srv.startMs} ms (scratch ${root})`);
    br = await lib.launchBrowser();
    const { page } = br;
    page.setDefaultTimeout(20000);
    page.on('crash', () => step('the browser page crashed'));
    // the whole suite has a deadline: a stuck step fails instead of hanging
    const timedOut = new Promise((_, reject) => { deadline = setTimeout(() => reject(new Error(`UI suite time-out after ${o.timeoutMs} ms`)), o.timeoutMs); });
    timedOut.catch(() => {});
    await Promise.race([(async () => {
      await page.goto(lib.workbenchUrl(srv.port, workspace));
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
      step('workbench ready');
      const counter = { n: 0 };
      const h = helpers(page, o.artifacts, counter, { workspace, standIns });
      for (const t of tests) {
        if (aborted) return;
        const ts = Date.now();
        try {
          await t.run(h);
          if (aborted) return;
          passed++;
          console.log(`  ✔ ${t.title} (${Date.now() - ts} ms)`);
        } catch (e) {
          if (aborted) return;
          failed++;
          console.log(`  ✘ ${t.title} (${Date.now() - ts} ms)\n      ${String(e.stack || e).split('\n').slice(0, 6).join('\n      ')}`);
          await h.shot(`FAILED-${t.file.replace(/\.ui\.js$/, '')}`).catch(() => {});
          for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
        }
      }
    })(), timedOut]);
  } catch (e) {
    aborted = true;
    console.log(`  ✘ ${e.message}`);
    if (br) await br.page.screenshot({ path: path.join(o.artifacts, 'FAILED-harness.png') }).catch(() => {});
    failed = Math.max(1, tests.length - passed); // every test that did not pass counts as failed
  } finally {
    clearTimeout(deadline);
    if (br) await br.close();
    if (srv) await srv.stop();
    standInsLib.stopTmux(standIns);
  }
  lib.collectLogs(root, o.artifacts);
  const peak = mem.stop();
  console.log(`${passed} passed, ${failed} failed`);
  if (failed === 0) lib.removeScratch(root);
  else console.log(`[ui] screenshots and logs: ${o.artifacts} (scratch kept: ${root})`);
  return { passed, failed, skipped: 0, ms: Date.now() - t0, peak };
}

module.exports = { run };
