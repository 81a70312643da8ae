'use strict';
// Click the CodeLens "▶ Train on 2 GPUs" over a config: the run starts in an integrated terminal, which shows the
// command line — the CLI's (`ms-swift-studio command --shell bash`), with the Python environment's launcher — and
// what the launcher printed. No GPU job: the harness sets msSwiftStudio.python.interpreter to a stand-in Python whose
// environment has a stand-in `megatron` (harness/stand-ins.js), and msSwiftStudio.launch.detached to off.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = 'qwen2.5-7b-sft.megatron.yaml';

function cli(workspace, ...args) {
  return execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'command', CONFIG, ...args], { cwd: workspace, encoding: 'utf8' });
}

module.exports = {
  title: 'the CodeLens "Train" runs the config\'s command in a terminal',
  async run({ page, assert, shot, openFile, waitUntil, workspace, standIns }) {
    await openFile(CONFIG);
    const lens = page.locator('.codelens-decoration a', { hasText: /^▶ Train on 2 GPUs$/ });
    await lens.waitFor({ timeout: 45000 });
    await shot('train-codelens');

    const launcher = path.join(path.dirname(standIns.python), 'megatron');
    const expectedLine = cli(workspace, '--shell', 'bash').trim().replace(/(^| )megatron /, `$1${launcher} `);
    const before = new Set(fs.readdirSync(standIns.records));
    await lens.click();

    // the terminal (the DOM renderer: terminal.integrated.gpuAcceleration is off) shows the command line as typed,
    // then the launcher's output; long lines wrap, so the rows are joined and compared without whitespace
    const rows = page.locator('.part.panel .terminal-wrapper.active .xterm-rows').first();
    const screen = async () => (await rows.count()) ? rows.evaluate((e) => [...e.children].map((r) => r.textContent.replace(/\u00a0/g, ' ')).join('')) : '';
    const squash = (s) => s.replace(/\s+/g, '');
    await waitUntil('the terminal shows the command line and the launcher\'s output', async () => {
      const text = squash(await screen());
      return text.includes(squash(expectedLine)) && text.includes(squash('[stand-in megatron] done, exit status 0'));
    }, 30000);
    const text = await screen();
    assert.ok(squash(text).includes(squash(`[stand-in megatron] started: ${JSON.stringify(['sft', CONFIG])}`)), text);
    assert.match(await page.locator('.part.panel .single-terminal-tab, .part.panel .terminal-tabs-entry').first().innerText(), /ms-swift: qwen2\.5-7b-sft\.megatron/, 'the terminal is named after the config');
    await shot('train-terminal');

    // what started is exactly the CLI's command (argv but argv[0], the environment's launcher; env; cwd)
    const fresh = fs.readdirSync(standIns.records).filter((n) => !before.has(n));
    assert.strictEqual(fresh.length, 1, `one launcher started: ${fresh.join(', ')}`);
    const rec = JSON.parse(fs.readFileSync(path.join(standIns.records, fresh[0]), 'utf8'));
    const json = JSON.parse(cli(workspace, '--format', 'json'));
    assert.strictEqual(rec.argv[0], launcher);
    assert.deepStrictEqual(rec.argv.slice(1), json.argv.slice(1));
    assert.strictEqual(fs.realpathSync(rec.cwd), fs.realpathSync(json.cwd));
    for (const [k, v] of Object.entries(json.env)) assert.strictEqual(rec.env[k], v, `${k} in the run's environment`);
  },
};
