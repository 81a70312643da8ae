// TensorBoard event files: TFRecord framing and the parts of the Event protobuf that carry scalars and text.
//
// A TFRecord is: uint64 length (little-endian), uint32 masked CRC-32C of those 8 bytes, `length` bytes of data,
// uint32 masked CRC-32C of the data. The data is a serialized tensorflow.Event:
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; ... }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; TensorProto tensor = 8; SummaryMetadata metadata = 9; ... }
//   TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4;
//                 repeated float float_val = 5; repeated double double_val = 6; repeated int32 int_val = 7;
//                 repeated bytes string_val = 8; repeated int64 int64_val = 10; repeated bool bool_val = 11;
//                 repeated int32 half_val = 13; repeated uint32 uint32_val = 16; repeated uint64 uint64_val = 17; }
//   SummaryMetadata { PluginData plugin_data = 1 { string plugin_name = 1; bytes content = 2; } ... }
//
// EventStreamParser takes the bytes of a file in pieces as they arrive (push), keeps only the unfinished tail,
// and never parses a byte twice. A record whose length CRC fails loses the framing: the parser reports it once and
// scans forward for the next position where a whole record checks out (length CRC and data CRC). A record whose
// data CRC fails (length CRC fine) is reported and skipped by its length.
import { maskedCrc32c } from './crc32c';
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, utf8 } from './protobuf';
import type { ScalarSink } from './series';

/** One scalar as TensorBoard shows it: float32 values widened exactly to doubles. */
export interface ScalarPoint {
  tag: string;
  step: number;
  /** seconds since the epoch */
  wallTime: number;
  value: number;
}

/** A text summary (TensorBoard's text plugin), e.g. ms-swift 4 logs each config key as text at step 0. */
export interface TextPoint {
  tag: string;
  step: number;
  wallTime: number;
  /** the tensor's strings joined with newlines (one string for the usual scalar text tensor) */
  text: string;
}

export type EventIssueKind =
  /** the first bytes are not a TFRecord header: most likely not an event file at all */
  | 'not-an-event-file'
  /** a record's length does not match its CRC: framing lost, scanning for the next good record */
  | 'bad-length-crc'
  /** a record's data does not match its CRC: the record is skipped */
  | 'bad-data-crc'
  /** the length CRC is right but the length is beyond the limit */
  | 'record-too-large'
  /** the record checks out but is not a decodable Event */
  | 'undecodable-event'
  /** at end(): the data ends inside a record (header or body) */
  | 'incomplete-record'
  /** the file became shorter than what was already read (replaced or truncated); reading starts again */
  | 'file-shrunk';

export interface EventIssue {
  kind: EventIssueKind;
  /** byte offset in the file where the problem starts */
  offset: number;
  message: string;
}

export interface EventBatch {
  scalars: ScalarPoint[];
  texts: TextPoint[];
  issues: EventIssue[];
}

export interface EventParserOptions {
  /** records longer than this are treated as corrupt (default 256 MiB) */
  maxRecordBytes?: number;
  /**
   * Where scalars go. Without one, push() returns them as ScalarPoint objects; with one (e.g. a ScalarTable),
   * they go to the sink in columns and the batches' `scalars` stay empty, which is much lighter on memory.
   */
  sink?: ScalarSink;
}

// TensorFlow DataType enum values
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_STRING = 7;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

const HEADER = 12; // length (8) + length CRC (4)
const FOOTER = 4; // data CRC


/** IEEE 754 half precision bits to a number (exact). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** bfloat16 bits (the top half of a float32) to a number (exact). */
export function bfloat16ToNumber(bits: number): number {
  U32[0] = (bits & 0xffff) << 16;
  return F32[0]!;
}

interface InternEntry {
  bytes: Uint8Array;
  str: string;
}

/** Per-field bookkeeping while decoding a TensorProto. */
class TensorScratch {
  dtype = 0;
  elements = 1;
  contentStart = -1;
  contentEnd = -1;
  /** values seen in the typed repeated fields, and the first of each */
  count = 0;
  first = NaN;
  firstField = 0;
  strings: string[] | undefined = undefined;

