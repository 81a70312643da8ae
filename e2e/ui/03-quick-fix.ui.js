'use strict';
// Put the cursor on the misspelt argument, open the light bulb menu with Ctrl+. and pick the did-you-mean
// replacement: the key is rewritten and the squiggle and the Problems entry go.
module.exports = {
  title: 'Ctrl+. on the error offers the quick fix, which removes the error',
  async run({ page, assert, shot, openFile, gotoLine, editorLines, squiggles, waitUntil }) {
    await openFile('ui/ui-demo.megatron.yaml');
    await gotoLine(9, 3);
    await page.keyboard.press('Control+Period');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Replace with micro_batch_size' }).first();
    await item.waitFor();
    await shot('quick-fix-menu');
    // the menu opens with its first entry focused; walk to ours with the arrow keys and apply it with Enter
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    for (let i = 0; i < 10 && !/micro_batch_size/.test(await focused.innerText().catch(() => '')); i++) await page.keyboard.press('ArrowDown');
    assert.match(await focused.innerText(), /Replace with micro_batch_size/);
    await page.keyboard.press('Enter');
    await waitUntil('line 9 reads micro_batch_size: 1', async () => (await editorLines())[8] === 'micro_batch_size: 1');
    await waitUntil('the error squiggle is gone', async () => (await squiggles('error').count()) === 0);
    await waitUntil('the Problems entry is gone', async () =>
      (await page.locator('.markers-panel .monaco-list-row', { hasText: 'mirco_batch_size' }).count()) === 0);
    assert.strictEqual((await editorLines())[8], 'micro_batch_size: 1');
    await shot('fixed');
  },
};
