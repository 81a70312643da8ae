'use strict';
// On a new line at the end, Ctrl+Space lists the arguments; typing filters them and Enter inserts the chosen one.
module.exports = {
  title: 'Ctrl+Space lists arguments and inserts the one picked',
  async run({ page, assert, shot, openFile, editorLines, waitUntil, EDITOR }) {
    await openFile('ui/ui-demo.megatron.yaml');
    await page.locator(`${EDITOR} .view-lines`).first().click();
    await page.keyboard.press('Control+End'); // the file ends with a newline: an empty last line
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.suggest-widget .monaco-list-row');
    await rows.first().waitFor();
    const first = await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts();
    assert.ok(first.length > 5, `suggestions: ${first.join(', ')}`);
    assert.ok(!first.includes('mirco_batch_size') && !first.includes('lr'), 'arguments already set are not offered');
    await shot('completion-list');
    await page.keyboard.type('tensor_model_par', { delay: 30 });
    const pick = page.locator('.suggest-widget .monaco-list-row.focused', { hasText: 'tensor_model_parallel_size' });
    await pick.waitFor();
    await shot('completion-filtered');
    await page.keyboard.press('Enter');
    await waitUntil('the argument is inserted', async () => (await editorLines()).some((l) => /^tensor_model_parallel_size:\s*$/.test(l)));
    await page.keyboard.type('2');
    await waitUntil('the value is typed', async () => (await editorLines()).includes('tensor_model_parallel_size: 2'));
    await page.keyboard.press('Escape');
    // the diagnostics of the intermediate states (`tensor_model_par` while typing) must go; no error is left
    await waitUntil('the Problems panel has settled on the final text', async () =>
      (await page.locator('.markers-panel .monaco-list-row', { hasText: 'tensor_model_par`' }).count()) === 0 &&
      (await page.locator('.markers-panel .monaco-list-row', { hasText: 'yaml-syntax' }).count()) === 0, 10000);
    assert.strictEqual(await page.locator(`${EDITOR} .squiggly-error`).count(), 0, 'no error squiggle after the insertion');
    await shot('completion-inserted');
  },
};
