// The metrics webview: training curves drawn on <canvas>, fed by messages from the extension.
// Bundled by esbuild for the browser (iife) into dist/webview/metrics.js; styles in metrics.css next to it.
//
// extension → page: { type: 'init', title, runs, series, memory? } | { type: 'append', series } | { type: 'reset' }
// page → extension: { type: 'ready' } | { type: 'rendered', charts, points, drawnPoints, hiddenCharts }
//                   | { type: 'openTensorBoard', runId }
// (see math/protocol.ts for the types).
import { Chart, ChartEvents, DrawnSeries, HoverRow } from './chart';
import { ChartSpec, belongsTo, chartSpecs, tagStyles } from './math/charts';
import { formatStep, formatValue } from './math/format';
import { FromPageMessage, MemoryInfo, RunInfo, SeriesMessage, parseToPage } from './math/protocol';
import { widen } from './math/scale';
import { SeriesBuffer, seriesKey } from './math/series';
import { smoothEma } from './math/smooth';
import { Theme, readTheme } from './theme';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : { postMessage: (m) => console.log('[metrics → extension]', JSON.stringify(m)), getState: () => undefined, setState: () => undefined };

function post(message: FromPageMessage): void {
  vscode.postMessage(message);
}

// ---- state -------------------------------------------------------------------------------------------------------

interface Persisted {
  smoothing: number;
  log: boolean;
  hidden: string[];
  otherOpen: boolean;
}

function loadPersisted(): Persisted {
  const s = vscode.getState() as Partial<Persisted> | undefined;
  const smoothing = typeof s?.smoothing === 'number' && s.smoothing >= 0 && s.smoothing <= 0.99 ? s.smoothing : 0.6;
  return {
    smoothing,
    log: s?.log === true,
    hidden: Array.isArray(s?.hidden) ? s!.hidden.filter((h): h is string => typeof h === 'string') : [],
    otherOpen: s?.otherOpen === true,
  };
}

const prefs = loadPersisted();
const hiddenRuns = new Set<string>(prefs.hidden);
let initialised = false;
let title = 'Training metrics';
let runs: RunInfo[] = [];
let memory: MemoryInfo | undefined;
const series = new Map<string, SeriesBuffer>();
let zoom: [number, number] | null = null;
let hover: { chart: Chart; step: number | null; clientX: number; clientY: number } | null = null;
let theme: Theme = readTheme();
const charts = new Map<string, Chart>();
let structureDirty = true;

function savePrefs(): void {
  vscode.setState({ ...prefs, hidden: [...hiddenRuns] } satisfies Persisted);
}

// ---- static DOM --------------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const app = document.getElementById('app') ?? document.body.appendChild(el('div'));
app.classList.add('metrics-app');

const header = el('header', 'toolbar');
const titleEl = el('h1', 'title', title);
const controls = el('div', 'controls');

const smoothingLabel = el('label', 'control smoothing');
smoothingLabel.append(el('span', 'control-name', 'Smoothing'));
const smoothingInput = el('input');
smoothingInput.type = 'range';
smoothingInput.min = '0';
smoothingInput.max = '0.99';
smoothingInput.step = '0.01';
smoothingInput.value = String(prefs.smoothing);
const smoothingValue = el('output', 'control-value', prefs.smoothing.toFixed(2));
smoothingLabel.append(smoothingInput, smoothingValue);

const logLabel = el('label', 'control log');
const logInput = el('input');
logInput.type = 'checkbox';
logInput.checked = prefs.log;
logLabel.append(logInput, el('span', 'control-name', 'Log scale'));

const resetZoomButton = el('button', 'control reset-zoom', 'Reset zoom');
resetZoomButton.type = 'button';
resetZoomButton.disabled = true;
resetZoomButton.title = 'Show all steps (or double-click a chart)';

controls.append(smoothingLabel, logLabel, resetZoomButton);
header.append(titleEl, controls);

const legend = el('div', 'legend');
legend.setAttribute('role', 'group');
legend.setAttribute('aria-label', 'Runs');
const hint = el('div', 'hint', 'Drag across a chart to zoom · double-click to reset · click a run to hide it');
const status = el('div', 'status', 'Waiting for metrics…');
const mainGrid = el('div', 'charts');
const otherSection = el('details', 'other');
otherSection.open = prefs.otherOpen;
const otherSummary = el('summary', undefined, 'Other metrics');
const otherGrid = el('div', 'charts');
otherSection.append(otherSummary, otherGrid);
otherSection.hidden = true;
const tooltip = el('div', 'tooltip');
tooltip.hidden = true;
tooltip.setAttribute('role', 'status');

