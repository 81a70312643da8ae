// The extensionTestsPath module: VS Code loads it in the extension host and awaits run().
// The same file runs under @vscode/test-electron on a desktop (npm run test:desktop) and inside code-server's
// extension host (npm run test:e2e, through the workbench URL's `payload`). Nothing here is specific to either.
//
// Every `*.test.js` file next to this one is a mocha file, one per area (activation, diagnostics, completion, ...);
// add a file to add an area. E2E_GREP (a regular expression) runs only the matching tests.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

interface Result {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

/**
 * Under npm run test:e2e the extension host's console reaches the runner mixed with the workbench's own log; the
 * runner sets E2E_LOG_MARKER and forwards only the messages that start with it. (VS Code does not let an extension
 * replace console.log, so mocha's reporter and the closing line print through this function instead.)
 */
export function log(...args: unknown[]): void {
  console.log((process.env.E2E_LOG_MARKER ?? '') + util.format(...args));
}

export function run(): Promise<void> {
  // mocha's reporters print through Base.consoleLog
  (Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void }).consoleLog = log;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.E2E_TEST_TIMEOUT_MS || 30000),
    ...(process.env.E2E_GREP ? { grep: new RegExp(process.env.E2E_GREP) } : {}),
  });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const results: Result[] = [];
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        const passed = results.filter((r) => r.state === 'passed').length;
        const failed = results.filter((r) => r.state === 'failed').length;
        const skipped = results.filter((r) => r.state === 'pending').length;
        // machine-readable results for the runner (it cross-checks the forwarded closing line against them)
        if (process.env.E2E_RESULTS) {
          fs.writeFileSync(process.env.E2E_RESULTS, JSON.stringify({ passed, failed, skipped, failures, results }, null, 2));
        }
        // the plain closing line CI reads
        log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (e) {
      reject(e);
      return;
    }
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String((err && err.stack) || err) }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
