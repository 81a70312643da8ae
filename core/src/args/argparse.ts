// How ms-swift turns a config value into argv items, and how argparse (through transformers' HfArgumentParser)
// converts those items back into typed values. Mirrors Python's int(), float() and HfArgumentParser's
// string_to_bool closely enough to say, before any GPU time is spent, whether a value will be accepted.
import { ArgSpec } from '../catalog/schema';
import { PyValue, pyJsonDumps, pyStr } from '../config/pyyaml';

/** How the config reaches the parser: ms-swift 4 reads YAML itself; for 3.4.1 the launcher expands flags. */
export type ConfigMode = 'yaml' | 'flags';

const TRUE_WORDS = new Set(['yes', 'true', 't', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'f', 'n', '0']);

/** HfArgumentParser's string_to_bool. */
export function parseBoolText(s: string): boolean | undefined {
  const l = s.toLowerCase();
  if (TRUE_WORDS.has(l)) return true;
  if (FALSE_WORDS.has(l)) return false;
  return undefined;
}

/** Python int(str): optional sign, decimal digits with single underscores between them, surrounding whitespace. */
export function parseIntText(s: string): number | undefined {
  const t = s.trim();
  if (!/^[-+]?\d+(?:_\d+)*$/.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** Python float(str). */
export function parseFloatText(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (/^[-+]?(?:inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[-+]?\d+(?:_\d+)*)?$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

export interface ArgvForm {
  /** the argv items after `--name`; undefined when the value cannot be turned into argv (see `problem`) */
  items: string[];
  /** list items that are not strings (ms-swift 4's launcher fails on them) */
  nonStringItems: number[];
  /** the value is null/~ or empty */
  isNull: boolean;
  isEmptyList: boolean;
  isList: boolean;
  isDict: boolean;
}

/** What the launcher puts after `--name` for a value (ms-swift 4 `parse_yaml_args`, or our 3.4.1 flag expansion). */
export function argvForm(py: PyValue, mode: ConfigMode): ArgvForm {
  const form: ArgvForm = { items: [], nonStringItems: [], isNull: false, isEmptyList: false, isList: false, isDict: false };
  if (py.t === 'null') {
    form.isNull = true;
    form.items = mode === 'yaml' ? ['None'] : [];
  } else if (py.t === 'list') {
    form.isList = true;
    form.isEmptyList = py.items.length === 0;
    py.items.forEach((item, i) => {
      if (item.t !== 'str') form.nonStringItems.push(i);
      form.items.push(item.t === 'dict' || item.t === 'list' ? pyJsonDumps(item) : flagText(item, mode));
    });
  } else if (py.t === 'dict') {
    form.isDict = true;
    form.items = [pyJsonDumps(py)];
  } else {
    form.items = [flagText(py, mode)];
  }
  return form;
}

/** Text of a scalar on the command line: str() for ms-swift 4; lower-case true/false in our 3.4.1 expansion. */
function flagText(py: PyValue, mode: ConfigMode): string {
  if (mode === 'flags' && py.t === 'bool') return py.v ? 'true' : 'false';
  return pyStr(py);
}

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

/** Converts one argv item the way argparse does for the argument (item type for lists). */
export function convertItem(spec: ArgSpec, text: string): Converted {
  const kind = spec.kind === 'list' ? spec.items ?? 'str' : spec.kind;
  switch (kind) {
    case 'bool': {
      const b = parseBoolText(text);
      return b === undefined ? { ok: false, reason: `\`${text}\` is not a boolean (use true or false)` } : { ok: true, value: b };
    }
    case 'int': {
      const n = parseIntText(text);
      return n === undefined ? { ok: false, reason: `\`${text}\` is not a whole number` } : { ok: true, value: n };
    }
    case 'float': {
      const n = parseFloatText(text);
      return n === undefined ? { ok: false, reason: `\`${text}\` is not a number` } : { ok: true, value: n };
    }
    case 'enum':
      return { ok: true, value: choiceFor(spec, text) ?? text };
    case 'dict':
      return { ok: true, value: tryJson(text) };
    case 'other':
      return spec.problem ? { ok: false, reason: `cannot be set from a config or the command line (${spec.problem})` } : { ok: true, value: text };
    default:
      return { ok: true, value: text };
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The choice whose str() equals the text (HfArgumentParser's make_choice_type_function), if any. */
export function choiceFor(spec: ArgSpec, text: string): string | number | null | undefined {
  for (const c of spec.choices ?? []) if (choiceText(c) === text) return c;
  return undefined;
}

export function choiceText(c: string | number | null): string {
  return c === null ? 'None' : String(c);
}

/**
 * The typed value argparse ends up with for a config value, or undefined when it would not parse.
 * Lists give arrays; a scalar given to a list argument gives a one-item array.
 */
export function typedValue(spec: ArgSpec, py: PyValue, mode: ConfigMode): unknown {
  const form = argvForm(py, mode);
  if (form.isNull) return null;
  if (spec.kind === 'list') {
    const out: unknown[] = [];
    for (const item of form.items) {
      const c = convertItem(spec, item);
      if (!c.ok) return undefined;
      out.push(c.value);
    }
    return out;
  }
  if (form.isList) return undefined;
  const c = convertItem(spec, form.items[0] ?? '');
  return c.ok ? c.value : undefined;
}

/** The default argparse uses when the key is absent. */
export function defaultValue(spec: ArgSpec): unknown {
  if (spec.listDefaultIgnored) return null;
  return spec.default === undefined ? undefined : spec.default;
}
