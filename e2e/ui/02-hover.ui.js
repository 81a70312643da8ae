'use strict';
// Hover an argument with the mouse: its documentation (summary, type, default) appears.
module.exports = {
  title: 'hovering an argument shows its documentation',
  async run({ page, assert, shot, openFile, token }) {
    await openFile('ui/ui-demo.megatron.yaml');
    await token('global_batch_size').hover();
    const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'global_batch_size' }).first();
    await hover.waitFor();
    const text = await hover.innerText();
    assert.match(text, /megatron sft/);
    assert.match(text, /Type: int/);
    assert.match(text, /Default:/);
    await page.waitForTimeout(400); // let the hover's fade-in finish before the screenshot
    await shot('hover');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  },
};