app.replaceChildren(header, legend, hint, status, mainGrid, otherSection, tooltip);

// ---- controls ----------------------------------------------------------------------------------------------------

smoothingInput.addEventListener('input', () => {
  const v = Math.min(0.99, Math.max(0, Number(smoothingInput.value) || 0));
  prefs.smoothing = v;
  smoothingValue.textContent = v.toFixed(2);
  savePrefs();
  scheduleRender();
});
logInput.addEventListener('change', () => {
  prefs.log = logInput.checked;
  savePrefs();
  scheduleRender();
});
resetZoomButton.addEventListener('click', () => setZoom(null));
otherSection.addEventListener('toggle', () => {
  prefs.otherOpen = otherSection.open;
  savePrefs();
  scheduleRender();
});
window.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const c of charts.values()) c.cancelDrag();
  scheduleOverlay();
});

function setZoom(z: [number, number] | null): void {
  zoom = z && z[1] > z[0] ? z : null;
  resetZoomButton.disabled = zoom === null;
  scheduleRender();
}

// ---- runs and legend ---------------------------------------------------------------------------------------------

function runIndex(runId: string): number {
  const i = runs.findIndex((r) => r.id === runId);
  return i >= 0 ? i : runs.length;
}

function runColor(runId: string): string {
  return theme.palette[runIndex(runId) % theme.palette.length]!;
}

function runLabel(runId: string): string {
  return runs.find((r) => r.id === runId)?.label ?? runId;
}

function ensureRun(runId: string): void {
  if (!runs.some((r) => r.id === runId)) {
    runs.push({ id: runId, label: runId });
    structureDirty = true;
  }
}

function renderLegend(): void {
  legend.replaceChildren();
  for (const run of runs) {
    const item = el('span', 'run');
    const hidden = hiddenRuns.has(run.id);
    item.classList.toggle('off', hidden);
    const toggle = el('button', 'run-toggle');
    toggle.type = 'button';
    toggle.setAttribute('aria-pressed', String(!hidden));
    toggle.title = hidden ? `Show ${run.label}` : `Hide ${run.label}`;
    const swatch = el('span', 'swatch');
    swatch.style.backgroundColor = runColor(run.id);
    toggle.append(swatch, el('span', 'run-label', run.label));
    toggle.addEventListener('click', () => {
      if (hiddenRuns.has(run.id)) hiddenRuns.delete(run.id);
      else hiddenRuns.add(run.id);
      savePrefs();
      renderLegend();
      scheduleRender();
    });
    const tb = el('button', 'tensorboard', 'TensorBoard');
    tb.type = 'button';
    tb.title = `Open ${run.label} in TensorBoard`;
    tb.addEventListener('click', () => post({ type: 'openTensorBoard', runId: run.id }));
    item.append(toggle, tb);
    legend.append(item);
  }
  legend.hidden = runs.length === 0;
}

// ---- series ------------------------------------------------------------------------------------------------------

function addSeries(list: SeriesMessage[]): void {
  for (const m of list) {
    ensureRun(m.runId);
    const key = seriesKey(m.runId, m.tag);
    let buf = series.get(key);
    if (!buf) {
      buf = new SeriesBuffer(m.runId, m.tag, m.kind, Math.max(16, m.steps.length));
      series.set(key, buf);
      structureDirty = true;
    } else if (buf.kind !== m.kind) {
      buf.kind = m.kind;
      structureDirty = true;
    }
    buf.append(m.steps, m.values);
  }
}

const smoothCache = new WeakMap<SeriesBuffer, { version: number; weight: number; data: Float64Array }>();

function smoothedOf(buf: SeriesBuffer, weight: number): Float64Array {
  const c = smoothCache.get(buf);
  if (c && c.version === buf.version && c.weight === weight && c.data.length === buf.length) return c.data;
  const data = smoothEma(buf.ys, weight);
  smoothCache.set(buf, { version: buf.version, weight, data });
  return data;
}

// ---- charts ------------------------------------------------------------------------------------------------------

const chartEvents: ChartEvents = {
  hover(chart, step, clientX, clientY) {
    hover = step === null ? null : { chart, step, clientX, clientY };
    scheduleOverlay();
  },
  zoom(x0, x1) {
    hover = null;
    setZoom([x0, x1]);
  },
  resetZoom() {
    setZoom(null);
  },
};