  reset(): void {
    this.dtype = 0;
    this.elements = 1;
    this.contentStart = -1;
    this.contentEnd = -1;
    this.count = 0;
    this.first = NaN;
    this.firstField = 0;
    this.strings = undefined;
  }
}

export class EventStreamParser {
  /** absolute offset of the first byte not yet consumed (the start of `pending`) */
  private base = 0;
  /** received bytes not consumed yet, in pieces (joined only once there is enough to make progress) */
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  /** bytes the pending data must reach before parsing can get further */
  private need = 0;
  private resyncing = false;
  private readonly maxRecordBytes: number;
  private readonly sink: ScalarSink | undefined;
  private readonly pluginByTag = new Map<string, string>();
  private readonly intern = new Map<number, InternEntry[]>();
  private readonly scratch = new TensorScratch();
  private out: EventBatch = { scalars: [], texts: [], issues: [] };

  /** Event.file_version of the file ("brain.Event:2"), once seen */
  fileVersion: string | undefined;
  /** records that checked out (CRCs good), decodable or not */
  records = 0;
  /** bytes skipped as corrupt */
  skippedBytes = 0;
  /** corrupt places reported */
  corruptions = 0;

  constructor(options: EventParserOptions = {}) {
    this.maxRecordBytes = options.maxRecordBytes ?? 256 * 1024 * 1024;
    this.sink = options.sink;
  }

  /** Bytes received and fully dealt with (the next record starts here, unless resynchronising). */
  get offset(): number {
    return this.base;
  }

  /** Bytes received but waiting for the rest of their record. */
  get buffered(): number {
    return this.pendingLength;
  }

