// Reading why a run failed from the end of its log, and where the config says the offending key (no vscode).
import * as fs from 'fs';
import { Failure, recognizeFailures } from '../../../core/src/metrics';

export function logTail(file: string, bytes = 256 * 1024): string {
  try {
    const st = fs.statSync(file);
    const fd = fs.openSync(file, 'r');
    try {
      const len = Math.min(st.size, bytes);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, st.size - len);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

export function failuresOf(logFile: string): Failure[] {
  return recognizeFailures(logTail(logFile));
}

/** The line of a top-level key (or an ENV variable) in a config text. */
export function lineOfKey(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const top = new RegExp(`^${esc}[ \\t]*:`);
  const nested = new RegExp(`^[ \\t]+${esc}[ \\t]*:`);
  let i = lines.findIndex((l) => top.test(l));
  if (i < 0) i = lines.findIndex((l) => nested.test(l));
  return i >= 0 ? i : undefined;
}