// Redraw when a plot's size changes (window resize, sidebar, grid reflow); the first report of each plot is its
// current size, already drawn, so only real changes schedule a render.
const plotSizes = new WeakMap<Element, string>();
const resizeObserver =
  typeof ResizeObserver === 'function'
    ? new ResizeObserver((entries) => {
        let changed = false;
        for (const e of entries) {
          const size = `${Math.round(e.contentRect.width)}x${Math.round(e.contentRect.height)}`;
          if (plotSizes.get(e.target) !== size) {
            changed = changed || plotSizes.has(e.target);
            plotSizes.set(e.target, size);
          }
        }
        if (changed) scheduleRender();
      })
    : null;

function rebuildCharts(): void {
  structureDirty = false;
  const specs = chartSpecs(series.values());
  const wanted = new Set(specs.map((s) => s.id));
  for (const [id, c] of charts) {
    if (!wanted.has(id)) {
      resizeObserver?.unobserve(c.plot);
      c.element.remove();
      charts.delete(id);
      if (hover?.chart === c) hover = null;
    }
  }
  const mainCharts: HTMLElement[] = [];
  const otherCharts: HTMLElement[] = [];
  for (const spec of specs) {
    let c = charts.get(spec.id);
    if (!c) {
      c = new Chart(spec, chartEvents);
      charts.set(spec.id, c);
      resizeObserver?.observe(c.plot);
    }
    c.spec = spec;
    c.setTags(tagStyles(seriesOf(spec)));
    (spec.other ? otherCharts : mainCharts).push(c.element);
  }
  mainGrid.replaceChildren(...mainCharts);
  otherGrid.replaceChildren(...otherCharts);
  otherSection.hidden = otherCharts.length === 0;
  otherSummary.textContent = `Other metrics (${otherCharts.length})`;
  renderLegend();
}

function seriesOf(spec: ChartSpec): SeriesBuffer[] {
  const out: SeriesBuffer[] = [];
  for (const s of series.values()) if (belongsTo(spec, s)) out.push(s);
  return out.sort((a, b) => runIndex(a.runId) - runIndex(b.runId) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

/** The steps of all visible series (the x range when not zoomed). */
function fullXDomain(): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series.values()) {
    if (hiddenRuns.has(s.runId) || s.length === 0) continue;
    lo = Math.min(lo, s.steps[0]!);
    hi = Math.max(hi, s.steps[s.length - 1]!);
  }
  if (!(lo <= hi)) return [0, 1];
  return lo === hi ? widen(lo, hi) : [lo, hi];
}

// ---- rendering ---------------------------------------------------------------------------------------------------

let renderQueued = false;
let overlayQueued = false;
let frameRequested = false;

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function scheduleRender(): void {
  renderQueued = true;
  requestFrame();
}

function scheduleOverlay(): void {
  overlayQueued = true;
  requestFrame();
}

function frame(): void {
  frameRequested = false;
  if (renderQueued) {
    renderQueued = false;
    overlayQueued = false;
    try {
      renderAll();
    } finally {
      drawOverlays();
    }
  } else if (overlayQueued) {
    overlayQueued = false;
    drawOverlays();
  }
}

function renderAll(): void {
  windowSize = currentWindowSize();
  if (structureDirty) rebuildCharts();
  titleEl.textContent = title;
  const any = series.size > 0;
  status.hidden = any;
  status.textContent = initialised ? 'No metrics logged yet.' : 'Waiting for metrics…';
  hint.hidden = !any;
  const xDomain = zoom ?? fullXDomain();
  const smoothing = prefs.smoothing;
  let drawn = 0;
  let hidden = 0;
  let points = 0;
  let drawnPoints = 0;
  for (const c of charts.values()) {
    if (c.spec.other && !otherSection.open) {
      c.render(null); // forget the layout: no hover on a closed section
      hidden++;
      continue;
    }
    const all = seriesOf(c.spec);
    const styles = tagStyles(all);
    const visible: DrawnSeries[] = all
      .filter((s) => !hiddenRuns.has(s.runId) && s.length > 0)
      .map((buf) => ({
        buf,
        runLabel: runLabel(buf.runId),
        color: runColor(buf.runId),
        style: styles.get(buf.tag) ?? 0,
        smoothed: smoothing > 0 ? smoothedOf(buf, smoothing) : undefined,
      }));
    const stats = c.render({
      theme,
      xDomain,
      log: prefs.log,
      smoothing,
      series: visible,
      allSeries: all,
      memory: c.spec.id === 'memory' ? memory : undefined,
    });
    if (!stats) {
      hidden++;
      continue;
    }
    drawn++;
    points += stats.points;
    drawnPoints += stats.drawnPoints;
  }
  if (initialised) post({ type: 'rendered', charts: drawn, points, drawnPoints, hiddenCharts: hidden });
}

