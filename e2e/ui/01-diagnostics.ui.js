'use strict';
// Open a config with a misspelt argument: the red squiggle appears under it, and the Problems panel lists it with
// its code and position.
module.exports = {
  title: 'a broken config shows a squiggle and a Problems entry',
  async run({ page, assert, shot, openFile, squiggles, waitUntil }) {
    await openFile('ui/ui-demo.megatron.yaml');
    const mode = page.locator('.statusbar-item[id="status.editor.mode"]');
    await waitUntil('the status bar shows the ms-swift config language', async () => /ms-swift config/.test(await mode.innerText()));
    await squiggles('error').first().waitFor({ timeout: 45000 }); // includes activation and the server's start
    assert.strictEqual(await squiggles('error').count(), 1, 'one error squiggle (mirco_batch_size)');
    await shot('squiggle');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'mirco_batch_size' }).first();
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /is not an argument of `megatron sft`/);
    // E2E_BREAK=diagnostic-code expects a code the server does not send: the suite must then fail (see README)
    const code = (process.env.E2E_BREAK || '').split(',').includes('diagnostic-code') ? 'unknown-argumnet' : 'unknown-argument';
    assert.ok(new RegExp(`ms-swift-studio\\W*${code}\\b`).test(text), `the Problems entry names ${code}: ${text}`);
    assert.match(text, /Ln 9, Col 1/);
    await shot('problems');
  },
};
