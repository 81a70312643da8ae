// One chart: a <canvas> for the lines (redrawn on data, size, zoom or control changes) under a second <canvas> for the
// crosshair and the zoom selection (redrawn on every pointer move, which therefore never touches the data).
import type { ChartSpec } from './math/charts';
import { downsampleMinMax } from './math/downsample';
import { formatTicks, formatValue } from './math/format';
import type { MemoryInfo } from './math/protocol';
import { Scale, linearScale, linearTicks, logDomain, logScale, logTicks, plotDomain, widen } from './math/scale';
import { nearestIndex } from './math/search';
import { SeriesBuffer, extentOf, visibleRange } from './math/series';
import type { Theme } from './theme';

/** A series as a chart draws it. */
export interface DrawnSeries {
  buf: SeriesBuffer;
  runLabel: string;
  color: string;
  /** Line style index (0 solid, 1 dashed, 2 dotted, 3 dash-dot). */
  style: number;
  /** The smoothed values (full length) when smoothing is on. */
  smoothed?: Float64Array;
}

export interface RenderInput {
  theme: Theme;
  xDomain: [number, number];
  log: boolean;
  smoothing: number;
  /** Visible series of this chart (hidden runs left out). */
  series: DrawnSeries[];
  /** Series of this chart including hidden runs, for the empty-state messages. */
  allSeries: SeriesBuffer[];
  memory?: MemoryInfo;
}

export interface RenderStats {
  points: number;
  drawnPoints: number;
}

export interface HoverRow {
  color: string;
  runLabel: string;
  tag: string;
  step: number;
  value: number;
  smoothed?: number;
}

export interface ChartEvents {
  hover(chart: Chart, step: number | null, clientX: number, clientY: number): void;
  zoom(x0: number, x1: number): void;
  resetZoom(): void;
}

interface Layout {
  left: number;
  top: number;
  width: number;
  height: number;
  sx: Scale;
  sy: Scale;
  series: DrawnSeries[];
  smoothing: number;
  log: boolean;
  theme: Theme;
}

const DASHES: number[][] = [[], [6, 4], [1.5, 3], [8, 3, 1.5, 3]];
const FONT_PX = 11;
const COORD_LIMIT = 1e6; // canvas coordinates are clamped to ±this (far-off points of a zoomed line)

const clampCoord = (v: number): number => (v > COORD_LIMIT ? COORD_LIMIT : v < -COORD_LIMIT ? -COORD_LIMIT : v);

export class Chart {
  readonly element: HTMLElement;
  readonly plot: HTMLElement;
  private readonly base: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly message: HTMLElement;
  private readonly tagLegend: HTMLElement;
  private layout: Layout | null = null;
  private dragFrom: number | null = null;
  private dragTo: number | null = null;
  private pixelRatio = 1;
  private readonly rawCache = new WeakMap<SeriesBuffer, { key: string; indices: Uint32Array; length: number; lo: number; hi: number }>();

  constructor(
    public spec: ChartSpec,
    private readonly events: ChartEvents,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    const head = document.createElement('div');
    head.className = 'chart-head';
    const h = document.createElement('h2');
    h.textContent = spec.title;
    if (spec.unit) {
      const unit = document.createElement('span');
      unit.className = 'unit';
      unit.textContent = spec.unit;
      h.append(' ', unit);
    }
    this.tagLegend = document.createElement('div');
    this.tagLegend.className = 'tag-legend';
    head.append(h, this.tagLegend);
    this.plot = document.createElement('div');
    this.plot.className = 'plot';
    this.base = document.createElement('canvas');
    this.base.className = 'base';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'overlay';
    this.overlay.setAttribute('aria-label', `${spec.title} chart: drag to zoom, double-click to reset`);
    this.overlay.setAttribute('role', 'img');
    this.message = document.createElement('div');
    this.message.className = 'plot-message';
    this.message.hidden = true;
    this.plot.append(this.base, this.overlay, this.message);
    this.element.append(head, this.plot);
    this.listen();
  }

