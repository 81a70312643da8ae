// Following growing files: read only the bytes added since the last poll and hand them to a stream parser.
// The byte access is injected (ByteSource), so this stays pure; node-source.ts has the fs version.
import { EventBatch, EventIssue, EventParserOptions, EventStreamParser } from './events';

/** Read access to one growing file. */
export interface ByteSource {
  /** the current size in bytes, or undefined when the file cannot be read (missing, permissions) */
  size(): number | undefined;
  /** up to `length` bytes from `position` (fewer at the end of the file) */
  read(position: number, length: number): Uint8Array;
}

export interface FollowBatch extends EventBatch {
  /** true when the file shrank and was read again from the start: drop what earlier batches gave */
  reset: boolean;
}

export interface FollowOptions extends EventParserOptions {
  /** bytes read per read() call (default 4 MiB) */
  chunkBytes?: number;
}

export class EventFileFollower {
  private parser: EventStreamParser;
  private readOffset = 0;
  private readonly chunkBytes: number;

  constructor(
    private readonly source: ByteSource,
    private readonly options: FollowOptions = {},
  ) {
    this.parser = new EventStreamParser(options);
    this.chunkBytes = options.chunkBytes ?? 4 * 1024 * 1024;
  }

  /** bytes read from the file so far */
  get offset(): number {
    return this.readOffset;
  }

  /** Event.file_version once the first record has been read */
  get fileVersion(): string | undefined {
    return this.parser.fileVersion;
  }

  /** records read that checked out */
  get records(): number {
    return this.parser.records;
  }

  /** bytes waiting for the rest of their record */
  get buffered(): number {
    return this.parser.buffered;
  }

  /** Reads what was added since the last poll. A half-written last record stays buffered until it is whole. */
  poll(): FollowBatch {
    const batch: FollowBatch = { scalars: [], texts: [], issues: [], reset: false };
    const size = this.source.size();
    if (size === undefined) return batch;
    if (size < this.readOffset) {
      batch.issues.push({
        kind: 'file-shrunk',
        offset: size,
        message: `the file shrank from ${this.readOffset} to ${size} bytes; reading it again from the start`,
      });
      batch.reset = true;
      this.parser = new EventStreamParser(this.options);
      this.readOffset = 0;
    }
    while (this.readOffset < size) {
      const want = Math.min(this.chunkBytes, size - this.readOffset);
      const chunk = this.source.read(this.readOffset, want);
      if (chunk.length === 0) break;
      this.readOffset += chunk.length;
      const b = this.parser.push(chunk);
      append(batch, b);
    }
    return batch;
  }

  /** The file is complete (the run ended): reports an unfinished last record, if any. */
  finish(): EventIssue[] {
    return this.parser.end();
  }
}

function append(into: EventBatch, from: EventBatch): void {
  if (into.scalars.length === 0) into.scalars = from.scalars;
  else for (const s of from.scalars) into.scalars.push(s);
  for (const t of from.texts) into.texts.push(t);
  for (const i of from.issues) into.issues.push(i);
}

/** A ByteSource over bytes in memory that can grow (for tests and for callers that receive data elsewhere). */
export class MemoryByteSource implements ByteSource {
  private data: Uint8Array = new Uint8Array(0);

  append(bytes: Uint8Array): void {
    const next = new Uint8Array(this.data.length + bytes.length);
    next.set(this.data, 0);
    next.set(bytes, this.data.length);
    this.data = next;
  }

  replace(bytes: Uint8Array): void {
    this.data = bytes.slice();
  }

  size(): number {
    return this.data.length;
  }

  read(position: number, length: number): Uint8Array {
    return this.data.slice(position, Math.min(this.data.length, position + length));
  }
}
