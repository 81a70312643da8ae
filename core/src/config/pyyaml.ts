// What PyYAML's safe_load (YAML 1.1, the loader ms-swift 4 uses for config files) makes of a value, and what
// Python's str() then turns it into. ms-swift's launcher passes str(value) to argparse for scalars and passes
// list items unchanged, so the exact Python type of every scalar matters.
import { isAlias, isMap, isPair, isScalar, isSeq, Node, Document, Scalar } from 'yaml';

export type PyValue =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'date'; v: string }
  | { t: 'list'; items: PyValue[] }
  | { t: 'dict'; entries: Array<[PyValue, PyValue]> };

// The implicit resolvers of PyYAML's resolver.py (YAML 1.1).
const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT_RE = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_RE =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

function sexagesimal(parts: string[]): number {
  let value = 0;
  for (const p of parts) value = value * 60 + Number(p);
  return value;
}

function constructInt(src: string): bigint {
  let s = src.replace(/_/g, '');
  let sign = 1n;
  if (s[0] === '-') sign = -1n;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return 0n;
  if (s.startsWith('0b')) return sign * BigInt('0b' + s.slice(2));
  if (s.startsWith('0x')) return sign * BigInt('0x' + s.slice(2));
  if (s[0] === '0') return sign * BigInt('0o' + s.slice(1));
  if (s.includes(':')) return sign * BigInt(sexagesimal(s.split(':')));
  return sign * BigInt(s);
}

function constructFloat(src: string): number {
  let s = src.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-') sign = -1;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) {
    const parts = s.split(':');
    const last = Number(parts.pop());
    return sign * (sexagesimal(parts) * 60 + last);
  }
  return sign * Number(s);
}

/** The Python value PyYAML gives a plain (unquoted) scalar. */
export function resolvePlainScalar(source: string): PyValue {
  if (NULL_RE.test(source)) return { t: 'null' };
  if (BOOL_RE.test(source)) return { t: 'bool', v: /^(?:yes|true|on)$/i.test(source) };
  if (INT_RE.test(source)) return { t: 'int', v: constructInt(source) };
  if (FLOAT_RE.test(source)) return { t: 'float', v: constructFloat(source) };
  if (TIMESTAMP_RE.test(source)) return { t: 'date', v: source };
  return { t: 'str', v: source };
}

/** Python's repr() of a float, which str() also uses. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const negative = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = `${intPart}.${frac || '0'}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

function pyRepr(v: PyValue): string {
  if (v.t === 'str') return `'${v.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v.t === 'date') return `datetime.date(${v.v.split('-').map((p) => String(Number(p))).join(', ')})`;
  return pyStr(v);
}

/** Python's str() of the value, as ms-swift's launcher produces it. */
export function pyStr(v: PyValue): string {
  switch (v.t) {
    case 'str':
      return v.v;
    case 'int':
      return v.v.toString();
    case 'float':
      return pyFloatRepr(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'null':
      return 'None';
    case 'date':
      return v.v;
    case 'list':
      return `[${v.items.map(pyRepr).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([k, val]) => `${pyRepr(k)}: ${pyRepr(val)}`).join(', ')}}`;
  }
}

/** json.dumps(value, ensure_ascii=False), as the launcher does for mapping values. */
export function pyJsonDumps(v: PyValue): string {
  switch (v.t) {
    case 'str':
    case 'date':
      return JSON.stringify(v.v);
    case 'int':
      return v.v.toString();
    case 'float':
      return Number.isFinite(v.v) ? pyFloatRepr(v.v) : Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? 'Infinity' : '-Infinity';
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'list':
      return `[${v.items.map(pyJsonDumps).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([k, val]) => `${JSON.stringify(k.t === 'str' ? k.v : pyStr(k))}: ${pyJsonDumps(val)}`).join(', ')}}`;
  }
}

export class AliasExpansionError extends Error {}

/**
 * Anchors of a document, found once, so that each alias is resolved without walking the document again (the
 * YAML library's Alias.resolve walks it every time, which makes alias chains quadratic). A name may be anchored
 * more than once: an alias refers to the last anchor before it.
 */
export class AnchorTable {
  private readonly byName = new Map<string, Array<{ start: number; node: Node }>>();

  constructor(doc: Document) {
    const visit = (n: unknown, depth: number): void => {
      if (depth > 2000 || !n || typeof n !== 'object') return;
      const node = n as Node & { anchor?: string; range?: [number, number, number] };
      if ((isScalar(node) || isSeq(node) || isMap(node)) && node.anchor) {
        const list = this.byName.get(node.anchor) ?? [];
        list.push({ start: node.range?.[0] ?? 0, node });
        this.byName.set(node.anchor, list);
      }
      if (isSeq(node)) for (const i of node.items) visit(i, depth + 1);
      else if (isMap(node)) {
        for (const p of node.items) {
          if (!isPair(p)) continue;
          visit(p.key, depth + 1);
          visit(p.value, depth + 1);
        }
      }
    };
    visit(doc.contents, 0);
    for (const list of this.byName.values()) list.sort((a, b) => a.start - b.start);
  }

  resolve(name: string, at: number): Node | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    let found: Node | undefined;
    for (const a of list) {
      if (a.start >= at) break;
      found = a.node;
    }
    return found;
  }
}

