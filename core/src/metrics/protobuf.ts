// A minimal protocol-buffers wire reader: just what decoding TensorBoard's Event/Summary/TensorProto needs.
// Malformed input throws ProtoError; callers treat the message as undecodable.

export class ProtoError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;

export class ProtoReader {
  pos: number;
  end: number;
  readonly buf: Uint8Array;
  private readonly view: DataView;

  constructor(buf: Uint8Array, start = 0, end = buf.length, view?: DataView) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A reader over [start, end) of the same buffer (shares the DataView). */
  sub(start: number, end: number): ProtoReader {
    return new ProtoReader(this.buf, start, end, this.view);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** An unsigned varint of up to 53 bits (larger values lose precision, as JS numbers do). */
  varint(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    if (p >= end) throw new ProtoError('varint past the end');
    let byte = b[p++]!;
    if (byte < 0x80) {
      this.pos = p;
      return byte;
    }
    let lo = byte & 0x7f;
    let shift = 7;
    // low 28 bits in plain integer arithmetic
    while (shift < 28) {
      if (p >= end) throw new ProtoError('varint past the end');
      byte = b[p++]!;
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return lo >>> 0;
      }
      shift += 7;
    }
    let value = lo >>> 0;
    let mul = 268435456; // 2^28
    for (let i = 0; i < 6; i++) {
      if (p >= end) throw new ProtoError('varint past the end');
      byte = b[p++]!;
      value += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        this.pos = p;
        return value;
      }
      mul *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** A signed int64 varint (two's complement, as int64/int32 fields store negatives). */
  int64(): number {
    const start = this.pos;
    const b = this.buf;
    // fast path: fits in 7 bytes (49 bits), so it is non-negative
    let p = start;
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 7 && p < this.end; i++) {
      const byte = b[p++]!;
      value += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        this.pos = p;
        return value;
      }
      mul *= 128;
    }
    // slow path: BigInt
    p = start;
    let big = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw new ProtoError('varint past the end');
      const byte = b[p++]!;
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return Number(BigInt.asIntN(64, big));
      }
      shift += 7n;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** An int32 field: negative values are written as 10-byte sign-extended varints. */
  int32(): number {
    return this.int64() | 0;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoError('fixed64 past the end');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A float field, widened exactly to a double. */
  float(): number {
    if (this.pos + 4 > this.end) throw new ProtoError('fixed32 past the end');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtoError('fixed32 past the end');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): number {
    if (this.pos + 8 > this.end) throw new ProtoError('fixed64 past the end');
    const v = this.view.getUint32(this.pos, true) + this.view.getUint32(this.pos + 4, true) * TWO_32;
    this.pos += 8;
    return v;
  }

  /** end of the bytes of the last lengthDelimited() */
  fieldEnd = 0;

  /** Reads a length prefix and returns where the bytes start (they end at fieldEnd); the reader moves past them. */
  lengthDelimited(): number {
    const len = this.varint();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new ProtoError('length-delimited field past the end');
    this.pos = end;
    this.fieldEnd = end;
    return start;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new ProtoError('fixed64 past the end');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new ProtoError('fixed32 past the end');
        this.pos += 4;
        return;
      default:
        // groups (3, 4) are not used by these messages
        throw new ProtoError(`unsupported wire type ${wireType}`);
    }
  }

  getView(): DataView {
    return this.view;
  }
}

const UTF8 = new TextDecoder('utf-8');

export function utf8(buf: Uint8Array, start: number, end: number): string {
  return UTF8.decode(buf.subarray(start, end));
}
