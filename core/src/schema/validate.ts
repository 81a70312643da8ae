// A small validator for the JSON Schema subset that json-schema.ts produces (draft-07 keywords: $ref to a local
// JSON pointer, type, enum, const, pattern, minimum, maximum, minItems, minLength, items, properties, patternProperties,
// additionalProperties, anyOf, not, and boolean schemas). Unknown keywords are ignored, as the draft says.
// Bounded: nesting deeper than `maxDepth` is reported instead of recursing further.
import type { JsonSchema, JsonType } from './json-schema';

export interface SchemaError {
  /** JSON pointer of the value in the instance ('' for the root) */
  path: string;
  keyword: string;
  message: string;
}

export interface ValidateOptions {
  /** stop after this many errors (default 100) */
  maxErrors?: number;
  /** instance nesting limit (default 512) */
  maxDepth?: number;
}

type Schema = JsonSchema | boolean;

export function validateJson(schema: JsonSchema, instance: unknown, options: ValidateOptions = {}): SchemaError[] {
  const errors: SchemaError[] = [];
  const maxErrors = options.maxErrors ?? 100;
  const maxDepth = options.maxDepth ?? 512;
  const regexCache = new Map<string, RegExp>();
  const regex = (p: string): RegExp => {
    let r = regexCache.get(p);
    if (!r) {
      r = new RegExp(p, 'u');
      regexCache.set(p, r);
    }
    return r;
  };

  const resolveRef = (ref: string): Schema => {
    if (!ref.startsWith('#')) throw new Error(`only local $ref is supported, not ${ref}`);
    let node: unknown = schema;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(part in (node as Record<string, unknown>))) throw new Error(`unresolvable $ref ${ref}`);
      node = (node as Record<string, unknown>)[part];
    }
    return node as Schema;
  };

  /** true when valid; pushes errors to `out` */
  const check = (s: Schema, value: unknown, path: string, depth: number, out: SchemaError[]): boolean => {
    if (out.length >= maxErrors) return false;
    if (s === true) return true;
    if (s === false) {
      out.push({ path, keyword: 'false', message: 'no value is allowed here' });
      return false;
    }
    if (depth > maxDepth) {
      out.push({ path, keyword: 'depth', message: `nested deeper than ${maxDepth} levels` });
      return false;
    }
    if (s.$ref !== undefined) return check(resolveRef(s.$ref), value, path, depth + 1, out);
    const before = out.length;
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => hasType(value, t))) {
        out.push({ path, keyword: 'type', message: s.errorMessage ?? `expected ${types.join(' or ')}, got ${typeName(value)}` });
        return false;
      }
    }
    if (s.enum !== undefined && !s.enum.some((e) => deepEqual(e, value))) {
      out.push({ path, keyword: 'enum', message: s.errorMessage ?? `${short(value)} is not one of ${s.enum.map(short).join(', ')}` });
    }
    if (s.const !== undefined && !deepEqual(s.const, value)) out.push({ path, keyword: 'const', message: `expected ${short(s.const)}` });
    if (typeof value === 'string') {
      if (s.pattern !== undefined && !regex(s.pattern).test(value)) out.push({ path, keyword: 'pattern', message: s.errorMessage ?? `${short(value)} does not match ${s.pattern}` });
      if (s.minLength !== undefined && [...value].length < s.minLength) out.push({ path, keyword: 'minLength', message: `shorter than ${s.minLength}` });
    }
    if (typeof value === 'number') {
      if (s.minimum !== undefined && value < s.minimum) out.push({ path, keyword: 'minimum', message: `less than ${s.minimum}` });
      if (s.maximum !== undefined && value > s.maximum) out.push({ path, keyword: 'maximum', message: `more than ${s.maximum}` });
    }
    if (Array.isArray(value)) {
      if (s.minItems !== undefined && value.length < s.minItems) out.push({ path, keyword: 'minItems', message: `needs at least ${s.minItems} item(s)` });
      if (s.items !== undefined) value.forEach((item, i) => check(s.items!, item, `${path}/${i}`, depth + 1, out));
    }
    if (isObject(value)) {
      for (const key of Object.keys(value)) {
        const child = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        let matched = false;
        if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, key)) {
          matched = true;
          check(s.properties[key]!, value[key], child, depth + 1, out);
        }
        if (s.patternProperties) {
          for (const [p, ps] of Object.entries(s.patternProperties)) {
            if (!regex(p).test(key)) continue;
            matched = true;
            check(ps, value[key], child, depth + 1, out);
          }
        }
        if (!matched && s.additionalProperties !== undefined) {
          if (s.additionalProperties === false) out.push({ path: child, keyword: 'additionalProperties', message: `unknown property ${JSON.stringify(key)}` });
          else check(s.additionalProperties, value[key], child, depth + 1, out);
        }
      }
    }
    if (s.anyOf !== undefined) {
      const tries: SchemaError[][] = [];
      let ok = false;
      for (const alt of s.anyOf) {
        const e: SchemaError[] = [];
        if (check(alt, value, path, depth + 1, e)) {
          ok = true;
          break;
        }
        tries.push(e);
      }
      if (!ok) out.push({ path, keyword: 'anyOf', message: s.errorMessage ?? `matches none of the alternatives (${tries.map((e) => e[0]?.message ?? '?').join('; ')})` });
    }
    if (s.not !== undefined) {
      const e: SchemaError[] = [];
      if (check(s.not, value, path, depth + 1, e)) out.push({ path, keyword: 'not', message: s.errorMessage ?? 'this value is not allowed here' });
    }
    return out.length === before;
  };

  check(schema, instance, '', 0, errors);
  return errors.slice(0, maxErrors);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasType(v: unknown, t: JsonType): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}

function short(v: unknown): string {
  const s = typeof v === 'bigint' ? v.toString() : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
