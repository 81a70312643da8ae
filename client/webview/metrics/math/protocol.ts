// Messages between the extension and the metrics webview, and a lenient parser for what arrives. Pure: no DOM.
import { MetricKind, isMetricKind } from './series';

export interface RunInfo {
  id: string;
  label: string;
}

export interface SeriesMessage {
  runId: string;
  tag: string;
  kind: MetricKind;
  /** Ascending within a series. Arrays or typed arrays. */
  steps: ArrayLike<number>;
  /** May hold NaN / ±Infinity (drawn as gaps). */
  values: ArrayLike<number>;
}

export interface MemoryInfo {
  estimateGiB?: number;
  gpuGiB?: number;
}

/** extension → page */
export type ToPageMessage =
  | { type: 'init'; title: string; runs: RunInfo[]; series: SeriesMessage[]; memory?: MemoryInfo }
  | { type: 'append'; series: SeriesMessage[] }
  | { type: 'reset' };

/** page → extension */
export type FromPageMessage =
  | { type: 'ready' }
  | {
      type: 'rendered';
      /** Charts drawn in this render (charts in the collapsed "Other metrics" section are not drawn while closed). */
      charts: number;
      /** Data points held by the series drawn (visible runs, drawn charts). */
      points: number;
      /** Vertices actually drawn for those series' raw lines after downsampling (≤ 2 × plot width per series). */
      drawnPoints: number;
      /** Charts present but not drawn (in the closed "Other metrics" section). */
      hiddenCharts: number;
    }
  | { type: 'openTensorBoard'; runId: string };

function arrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function parseSeries(v: unknown): SeriesMessage | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  if (typeof s.runId !== 'string' || typeof s.tag !== 'string') return undefined;
  if (!arrayLike(s.steps) || !arrayLike(s.values)) return undefined;
  return { runId: s.runId, tag: s.tag, kind: isMetricKind(s.kind) ? s.kind : 'other', steps: s.steps, values: s.values };
}

function parseSeriesList(v: unknown): SeriesMessage[] {
  if (!Array.isArray(v)) return [];
  const out: SeriesMessage[] = [];
  for (const s of v) {
    const p = parseSeries(s);
    if (p) out.push(p);
  }
  return out;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * Checks a message from the extension. Unknown types give undefined; malformed series are dropped one by one
 * (a bad entry never spoils the rest); an unknown kind becomes 'other'; runs without a label use their id.
 */
export function parseToPage(data: unknown): ToPageMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'reset':
      return { type: 'reset' };
    case 'append':
      return { type: 'append', series: parseSeriesList(m.series) };
    case 'init': {
      const runs: RunInfo[] = [];
      if (Array.isArray(m.runs)) {
        for (const r of m.runs) {
          if (typeof r !== 'object' || r === null || typeof (r as RunInfo).id !== 'string') continue;
          const label = (r as RunInfo).label;
          runs.push({ id: (r as RunInfo).id, label: typeof label === 'string' && label !== '' ? label : (r as RunInfo).id });
        }
      }
      let memory: MemoryInfo | undefined;
      if (typeof m.memory === 'object' && m.memory !== null) {
        const mem = m.memory as Record<string, unknown>;
        memory = { estimateGiB: positive(mem.estimateGiB), gpuGiB: positive(mem.gpuGiB) };
      }
      return { type: 'init', title: typeof m.title === 'string' ? m.title : 'Metrics', runs, series: parseSeriesList(m.series), memory };
    }
    default:
      return undefined;
  }
}