const anchorTables = new WeakMap<Document, AnchorTable>();
const anchorValues = new WeakMap<Document, Map<Node, { value: PyValue; size: number }>>();

function builtAnchors(doc: Document): Map<Node, { value: PyValue; size: number }> {
  let m = anchorValues.get(doc);
  if (!m) {
    m = new Map();
    anchorValues.set(doc, m);
  }
  return m;
}

function anchorTable(doc: Document): AnchorTable {
  let t = anchorTables.get(doc);
  if (!t) {
    t = new AnchorTable(doc);
    anchorTables.set(doc, t);
  }
  return t;
}

/** The node an alias refers to (the last anchor of that name before it), or undefined. */
export function resolveAlias(node: Node, doc: Document): Node | undefined {
  if (!isAlias(node)) return node;
  const at = (node as Node & { range?: [number, number, number] }).range?.[0] ?? Number.MAX_SAFE_INTEGER;
  return anchorTable(doc).resolve(node.source, at);
}

/** Keys of a Python dict: type and str() together identify a key (1 and "1" differ). */
function keyId(k: PyValue): string {
  return `${k.t}\u0000${pyStr(k)}`;
}

/**
 * Converts a YAML node into the Python value PyYAML would build. Aliases are followed; `budget` bounds the number
 * of nodes visited so that alias bombs ("billion laughs") fail fast instead of exhausting memory.
 */
export function toPy(node: unknown, doc: Document, budget = { left: 100_000 }, depth = 0): PyValue {
  if (--budget.left < 0) throw new AliasExpansionError('the value expands to too many nodes (alias bomb?)');
  if (depth > 1000) throw new AliasExpansionError('the value is nested too deeply');
  if (node === null || node === undefined) return { t: 'null' };
  if (isAlias(node)) {
    const at = (node as Node & { range?: [number, number, number] }).range?.[0] ?? Number.MAX_SAFE_INTEGER;
    const target = anchorTable(doc).resolve(node.source, at);
    if (!target) throw new AliasExpansionError(`unknown alias *${node.source}`);
    // an anchored value is built once; every further use is charged its full size, so chains stay linear and
    // bombs still run out of budget
    const cache = builtAnchors(doc);
    const hit = cache.get(target);
    if (hit) {
      budget.left -= hit.size;
      if (budget.left < 0) throw new AliasExpansionError('the value expands to too many nodes (alias bomb?)');
      return hit.value;
    }
    const before = budget.left;
    const value = toPy(target, doc, budget, depth + 1);
    cache.set(target, { value, size: Math.max(1, before - budget.left) });
    return value;
  }
  if (isScalar(node)) return scalarToPy(node);
  if (isSeq(node)) return { t: 'list', items: node.items.map((i) => toPy(i, doc, budget, depth + 1)) };
  if (isMap(node)) {
    const entries: Array<[PyValue, PyValue]> = [];
    const index = new Map<string, number>();
    const set = (k: PyValue, v: PyValue, keepExisting: boolean) => {
      const id = keyId(k);
      const i = index.get(id);
      if (i === undefined) {
        index.set(id, entries.length);
        entries.push([k, v]);
      } else if (!keepExisting) entries[i] = [k, v];
    };
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const k = toPy(p.key, doc, budget, depth + 1);
      const val = toPy(p.value, doc, budget, depth + 1);
      if (isMergeKey(p.key)) {
        for (const src of val.t === 'list' ? val.items : [val]) if (src.t === 'dict') for (const [mk, mv] of src.entries) set(mk, mv, true);
        continue;
      }
      set(k, val, false);
    }
    return { t: 'dict', entries };
  }
  return { t: 'null' };
}

export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || typeof key.value === 'symbol' || (key.source === '<<' && key.type === 'PLAIN'));
}

export function scalarToPy(s: Scalar): PyValue {
  if (s.type === 'PLAIN') {
    const src = typeof s.source === 'string' ? s.source : String(s.value ?? '');
    return resolvePlainScalar(src);
  }
  if (s.tag && s.tag !== '!' && !s.tag.endsWith(':str')) {
    // explicitly tagged (!!int "3", ...): trust the YAML library's conversion
    const v = s.value;
    if (typeof v === 'number') return Number.isInteger(v) && !s.tag.endsWith(':float') ? { t: 'int', v: BigInt(v) } : { t: 'float', v };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (v === null) return { t: 'null' };
  }
  return { t: 'str', v: String(s.value ?? '') };
}

export function isPyNode(n: unknown): n is Node {
  return isScalar(n) || isSeq(n) || isMap(n) || isAlias(n);
}
