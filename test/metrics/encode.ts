// A small protobuf/TFRecord writer for tests: builds the Events the real writers make (and some they rarely do).
import { maskedCrc32c } from '../../core/src/metrics/crc32c';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function varint(v: number | bigint): Uint8Array {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return Uint8Array.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const utf8 = (s: string) => new TextEncoder().encode(s);

export function ld(field: number, bytes: Uint8Array): Uint8Array {
  return concat(key(field, 2), varint(bytes.length), bytes);
}
export function vint(field: number, v: number | bigint): Uint8Array {
  return concat(key(field, 0), varint(v));
}
export function f64(field: number, v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return concat(key(field, 1), b);
}
export function f32(field: number, v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return concat(key(field, 5), b);
}
export function str(field: number, s: string): Uint8Array {
  return ld(field, utf8(s));
}

export interface TensorSpec {
  dtype: number;
  shape?: number[];
  content?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: Array<number | bigint>;
  halfVal?: number[];
  stringVal?: string[];
  /** write repeated numbers packed (default) or one field each */
  packed?: boolean;
}

export function tensor(t: TensorSpec): Uint8Array {
  const parts: Uint8Array[] = [vint(1, t.dtype)];
  if (t.shape) parts.push(ld(2, concat(...t.shape.map((s) => ld(2, vint(1, s))))));
  if (t.content) parts.push(ld(4, t.content));
  const packed = t.packed ?? true;
  const floats = (field: number, vs: number[] | undefined, width: 4 | 8) => {
    if (!vs) return;
    if (packed) {
      const b = new Uint8Array(vs.length * width);
      const dv = new DataView(b.buffer);
      vs.forEach((v, i) => (width === 4 ? dv.setFloat32(i * 4, v, true) : dv.setFloat64(i * 8, v, true)));
      parts.push(ld(field, b));
    } else for (const v of vs) parts.push(width === 4 ? f32(field, v) : f64(field, v));
  };
  const ints = (field: number, vs: Array<number | bigint> | undefined) => {
    if (!vs) return;
    if (packed) parts.push(ld(field, concat(...vs.map((v) => varint(v)))));
    else for (const v of vs) parts.push(vint(field, v));
  };
  floats(5, t.floatVal, 4);
  floats(6, t.doubleVal, 8);
  ints(7, t.intVal);
  if (t.stringVal) for (const s of t.stringVal) parts.push(str(8, s));
  ints(10, t.int64Val);
  ints(13, t.halfVal);
  return concat(...parts);
}

export interface ValueSpec {
  tag: string;
  simple?: number;
  tensor?: TensorSpec;
  plugin?: string;
  /** extra raw bytes appended (e.g. an image field) */
  extra?: Uint8Array;
}

export function value(v: ValueSpec): Uint8Array {
  const parts = [str(1, v.tag)];
  if (v.simple !== undefined) parts.push(f32(2, v.simple));
  if (v.tensor) parts.push(ld(8, tensor(v.tensor)));
  if (v.plugin !== undefined) parts.push(ld(9, ld(1, str(1, v.plugin))));
  if (v.extra) parts.push(v.extra);
  return concat(...parts);
}

export interface EventSpec {
  wallTime?: number;
  step?: number | bigint;
  fileVersion?: string;
  values?: ValueSpec[];
}

export function event(e: EventSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  if (e.wallTime !== undefined) parts.push(f64(1, e.wallTime));
  if (e.step !== undefined && e.step !== 0) parts.push(vint(2, e.step));
  if (e.fileVersion !== undefined) parts.push(str(3, e.fileVersion));
  if (e.values) parts.push(ld(5, concat(...e.values.map((v) => ld(1, value(v))))));
  return concat(...parts);
}

/** A TFRecord around data, with both masked CRC-32Cs. */
export function record(data: Uint8Array): Uint8Array {
  const head = new Uint8Array(12);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, data.length, true);
  dv.setUint32(4, 0, true);
  dv.setUint32(8, maskedCrc32c(head, 0, 8), true);
  const foot = new Uint8Array(4);
  new DataView(foot.buffer).setUint32(0, maskedCrc32c(data), true);
  return concat(head, data, foot);
}

/** An event file: the file_version record, then one record per event. */
export function eventFile(events: EventSpec[]): Uint8Array {
  return concat(record(event({ wallTime: 1700000000, fileVersion: 'brain.Event:2' })), ...events.map((e) => record(event(e))));
}

export function halfBits(x: number): number {
  // exact for the values the tests use (normal numbers representable in half precision)
  if (x === 0) return Object.is(x, -0) ? 0x8000 : 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  const frac = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | frac;
}
