// The outline (document symbols grouped by area) and folding ranges of a config.
import { commandCatalog } from '../catalog/catalog';
import { ConfigContext } from '../config/context';
import { ConfigDocument, ConfigEntry } from '../config/parse';
import { argumentGroup, Group, GROUP_ORDER, GROUP_TITLES } from '../docs/groups';
import { Locale } from '../docs/arg-docs';
import { Range } from '../text/positions';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: 'namespace' | 'property' | 'variable';
  range: Range;
  selectionRange: Range;
  children?: OutlineSymbol[];
}

function pairRange(doc: ConfigDocument, e: ConfigEntry): Range {
  return doc.lines.range(e.pairStart, Math.max(e.pairEnd, e.keyEnd));
}

function valuePreview(doc: ConfigDocument, e: ConfigEntry): string {
  const text = doc.text.slice(e.valueStart, e.valueEnd).replace(/\s+/g, ' ').trim();
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function spanOf(children: OutlineSymbol[]): Range {
  const starts = children.map((c) => c.range.start).sort((a, b) => a.line - b.line || a.character - b.character);
  const ends = children.map((c) => c.range.end).sort((a, b) => b.line - a.line || b.character - a.character);
  return { start: starts[0]!, end: ends[0]! };
}

export function documentSymbols(doc: ConfigDocument, context: ConfigContext, locale: Locale): OutlineSymbol[] {
  const catalog = commandCatalog(context.version, context.command);
  const groups = new Map<Group | 'other', OutlineSymbol[]>();
  for (const e of doc.entries) {
    if (e.viaMerge) continue;
    const r = catalog?.resolve(e.key);
    const spec = r && (r.kind === 'exact' || r.kind === 'dashed' || r.kind === 'prefix') ? r.spec : undefined;
    const g = spec ? argumentGroup(spec) : 'other';
    const list = groups.get(g) ?? [];
    list.push({ name: e.key, detail: valuePreview(doc, e), kind: 'property', range: pairRange(doc, e), selectionRange: e.keyRange });
    groups.set(g, list);
  }
  const out: OutlineSymbol[] = [];
  for (const g of [...GROUP_ORDER, 'other' as const]) {
    const children = groups.get(g);
    if (!children?.length) continue;
    const name = g === 'other' ? (locale === 'zh' ? '其他' : 'Other') : GROUP_TITLES[g][locale];
    const span = spanOf(children);
    out.push({ name, kind: 'namespace', range: span, selectionRange: children[0]!.selectionRange, children });
  }
  if (doc.envEntry) {
    const children = doc.envVars.map<OutlineSymbol>((v) => ({ name: v.key, detail: valuePreview(doc, v), kind: 'variable', range: pairRange(doc, v), selectionRange: v.keyRange }));
    out.push({ name: 'ENV', kind: 'namespace', range: pairRange(doc, doc.envEntry), selectionRange: doc.envEntry.keyRange, children });
  }
  return out;
}

export interface Fold {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

/** Multi-line values (lists, mappings, ENV, block scalars) and runs of comment lines. */
export function foldingRanges(doc: ConfigDocument): Fold[] {
  const out: Fold[] = [];
  for (const e of [...doc.entries, ...(doc.envEntry ? [doc.envEntry] : []), ...doc.envVars]) {
    if (e.viaMerge) continue;
    const start = e.keyRange.start.line;
    const end = doc.lines.position(Math.max(e.pairEnd - 1, e.pairStart)).line;
    if (end > start) out.push({ startLine: start, endLine: end });
  }
  let runStart = -1;
  for (let l = 0; l <= doc.lines.lineCount; l++) {
    const isComment = l < doc.lines.lineCount && doc.lines.lineText(l).trimStart().startsWith('#');
    if (isComment && runStart < 0) runStart = l;
    if (!isComment && runStart >= 0) {
      if (l - 1 > runStart) out.push({ startLine: runStart, endLine: l - 1, kind: 'comment' });
      runStart = -1;
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}