  /** Shows the chart's tags with their line styles (only when there are several). */
  setTags(styles: Map<string, number>): void {
    this.tagLegend.replaceChildren();
    if (styles.size < 2) return;
    for (const [tag, style] of styles) {
      const item = document.createElement('span');
      item.className = 'tag';
      const sample = document.createElement('span');
      sample.className = `line-sample style-${style}`;
      const name = document.createElement('span');
      name.textContent = tag;
      item.append(sample, name);
      this.tagLegend.append(item);
    }
  }

  /** Draws the lines. Returns null when the chart is not shown (or input is null: not to be drawn). */
  render(input: RenderInput | null): RenderStats | null {
    const cssW = this.plot.clientWidth;
    const cssH = this.plot.clientHeight;
    if (!input || cssW <= 0 || cssH <= 0) {
      this.layout = null;
      return null;
    }
    const ctx = this.prepare(this.base, cssW, cssH);
    this.prepare(this.overlay, cssW, cssH);
    const { theme, log } = input;
    ctx.font = `${FONT_PX}px ${theme.fontFamily}`;

    let [x0, x1] = input.xDomain;
    if (!(x1 > x0)) [x0, x1] = widen(x0, x1);

    // Downsample to the plot's columns (estimated before the y labels fix the left margin; a few columns more or less
    // do not matter) and find the y extent of what is in view.
    const columns = Math.max(2, Math.round(cssW - 60));
    let yMin = Infinity;
    let yMax = -Infinity;
    let points = 0;
    let drawnPoints = 0;
    const lines: Array<{ s: DrawnSeries; raw: Uint32Array; rawLen: number; sm?: Uint32Array; smLen: number; inView: number }> = [];
    for (const s of input.series) {
      const { xs, ys } = s.buf;
      points += s.buf.length;
      const [start, end] = visibleRange(xs, s.buf.length, x0, x1);
      // Cached while the series, the x range, the width and the scale type stay the same (a smoothing change then
      // only downsamples the smoothed line).
      const key = `${s.buf.version}|${x0}|${x1}|${columns}|${log}`;
      let raw = this.rawCache.get(s.buf);
      if (!raw || raw.key !== key) {
        const d = downsampleMinMax(xs, ys, { columns, start, end, x0, x1, positiveOnly: log });
        const [lo, hi] = extentOf(xs, ys, d.indices, d.length, x0, x1, log);
        raw = { key, indices: d.indices, length: d.length, lo, hi };
        this.rawCache.set(s.buf, raw);
      }
      drawnPoints += raw.length;
      if (raw.lo < yMin) yMin = raw.lo;
      if (raw.hi > yMax) yMax = raw.hi;
      let sm: Uint32Array | undefined;
      let smLen = 0;
      if (s.smoothed) {
        const d = downsampleMinMax(xs, s.smoothed, { columns, start, end, x0, x1, positiveOnly: log });
        sm = d.indices;
        smLen = d.length;
      }
      lines.push({ s, raw: raw.indices, rawLen: raw.length, sm, smLen, inView: end - start });
    }
    const hasValues = yMin <= yMax;
    const mem = input.memory;
    const memLines: Array<{ value: number; label: string; color: string }> = [];
    if (mem?.estimateGiB) memLines.push({ value: mem.estimateGiB, label: 'estimate', color: theme.estimate });
    if (mem?.gpuGiB) memLines.push({ value: mem.gpuGiB, label: 'GPU', color: theme.gpu });
    if (hasValues) {
      for (const m of memLines) {
        if (log && !(m.value > 0)) continue;
        yMin = Math.min(yMin, m.value);
        yMax = Math.max(yMax, m.value);
      }
    }

    // The empty states.
    let note = '';
    const held = input.allSeries.reduce((n, b) => n + b.length, 0);
    if (input.allSeries.length === 0 || held === 0) note = 'No data yet';
    else if (input.series.length === 0) note = 'All runs hidden';
    else if (!hasValues) {
      const anyInView = lines.some((l) => l.inView > 0);
      note = !anyInView ? 'No points in this range' : log ? 'No positive values to show on a log scale' : 'No finite values (NaN / ∞ only)';
    }
    this.message.hidden = note === '';
    this.message.textContent = note;

    // y scale and ticks.
    const top = 10;
    const bottom = 22;
    const right = 14;
    const plotH0 = Math.max(10, cssH - top - bottom);
    const yCount = Math.max(2, Math.floor(plotH0 / 34));
    let d0: number;
    let d1: number;
    let yTicks: number[];
    if (!hasValues) {
      [d0, d1] = log ? [1, 10] : [0, 1];
      yTicks = [];
    } else if (log) {
      [d0, d1] = logDomain(yMin, yMax);
      yTicks = logTicks(d0, d1, yCount);
    } else {
      [d0, d1] = plotDomain(yMin, yMax, yCount);
      yTicks = linearTicks(d0, d1, yCount);
    }
    const yLabels = formatTicks(yTicks);
    let labelW = 0;
    for (const l of yLabels) labelW = Math.max(labelW, ctx.measureText(l).width);
    const left = Math.max(34, Math.ceil(labelW) + 12);
    const width = Math.max(10, cssW - left - right);
    const height = plotH0;
    const sx = linearScale(x0, x1, left, left + width);
    const sy = log ? logScale(d0, d1, top + height, top) : linearScale(d0, d1, top + height, top);

    // x ticks: whole steps only when the range spans a few steps.
    const span = x1 - x0;
    let xCount = Math.max(2, Math.floor(width / 90));
    if (span >= 1) xCount = Math.min(xCount, Math.max(1, Math.floor(span)));
    const xTicks = linearTicks(x0, x1, xCount);
    const xLabels = formatTicks(xTicks);

    // Grid and labels.
    ctx.lineWidth = 1;
    ctx.strokeStyle = theme.grid;
    ctx.globalAlpha = 0.45;
    ctx.beginPath();
    for (const t of yTicks) {
      const y = Math.round(sy.map(t)) + 0.5;
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
    }
    for (const t of xTicks) {
      const x = Math.round(sx.map(t)) + 0.5;
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = theme.axis;
    ctx.beginPath();
    ctx.moveTo(left, Math.round(top + height) + 0.5);
    ctx.lineTo(left + width, Math.round(top + height) + 0.5);
    ctx.moveTo(left - 0.5, top);
    ctx.lineTo(left - 0.5, top + height);
    ctx.stroke();

    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    yTicks.forEach((t, i) => ctx.fillText(yLabels[i]!, left - 6, sy.map(t)));
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    let lastRight = -Infinity;
    xTicks.forEach((t, i) => {
      const label = xLabels[i]!;
      const w = ctx.measureText(label).width;
      const x = Math.min(Math.max(sx.map(t), w / 2), cssW - w / 2);
      if (x - w / 2 < lastRight + 6) return; // never overlap labels
      ctx.fillText(label, x, top + height + 5);
      lastRight = x + w / 2;
    });

    // Lines, clipped to the plot.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 1, width + 1, height + 2);
    ctx.clip();
    if (hasValues) {
      const markersBelow = width / 8;
      for (const l of lines) {
        const { xs, ys } = l.s.buf;
        ctx.strokeStyle = l.s.color;
        ctx.fillStyle = l.s.color;
        ctx.setLineDash(DASHES[l.s.style % DASHES.length]!);
        const markers = l.inView <= markersBelow;
        if (l.sm && l.s.smoothed) {
          ctx.globalAlpha = 0.22;
          ctx.lineWidth = 1;
          drawLine(ctx, xs, ys, l.raw, l.rawLen, sx, sy, log, false);
          ctx.globalAlpha = 1;
          ctx.lineWidth = 1.6;
          drawLine(ctx, xs, l.s.smoothed, l.sm, l.smLen, sx, sy, log, markers);
        } else {
          ctx.globalAlpha = 1;
          ctx.lineWidth = 1.4;
          drawLine(ctx, xs, ys, l.raw, l.rawLen, sx, sy, log, markers);
        }
      }
      ctx.globalAlpha = 1;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1.2;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      for (const m of memLines) {
        const y = sy.map(m.value);
        if (!Number.isFinite(y)) continue;
        ctx.strokeStyle = m.color;
        ctx.fillStyle = m.color;
        ctx.beginPath();
        ctx.moveTo(left, Math.round(y) + 0.5);
        ctx.lineTo(left + width, Math.round(y) + 0.5);
        ctx.stroke();
        // The label sits above the line (below it at the very top), on a patch of background so curves do not cross it.
        const text = `${m.label} ${formatValue(m.value)} GiB`;
        const tw = ctx.measureText(text).width;
        const labelY = y - 3 < top + FONT_PX + 2 ? y + FONT_PX + 4 : y - 3;
        ctx.fillStyle = theme.background;
        ctx.globalAlpha = 0.85;
        ctx.fillRect(left + width - 7 - tw, labelY - FONT_PX - 1, tw + 6, FONT_PX + 3);
        ctx.globalAlpha = 1;
        ctx.fillStyle = m.color;
        ctx.fillText(text, left + width - 4, labelY);
      }
      ctx.setLineDash([]);
    }
    ctx.restore();

    this.layout = { left, top, width, height, sx, sy, series: input.series, smoothing: input.smoothing, log, theme };
    return { points, drawnPoints };
  }

  /** The step of the data point nearest (in steps) to a pixel column, among the visible series. */
  stepAt(px: number): number | null {
    const L = this.layout;
    if (!L) return null;
    const x = L.sx.invert(Math.min(Math.max(px, L.left), L.left + L.width));
    let best: number | null = null;
    let bestD = Infinity;
    for (const s of L.series) {
      const i = nearestIndex(s.buf.xs, x);
      if (i < 0) continue;
      const d = Math.abs(s.buf.xs[i]! - x);
      if (d < bestD) {
        bestD = d;
        best = s.buf.xs[i]!;
      }
    }
    return best;
  }

  /** Exact values of every visible series at the point nearest to `step` (from the full data). */
  hoverRows(step: number): HoverRow[] {
    const L = this.layout;
    if (!L) return [];
    const rows: HoverRow[] = [];
    for (const s of L.series) {
      const i = nearestIndex(s.buf.xs, step);
      if (i < 0) continue;
      rows.push({
        color: s.color,
        runLabel: s.runLabel,
        tag: s.buf.tag,
        step: s.buf.xs[i]!,
        value: s.buf.ys[i]!,
        smoothed: s.smoothed ? s.smoothed[i] : undefined,
      });
    }
    return rows;
  }

  /** Crosshair at `step` (null: none) and the drag selection, if any. */
  drawOverlay(step: number | null): void {
    const L = this.layout;
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (!L) return;
    ctx.setTransform(this.pixelRatio, 0, 0, this.pixelRatio, 0, 0);
    if (this.dragFrom !== null && this.dragTo !== null) {
      const a = Math.min(this.dragFrom, this.dragTo);
      const b = Math.max(this.dragFrom, this.dragTo);
      ctx.fillStyle = L.theme.selection;
      ctx.globalAlpha = 0.4;
      ctx.fillRect(a, L.top, b - a, L.height);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = L.theme.foreground;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(a) + 0.5, L.top);
      ctx.lineTo(Math.round(a) + 0.5, L.top + L.height);
      ctx.moveTo(Math.round(b) + 0.5, L.top);
      ctx.lineTo(Math.round(b) + 0.5, L.top + L.height);
      ctx.stroke();
    }
    if (step === null) return;
    const x = L.sx.map(step);
    if (!(x >= L.left - 0.5 && x <= L.left + L.width + 0.5)) return;
    ctx.strokeStyle = L.theme.foreground;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(x) + 0.5, L.top);
    ctx.lineTo(Math.round(x) + 0.5, L.top + L.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    for (const s of L.series) {
      const i = nearestIndex(s.buf.xs, step);
      if (i < 0) continue;
      const v = s.smoothed ? s.smoothed[i]! : s.buf.ys[i]!;
      if (!Number.isFinite(v) || (L.log && !(v > 0))) continue;
      const px = L.sx.map(s.buf.xs[i]!);
      const py = L.sy.map(v);
      if (py < L.top - 1 || py > L.top + L.height + 1 || px < L.left - 1 || px > L.left + L.width + 1) continue;
      ctx.beginPath();
      ctx.arc(px, py, 5, 0, Math.PI * 2);
      ctx.fillStyle = L.theme.background;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(px, py, 3.5, 0, Math.PI * 2);
      ctx.fillStyle = s.color;
      ctx.fill();
    }
  }

