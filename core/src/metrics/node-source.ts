// The Node.js file access behind the followers (kept apart so the parsers stay free of fs).
import * as fs from 'fs';
import { EventBatch, EventParserOptions, parseEventBytes } from './events';
import { ByteSource } from './follow';

/** A ByteSource over a file on disk. The file is opened on the first read; call close() when done. */
export function nodeByteSource(file: string): ByteSource & { close(): void } {
  let fd: number | undefined;
  return {
    size() {
      try {
        const st = fs.statSync(file);
        return st.isFile() ? st.size : undefined;
      } catch {
        return undefined;
      }
    },
    read(position, length) {
      if (fd === undefined) fd = fs.openSync(file, 'r');
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close() {
      if (fd !== undefined) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
        fd = undefined;
      }
    },
  };
}

/** Reads and parses a whole event file (throws the fs error when it cannot be read). */
export function readEventFile(file: string, options?: EventParserOptions): EventBatch & { fileVersion?: string; bytes: number } {
  const bytes = fs.readFileSync(file);
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { ...parseEventBytes(u8, options), bytes: u8.length };
}
