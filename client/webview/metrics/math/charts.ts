// Which charts the page shows and how their lines are told apart. Pure: no DOM.
import { MetricKind } from './series';

export interface ChartSpec {
  /** Stable id: the group name, or "other:" + tag. */
  id: string;
  title: string;
  /** Unit shown after the title, if any. */
  unit?: string;
  /** In the collapsed "Other metrics" section. */
  other: boolean;
  /** Which series belong: by kind, or (for other) by tag. */
  kinds: readonly MetricKind[];
  tag?: string;
}

const GROUPS: ReadonlyArray<Omit<ChartSpec, 'other'>> = [
  { id: 'loss', title: 'Loss', kinds: ['train-loss', 'eval-loss'] },
  { id: 'lr', title: 'Learning rate', kinds: ['lr'] },
  { id: 'grad-norm', title: 'Gradient norm', kinds: ['grad-norm'] },
  { id: 'throughput', title: 'Throughput', kinds: ['throughput'] },
  { id: 'memory', title: 'Memory', unit: 'GiB', kinds: ['memory'] },
];

/** The charts for a set of series: one per metric group present (in a fixed order), then one per "other" tag
 * (sorted by tag). A series with no points still makes its chart appear (it shows "No data"). */
export function chartSpecs(series: Iterable<{ kind: MetricKind; tag: string }>): ChartSpec[] {
  const kinds = new Set<MetricKind>();
  const otherTags = new Set<string>();
  for (const s of series) {
    if (s.kind === 'other') otherTags.add(s.tag);
    else kinds.add(s.kind);
  }
  const out: ChartSpec[] = [];
  for (const g of GROUPS) if (g.kinds.some((k) => kinds.has(k))) out.push({ ...g, other: false });
  for (const tag of [...otherTags].sort()) out.push({ id: `other:${tag}`, title: tag, kinds: ['other'], tag, other: true });
  return out;
}

export function belongsTo(spec: ChartSpec, s: { kind: MetricKind; tag: string }): boolean {
  return spec.tag !== undefined ? s.kind === 'other' && s.tag === spec.tag : spec.kinds.includes(s.kind);
}

/**
 * Line styles of a chart's tags: train tags before eval tags, then by name; style 0 is solid, 1 dashed, 2 dotted,
 * 3 dash-dot (then repeating). Runs are told apart by colour, tags within a chart by style.
 */
export function tagStyles(series: Iterable<{ kind: MetricKind; tag: string }>): Map<string, number> {
  const tags = new Map<string, MetricKind>();
  for (const s of series) if (!tags.has(s.tag)) tags.set(s.tag, s.kind);
  const rank = (k: MetricKind): number => (k === 'eval-loss' ? 1 : 0);
  const sorted = [...tags].sort((a, b) => rank(a[1]) - rank(b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(sorted.map(([tag], i) => [tag, i % 4]));
}