  cancelDrag(): void {
    this.dragFrom = this.dragTo = null;
  }

  private prepare(canvas: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D {
    const dpr = Math.max(1, Math.min(4, window.devicePixelRatio || 1));
    this.pixelRatio = dpr;
    const w = Math.round(cssW * dpr);
    const h = Math.round(cssH * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  private localX(e: MouseEvent): number {
    return e.clientX - this.overlay.getBoundingClientRect().left;
  }

  private listen(): void {
    const o = this.overlay;
    o.addEventListener('pointerdown', (e) => {
      const L = this.layout;
      if (e.button !== 0 || !L) return;
      const x = this.localX(e);
      if (x < L.left || x > L.left + L.width) return;
      this.dragFrom = this.dragTo = x;
      try {
        o.setPointerCapture(e.pointerId); // keeps the drag going outside the canvas
      } catch {
        // not an active pointer (synthetic events): the drag still works inside the canvas
      }
      e.preventDefault();
    });
    o.addEventListener('pointermove', (e) => {
      const L = this.layout;
      if (!L) return;
      const x = this.localX(e);
      if (this.dragFrom !== null) this.dragTo = Math.min(Math.max(x, L.left), L.left + L.width);
      const inside = x >= L.left && x <= L.left + L.width;
      this.events.hover(this, inside || this.dragFrom !== null ? this.stepAt(x) : null, e.clientX, e.clientY);
    });
    const finish = (e: PointerEvent): void => {
      const L = this.layout;
      const from = this.dragFrom;
      const to = this.dragTo;
      this.cancelDrag();
      release(o, e.pointerId);
      if (L && from !== null && to !== null && Math.abs(to - from) >= 5) {
        this.events.zoom(L.sx.invert(Math.min(from, to)), L.sx.invert(Math.max(from, to)));
      } else {
        this.events.hover(this, this.stepAt(this.localX(e)), e.clientX, e.clientY);
      }
    };
    o.addEventListener('pointerup', finish);
    o.addEventListener('pointercancel', (e) => {
      this.cancelDrag();
      release(o, e.pointerId);
      this.events.hover(this, null, 0, 0);
    });
    o.addEventListener('pointerleave', (e) => {
      if (this.dragFrom === null) this.events.hover(this, null, e.clientX, e.clientY);
    });
    o.addEventListener('dblclick', (e) => {
      e.preventDefault();
      this.events.resetZoom();
    });
  }
}

function release(el: Element, pointerId: number): void {
  try {
    if (el.hasPointerCapture(pointerId)) el.releasePointerCapture(pointerId);
  } catch {
    // nothing captured
  }
}

/** Strokes a downsampled line: breaks at missing values, dots for isolated points (and for every point when
 * `markers`). */
function drawLine(
  ctx: CanvasRenderingContext2D,
  xs: Float64Array,
  ys: ArrayLike<number>,
  idx: Uint32Array,
  len: number,
  sx: Scale,
  sy: Scale,
  positiveOnly: boolean,
  markers: boolean,
): void {
  const dots: number[] = [];
  let seg = 0;
  let lx = 0;
  let ly = 0;
  ctx.beginPath();
  for (let k = 0; k < len; k++) {
    const i = idx[k]!;
    const v = ys[i]!;
    if (!Number.isFinite(v) || (positiveOnly && !(v > 0))) {
      if (seg === 1 && !markers) dots.push(lx, ly);
      seg = 0;
      continue;
    }
    const X = clampCoord(sx.map(xs[i]!));
    const Y = clampCoord(sy.map(v));
    if (seg === 0) ctx.moveTo(X, Y);
    else ctx.lineTo(X, Y);
    seg++;
    lx = X;
    ly = Y;
    if (markers) dots.push(X, Y);
  }
  if (seg === 1 && !markers) dots.push(lx, ly);
  ctx.stroke();
  if (dots.length > 0) {
    const dash = ctx.getLineDash();
    ctx.setLineDash([]);
    ctx.beginPath();
    const r = Math.max(2, ctx.lineWidth + 0.6);
    for (let k = 0; k < dots.length; k += 2) {
      ctx.moveTo(dots[k]! + r, dots[k + 1]!);
      ctx.arc(dots[k]!, dots[k + 1]!, r, 0, Math.PI * 2);
    }
    ctx.fill();
    ctx.setLineDash(dash);
  }
}