function drawOverlays(): void {
  const step = hover?.step ?? null;
  for (const c of charts.values()) c.drawOverlay(step);
  updateTooltip();
}

function updateTooltip(): void {
  if (!hover || hover.step === null || !charts.has(hover.chart.spec.id)) {
    tooltip.hidden = true;
    return;
  }
  const step = hover.step;
  const rows = hover.chart.hoverRows(step);
  if (rows.length === 0) {
    tooltip.hidden = true;
    return;
  }
  const smoothing = prefs.smoothing > 0;
  const showStep = rows.some((r) => r.step !== step);
  tooltip.replaceChildren();
  tooltip.append(el('div', 'tooltip-title', `step ${formatStep(step)}`));
  const table = el('table');
  const head = el('tr');
  head.append(el('th'), el('th', undefined, hover.chart.spec.title));
  if (smoothing) head.append(el('th', 'num', 'smoothed'));
  head.append(el('th', 'num', 'value'));
  if (showStep) head.append(el('th', 'num', 'step'));
  table.append(head);
  const multiTag = new Set(rows.map((r) => r.tag)).size > 1;
  for (const r of rows) table.append(tooltipRow(r, smoothing, showStep, multiTag));
  tooltip.append(table);
  tooltip.hidden = false;
  // Next to the pointer, flipped to stay inside the window.
  const pad = 14;
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  let x = hover.clientX + pad;
  let y = hover.clientY + pad;
  if (x + w > window.innerWidth - 4) x = Math.max(4, hover.clientX - pad - w);
  if (y + h > window.innerHeight - 4) y = Math.max(4, hover.clientY - pad - h);
  tooltip.style.left = `${x}px`;
  tooltip.style.top = `${y}px`;
}

function tooltipRow(r: HoverRow, smoothing: boolean, showStep: boolean, multiTag: boolean): HTMLTableRowElement {
  const tr = el('tr');
  const swatchCell = el('td');
  const swatch = el('span', 'swatch');
  swatch.style.backgroundColor = r.color;
  swatchCell.append(swatch);
  const name = el('td', 'name', r.runLabel);
  if (multiTag) name.append(' ', el('span', 'tag-name', r.tag));
  tr.append(swatchCell, name);
  if (smoothing) tr.append(el('td', 'num', r.smoothed === undefined ? '' : formatValue(r.smoothed)));
  tr.append(el('td', smoothing ? 'num raw' : 'num', formatValue(r.value)));
  if (showStep) tr.append(el('td', 'num', formatStep(r.step)));
  return tr;
}

// ---- theme and size ----------------------------------------------------------------------------------------------

const themeObserver = new MutationObserver(() => {
  theme = readTheme();
  renderLegend();
  scheduleRender();
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
// Window size or zoom level (device pixel ratio) changes; plots' own size changes come from the ResizeObserver.
let windowSize = '';
const currentWindowSize = (): string => `${window.innerWidth}x${window.innerHeight}@${window.devicePixelRatio}`;
window.addEventListener('resize', () => {
  if (currentWindowSize() !== windowSize) scheduleRender();
});

// ---- messages ----------------------------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent) => {
  const m = parseToPage(event.data);
  if (!m) return;
  switch (m.type) {
    case 'init':
      initialised = true;
      title = m.title;
      runs = m.runs.filter((r, i) => m.runs.findIndex((q) => q.id === r.id) === i);
      memory = m.memory;
      series.clear();
      zoom = null;
      resetZoomButton.disabled = true;
      hover = null;
      addSeries(m.series);
      structureDirty = true;
      break;
    case 'append':
      addSeries(m.series);
      break;
    case 'reset':
      initialised = true;
      runs = [];
      memory = undefined;
      series.clear();
      zoom = null;
      resetZoomButton.disabled = true;
      hover = null;
      structureDirty = true;
      break;
  }
  scheduleRender();
});

renderLegend();
post({ type: 'ready' });
