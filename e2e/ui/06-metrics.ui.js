'use strict';
// The Runs view in the Explorer lists the fixture run (megatron_output/Qwen2.5-7B-Instruct/v0-20260101-120000, a
// finished ms-swift 4 run with real logging.jsonl and event files); its inline "Open metrics" action opens the metrics
// view, whose charts are drawn on <canvas> inside the webview's iframes (code-server nests the page in an inner frame
// of .../webview/browser/pre/index.html). The curves are checked by counting pixels of the run's colour.
const RUN = 'v0-20260101-120000';

/** runs in the webview page: the run's colour (its legend swatch) and, per chart, the pixels drawn in that colour */
function measureCharts() {
  const swatch = document.querySelector('.legend .swatch');
  const m = swatch && /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(swatch).backgroundColor);
  const charts = [...document.querySelectorAll('.chart')].map((chart) => {
    const title = chart.querySelector('h2')?.textContent ?? '';
    const canvas = chart.querySelector('canvas.base');
    if (!m || !canvas || !canvas.width || !canvas.height) return { title, pixels: 0, inColour: 0 };
    const [r, g, b] = m.slice(1, 4).map(Number);
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let pixels = 0;
    let inColour = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      pixels++;
      if (d[i + 3] > 160 && Math.abs(d[i] - r) < 40 && Math.abs(d[i + 1] - g) < 40 && Math.abs(d[i + 2] - b) < 40) inColour++;
    }
    return { title, pixels, inColour };
  });
  return { colour: m ? m[0] : null, title: document.querySelector('h1.title')?.textContent ?? '', charts };
}

module.exports = {
  title: 'the Runs view opens the metrics of a run, whose charts are drawn',
  async run({ page, assert, shot, waitUntil }) {
    // room for the charts: the panel (the terminal of the Train test) is closed
    if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J');
    await page.locator('.part.panel').waitFor({ state: 'hidden' });
    // the view "ms-swift Runs" in the Explorer (collapsed at the bottom at first)
    await page.keyboard.press('Control+Shift+E');
    const header = page.locator('.pane-header', { hasText: /ms-swift Runs/i });
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const pane = page.locator('.pane', { has: header });
    const row = (text) => pane.locator('.monaco-list-row', { hasText: text }).first();
    const output = row('Qwen2.5-7B-Instruct');
    await output.waitFor();
    if ((await output.getAttribute('aria-expanded')) !== 'true') await output.click();
    const run = row(RUN);
    await run.waitFor();
    const label = (await run.innerText()).replace(/\s+/g, ' ');
    assert.match(label, /v0-20260101-120000 ?finished · step 600\/600 · loss 7\.000e-8/);
    await run.hover();
    const action = run.locator('.action-label[aria-label="Open metrics"]');
    await action.waitFor();
    await shot('runs-view');
    await action.click();

    await page.locator('.part.editor .tab.active', { hasText: `Metrics: ${RUN}` }).waitFor();
    let found;
    await waitUntil('the metrics webview to draw the run\'s curves', async () => {
      for (const frame of page.frames()) {
        if (!/\/webview\//.test(frame.parentFrame()?.url() ?? '')) continue; // the inner frame holds the page
        const r = await frame.evaluate(measureCharts).catch(() => undefined);
        if (r && r.title === RUN && r.charts.filter((c) => c.inColour > 150).length >= 4) {
          found = r;
          return true;
        }
      }
      return false;
    }, 30000);
    const titles = found.charts.map((c) => c.title);
    for (const t of ['Loss', 'Learning rate', 'Gradient norm']) assert.ok(titles.some((x) => x.startsWith(t)), `charts: ${titles.join(', ')}`);
    const loss = found.charts.find((c) => c.title.startsWith('Loss'));
    assert.ok(loss.inColour > 150, `the loss curve is drawn: ${JSON.stringify(found.charts)}`);
    if (process.env.E2E_DEBUG) console.log(JSON.stringify(found));
    await shot('metrics');
  },
};
