// What the cursor is on in a config: the modeline, a top-level key, a value (or list item) of a key, an ENV
// variable name or value. Works on raw lines so that it also works while the YAML is half-typed.
import { LineIndex, Position, Range } from '../text/positions';

export type CursorContext =
  | { kind: 'modeline'; range: Range; before: string }
  | { kind: 'key'; range: Range; prefix: string }
  | { kind: 'value'; key: string; range: Range; prefix: string; listItem: boolean }
  | { kind: 'env-key'; range: Range; prefix: string }
  | { kind: 'env-value'; name: string; range: Range; prefix: string }
  | { kind: 'none' };

const KEY_LINE = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|$)/;

function indentOf(s: string): number {
  return s.length - s.trimStart().length;
}

/** The nearest line above with less indentation that holds a key, and its key. */
function parentKey(lines: LineIndex, line: number): string | undefined {
  const own = indentOf(lines.lineText(line));
  for (let l = line - 1; l >= 0; l--) {
    const text = lines.lineText(l);
    if (!text.trim() || text.trimStart().startsWith('#')) continue;
    const ind = indentOf(text);
    if (ind < own || (ind === own && own === 0)) {
      const m = /^[ \t]*([A-Za-z_][\w.-]*)[ \t]*:/.exec(text);
      return m && ind === 0 ? m[1] : undefined;
    }
  }
  return undefined;
}

function valueEnd(text: string, from: number): number {
  // up to a comment (space + #) or the end of the line
  const rest = text.slice(from);
  const m = /\s#/.exec(rest);
  return from + (m ? m.index : rest.trimEnd().length);
}

export function cursorContext(lines: LineIndex, pos: Position): CursorContext {
  const text = lines.lineText(pos.line);
  const before = text.slice(0, pos.character);
  const R = (a: number, b: number): Range => ({ start: { line: pos.line, character: a }, end: { line: pos.line, character: Math.max(a, b) } });
  if (pos.line === 0 && before.startsWith('#')) return { kind: 'modeline', range: R(0, text.length), before };
  if (/(^|\s)#/.test(before)) return { kind: 'none' };
  const indent = indentOf(text);
  if (indent === 0) {
    const key = /^([A-Za-z_][\w-]*)?$/.exec(before);
    if (key) {
      const word = /^[\w-]*/.exec(text)![0];
      return { kind: 'key', range: R(0, Math.max(word.length, before.length)), prefix: before };
    }
    const kv = /^([A-Za-z_][\w.-]*)[ \t]*:[ \t]*(.*)$/.exec(before);
    if (kv) {
      const valueStart = before.length - kv[2]!.length;
      let prefix = kv[2]!;
      let start = valueStart;
      const flow = /^\[(?:[^\]]*,)?\s*([^,\]]*)$/.exec(prefix);
      if (flow) {
        prefix = flow[1]!;
        start = before.length - prefix.length;
        return { kind: 'value', key: kv[1]!, range: R(start, before.length + (/^[^,\]\s#]*/.exec(text.slice(before.length))![0].length)), prefix, listItem: true };
      }
      return { kind: 'value', key: kv[1]!, range: R(start, valueEnd(text, start)), prefix, listItem: false };
    }
    return { kind: 'none' };
  }
  const parent = parentKey(lines, pos.line);
  if (!parent) return { kind: 'none' };
  if (parent === 'ENV') {
    const name = /^[ \t]+([A-Za-z_]\w*)?$/.exec(before);
    if (name) {
      const word = /^[\w]*/.exec(text.slice(indent))![0];
      return { kind: 'env-key', range: R(indent, indent + Math.max(word.length, before.length - indent)), prefix: name[1] ?? '' };
    }
    const kv = /^[ \t]+([A-Za-z_]\w*)[ \t]*:[ \t]*(.*)$/.exec(before);
    if (kv) {
      const start = before.length - kv[2]!.length;
      return { kind: 'env-value', name: kv[1]!, range: R(start, valueEnd(text, start)), prefix: kv[2]! };
    }
    return { kind: 'none' };
  }
  const item = /^[ \t]*-[ \t]*(.*)$/.exec(before);
  if (item) {
    const start = before.length - item[1]!.length;
    return { kind: 'value', key: parent, range: R(start, valueEnd(text, start)), prefix: item[1]!, listItem: true };
  }
  return { kind: 'none' };
}

export { KEY_LINE };