  /** Feeds the next bytes of the file (in order). Returns what they completed. */
  push(chunk: Uint8Array): EventBatch {
    this.out = { scalars: [], texts: [], issues: [] };
    if (chunk.length === 0) return this.out;
    // a long record arriving in many pieces is joined once, not once per piece
    if (this.pendingLength + chunk.length < this.need) {
      this.pending.push(chunk.slice());
      this.pendingLength += chunk.length;
      return this.out;
    }
    let buf: Uint8Array;
    if (this.pendingLength === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.pendingLength + chunk.length);
      let o = 0;
      for (const piece of this.pending) {
        buf.set(piece, o);
        o += piece.length;
      }
      buf.set(chunk, o);
    }
    const used = this.parse(buf);
    this.base += used;
    this.pending = used === buf.length ? [] : [buf.slice(used)];
    this.pendingLength = buf.length - used;
    return this.out;
  }

  /** No more bytes will come: reports an unfinished record at the end, if any. */
  end(): EventIssue[] {
    const issues: EventIssue[] = [];
    const left = this.pendingLength;
    if (left > 0 && !this.resyncing) {
      issues.push({
        kind: 'incomplete-record',
        offset: this.base,
        message:
          left < HEADER
            ? `the data ends inside a record header (${left} of ${HEADER} bytes at byte ${this.base})`
            : `the data ends inside a record (${left} bytes from byte ${this.base} are an unfinished record)`,
      });
    }
    if (this.resyncing) this.skippedBytes += left;
    this.base += left;
    this.pending = [];
    this.pendingLength = 0;
    this.need = 0;
    return issues;
  }

  /** Parses complete records of buf (which starts at this.base); returns how many bytes were consumed. */
  private parse(buf: Uint8Array): number {
    const n = buf.length;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const reader = new ProtoReader(buf, 0, n, view);
    let p = 0;
    while (p + HEADER <= n) {
      if (this.resyncing) {
        const found = this.scan(buf, view, p);
        if (found < 0) {
          // -found - 1 is where scanning stopped (not enough bytes to judge it)
          const stop = -found - 1;
          this.skippedBytes += stop - p;
          this.need = this.candidateEnd > 0 ? this.candidateEnd - stop : HEADER;
          return stop;
        }
        this.skippedBytes += found - p;
        this.resyncing = false;
        p = found;
        continue;
      }
      const lenLo = view.getUint32(p, true);
      const lenHi = view.getUint32(p + 4, true);
      if (maskedCrc32c(buf, p, p + 8) !== view.getUint32(p + 8, true)) {
        const at = this.base + p;
        if (at === 0 && this.records === 0) {
          this.report('not-an-event-file', at, 'the data does not start with a TFRecord header (not a TensorBoard event file?)');
        } else {
          this.report('bad-length-crc', at, `corrupt record at byte ${at} (length checksum mismatch); skipping to the next valid record`);
        }
        this.resyncing = true;
        this.skippedBytes += 1;
        p += 1;
        continue;
      }
      if (lenHi !== 0 || lenLo > this.maxRecordBytes) {
        const at = this.base + p;
        this.report('record-too-large', at, `record at byte ${at} claims ${lenHi * 4294967296 + lenLo} bytes; skipping to the next valid record`);
        this.resyncing = true;
        this.skippedBytes += 1;
        p += 1;
        continue;
      }
      const total = HEADER + lenLo + FOOTER;
      if (p + total > n) {
        this.need = total; // wait for the rest
        return p;
      }
      const dataStart = p + HEADER;
      const dataEnd = dataStart + lenLo;
      if (maskedCrc32c(buf, dataStart, dataEnd) !== view.getUint32(dataEnd, true)) {
        const at = this.base + p;
        this.report('bad-data-crc', at, `corrupt record at byte ${at} (data checksum mismatch); record skipped`);
        this.skippedBytes += total;
        p += total;
        continue;
      }
      this.records++;
      this.decodeEvent(reader, dataStart, dataEnd, this.base + p);
      p += total;
    }
    this.need = HEADER;
    return p;
  }

  /** set by scan(): the end (data CRC included) of the candidate record it waits for, or 0 */
  private candidateEnd = 0;

  /**
   * Looks for the next offset >= from where a whole record checks out. Returns it, or -(stop + 1) where stop is
   * the first offset that could not be judged yet for lack of bytes.
   */
  private scan(buf: Uint8Array, view: DataView, from: number): number {
    const n = buf.length;
    this.candidateEnd = 0;
    for (let q = from; q + HEADER <= n; q++) {
      if (maskedCrc32c(buf, q, q + 8) !== view.getUint32(q + 8, true)) continue;
      const lenLo = view.getUint32(q, true);
      if (view.getUint32(q + 4, true) !== 0 || lenLo > this.maxRecordBytes) continue;
      const end = q + HEADER + lenLo;
      if (end + FOOTER > n) {
        this.candidateEnd = end + FOOTER; // a candidate: wait for its data
        return -(q + 1);
      }
      if (maskedCrc32c(buf, q + HEADER, end) === view.getUint32(end, true)) return q;
    }
    return -(Math.max(from, n - HEADER + 1) + 1);
  }

  private report(kind: EventIssueKind, offset: number, message: string): void {
    this.corruptions++;
    this.out.issues.push({ kind, offset, message });
  }

  private internString(buf: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const len = end - start;
    h = (h ^ len) >>> 0;
    let bucket = this.intern.get(h);
    if (bucket) {
      outer: for (const e of bucket) {
        if (e.bytes.length !== len) continue;
        for (let i = 0; i < len; i++) if (e.bytes[i] !== buf[start + i]) continue outer;
        return e.str;
      }
    } else {
      bucket = [];
      this.intern.set(h, bucket);
    }
    const str = utf8(buf, start, end);
    if (this.intern.size < 100000) bucket.push({ bytes: buf.slice(start, end), str });
    return str;
  }

  private decodeEvent(r: ProtoReader, start: number, end: number, offset: number): void {
    r.pos = start;
    r.end = end;
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    try {
      while (r.pos < end) {
        const key = r.varint();
        const field = key >>> 3;
        const wire = key & 7;
        if (field === 1 && wire === WIRE_FIXED64) wallTime = r.double();
        else if (field === 2 && wire === WIRE_VARINT) step = r.int64();
        else if (field === 3 && wire === WIRE_LEN) {
          const s = r.lengthDelimited();
          this.fileVersion = utf8(r.buf, s, r.fieldEnd);
        } else if (field === 5 && wire === WIRE_LEN) {
          summaryStart = r.lengthDelimited();
          summaryEnd = r.fieldEnd;
        } else r.skip(wire);
      }
      if (summaryStart >= 0) this.decodeSummary(r, summaryStart, summaryEnd, step, wallTime);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.report('undecodable-event', offset, `record at byte ${offset} is not a valid Event (${e.message}); skipped`);
    }
  }

  private decodeSummary(r: ProtoReader, start: number, end: number, step: number, wallTime: number): void {
    r.pos = start;
    r.end = end;
    const b = r.buf;
    const view = r.getView();
    while (r.pos < end) {
      const key = r.varint();
      if (key === ((1 << 3) | WIRE_LEN)) {
        const vs = r.lengthDelimited();
        const ve = r.fieldEnd;
        // fast path for the usual { tag: "...", simple_value: f } (tag shorter than 128 bytes)
        const tagLen = b[vs + 1]!;
        if (b[vs] === 0x0a && tagLen < 0x80 && vs + 7 + tagLen === ve && b[vs + 2 + tagLen] === 0x15) {
          const tag = this.internString(b, vs + 2, vs + 2 + tagLen);
          const value = view.getFloat32(vs + 3 + tagLen, true);
          if (this.sink) this.sink.add(tag, step, wallTime, value);
          else this.out.scalars.push({ tag, step, wallTime, value });
          continue;
        }
        this.decodeValue(r, vs, ve, step, wallTime);
        r.pos = ve;
        r.end = end;
      } else r.skip(key & 7);
    }
  }

  private decodeValue(r: ProtoReader, start: number, end: number, step: number, wallTime: number): void {
    r.pos = start;
    r.end = end;
    let tag: string | undefined;
    let nodeName: string | undefined;
    let simple: number | undefined;
    let tensorStart = -1;
    let tensorEnd = -1;
    let plugin: string | undefined;
    while (r.pos < end) {
      const key = r.varint();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === WIRE_LEN) {
        const s = r.lengthDelimited();
        tag = this.internString(r.buf, s, r.fieldEnd);
      } else if (field === 2 && wire === WIRE_FIXED32) simple = r.float();
      else if (field === 8 && wire === WIRE_LEN) {
        tensorStart = r.lengthDelimited();
        tensorEnd = r.fieldEnd;
      } else if (field === 9 && wire === WIRE_LEN) {
        const s = r.lengthDelimited();
        const e = r.fieldEnd;
        plugin = this.decodePluginName(r, s, e);
        r.pos = e;
        r.end = end;
      } else if (field === 7 && wire === WIRE_LEN) {
        const s = r.lengthDelimited();
        nodeName = this.internString(r.buf, s, r.fieldEnd);
      } else r.skip(wire);
    }
    const name = tag || nodeName || '';
    if (plugin !== undefined) {
      // writers put the metadata on the first value of a tag only; TensorBoard remembers it per tag
      if (this.pluginByTag.get(name) !== plugin) this.pluginByTag.set(name, plugin);
    } else plugin = this.pluginByTag.get(name);
    if (simple !== undefined) {
      this.emit(name, step, wallTime, simple);
      return;
    }
    if (tensorStart < 0) return; // images, histograms, audio: not for us
    if (plugin !== undefined && plugin !== 'scalars' && plugin !== 'text') return;
    const t = this.decodeTensor(r, tensorStart, tensorEnd);
    if (t.dtype === DT_STRING || plugin === 'text') {
      if (t.strings) this.out.texts.push({ tag: name, step, wallTime, text: t.strings.join('\n') });
      return;
    }
    const v = this.scalarOf(r.getView(), t);
    if (v !== undefined) this.emit(name, step, wallTime, v);
  }

  private emit(tag: string, step: number, wallTime: number, value: number): void {
    if (this.sink) this.sink.add(tag, step, wallTime, value);
    else this.out.scalars.push({ tag, step, wallTime, value });
  }

  private decodePluginName(r: ProtoReader, start: number, end: number): string | undefined {
    r.pos = start;
    r.end = end;
    let name: string | undefined;
    while (r.pos < end) {
      const key = r.varint();
      if (key === ((1 << 3) | WIRE_LEN)) {
        const ps = r.lengthDelimited();
        const pe = r.fieldEnd;
        r.pos = ps;
        r.end = pe;
        while (r.pos < pe) {
          const k = r.varint();
          if (k === ((1 << 3) | WIRE_LEN)) {
            const s = r.lengthDelimited();
            name = this.internString(r.buf, s, r.fieldEnd);
          } else r.skip(k & 7);
        }
        r.pos = pe;
        r.end = end;
      } else r.skip(key & 7);
    }
    return name;
  }

  private decodeTensor(r: ProtoReader, start: number, end: number): TensorScratch {
    const t = this.scratch;
    t.reset();
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const key = r.varint();
      const field = key >>> 3;
      const wire = key & 7;
      switch (field) {
        case 1:
          if (wire !== WIRE_VARINT) throw new ProtoError('bad dtype');
          t.dtype = r.varint();
          break;
        case 2: {
          if (wire !== WIRE_LEN) throw new ProtoError('bad tensor_shape');
          const s = r.lengthDelimited();
          const e = r.fieldEnd;
          t.elements = this.shapeElements(r, s, e);
          r.pos = e;
          r.end = end;
          break;
        }
        case 4: {
          if (wire !== WIRE_LEN) throw new ProtoError('bad tensor_content');
          t.contentStart = r.lengthDelimited();
          t.contentEnd = r.fieldEnd;
          break;
        }
        case 5: // float_val
          this.repeated(r, t, field, wire, WIRE_FIXED32, end);
          break;
        case 6: // double_val
          this.repeated(r, t, field, wire, WIRE_FIXED64, end);
          break;
        case 7: // int_val
        case 10: // int64_val
        case 11: // bool_val
        case 13: // half_val
        case 16: // uint32_val
        case 17: // uint64_val
          this.repeated(r, t, field, wire, WIRE_VARINT, end);
          break;
        case 8: {
          if (wire !== WIRE_LEN) throw new ProtoError('bad string_val');
          const s = r.lengthDelimited();
          (t.strings ??= []).push(utf8(r.buf, s, r.fieldEnd));
          break;
        }
        default:
          r.skip(wire);
      }
    }
    return t;
  }

  private shapeElements(r: ProtoReader, start: number, end: number): number {
    r.pos = start;
    r.end = end;
    let elements = 1;
    while (r.pos < end) {
      const key = r.varint();
      if (key === ((2 << 3) | WIRE_LEN)) {
        const ds = r.lengthDelimited();
        const de = r.fieldEnd;
        r.pos = ds;
        r.end = de;
        let size = 0;
        while (r.pos < de) {
          const k = r.varint();
          if (k === ((1 << 3) | WIRE_VARINT)) size = r.int64();
          else r.skip(k & 7);
        }
        elements *= size;
        r.pos = de;
        r.end = end;
      } else r.skip(key & 7);
    }
    return elements;
  }

  /** One element of a repeated numeric field, packed or not: counts them and keeps the first. */
  private repeated(r: ProtoReader, t: TensorScratch, field: number, wire: number, elementWire: number, end: number): void {
    if (wire === WIRE_LEN) {
      const s = r.lengthDelimited();
      const e = r.fieldEnd;
      r.pos = s;
      r.end = e;
      while (r.pos < e) {
        const v = this.element(r, field, elementWire);
        if (t.firstField === 0) {
          t.first = v;
          t.firstField = field;
        }
        if (t.firstField === field) t.count++;
      }
      r.pos = e;
      r.end = end;
      return;
    }
    if (wire !== elementWire) throw new ProtoError(`bad wire type for tensor field ${field}`);
    const v = this.element(r, field, elementWire);
    if (t.firstField === 0) {
      t.first = v;
      t.firstField = field;
    }
    if (t.firstField === field) t.count++;
  }

  private element(r: ProtoReader, field: number, elementWire: number): number {
    if (elementWire === WIRE_FIXED32) return r.float();
    if (elementWire === WIRE_FIXED64) return r.double();
    switch (field) {
      case 7:
        return r.int32();
      case 10:
        return r.int64();
      case 11:
        return r.varint() ? 1 : 0;
      case 13:
        return r.varint() & 0xffff;
      case 16:
        return r.varint() >>> 0;
      default:
        return r.varint(); // uint64_val (exact below 2^53)
    }
  }

  /** The value of a one-element numeric tensor, as numpy's make_ndarray(...).item() gives it; undefined if not one. */
  private scalarOf(view: DataView, t: TensorScratch): number | undefined {
    if (t.elements !== 1) return undefined;
    if (t.contentStart >= 0) {
      const s = t.contentStart;
      const len = t.contentEnd - s;
      const need = (size: number) => len === size;
      switch (t.dtype) {
        case DT_FLOAT:
          return need(4) ? view.getFloat32(s, true) : undefined;
        case DT_DOUBLE:
          return need(8) ? view.getFloat64(s, true) : undefined;
        case DT_INT32:
          return need(4) ? view.getInt32(s, true) : undefined;
        case DT_UINT32:
          return need(4) ? view.getUint32(s, true) : undefined;
        case DT_INT64:
          return need(8) ? Number(view.getBigInt64(s, true)) : undefined;
        case DT_UINT64:
          return need(8) ? Number(view.getBigUint64(s, true)) : undefined;
        case DT_INT16:
          return need(2) ? view.getInt16(s, true) : undefined;
        case DT_UINT16:
          return need(2) ? view.getUint16(s, true) : undefined;
        case DT_INT8:
          return need(1) ? view.getInt8(s) : undefined;
        case DT_UINT8:
          return need(1) ? view.getUint8(s) : undefined;
        case DT_BOOL:
          return need(1) ? (view.getUint8(s) ? 1 : 0) : undefined;
        case DT_HALF:
          return need(2) ? halfToNumber(view.getUint16(s, true)) : undefined;
        case DT_BFLOAT16:
          return need(2) ? bfloat16ToNumber(view.getUint16(s, true)) : undefined;
        default:
          return undefined;
      }
    }
    if (t.count !== 1) return undefined;
    const f = t.firstField;
    switch (t.dtype) {
      case DT_FLOAT:
        return f === 5 ? t.first : undefined;
      case DT_DOUBLE:
        return f === 6 ? t.first : undefined;
      case DT_INT32:
      case DT_INT16:
      case DT_INT8:
      case DT_UINT8:
      case DT_UINT16:
        return f === 7 ? t.first : undefined;
      case DT_INT64:
        return f === 10 ? t.first : undefined;
      case DT_BOOL:
        return f === 11 ? t.first : undefined;
      case DT_HALF:
        return f === 13 ? halfToNumber(t.first) : undefined;
      case DT_BFLOAT16:
        return f === 13 ? bfloat16ToNumber(t.first) : undefined;
      case DT_UINT32:
        return f === 16 ? t.first : undefined;
      case DT_UINT64:
        return f === 17 ? t.first : undefined;
      default:
        return undefined;
    }
  }
}

/** Parses a whole event file's bytes at once. */
export function parseEventBytes(bytes: Uint8Array, options?: EventParserOptions): EventBatch & { fileVersion?: string } {
  const parser = new EventStreamParser(options);
  const batch = parser.push(bytes);
  batch.issues.push(...parser.end());
  return parser.fileVersion !== undefined ? { ...batch, fileVersion: parser.fileVersion } : batch;
}
