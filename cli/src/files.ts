// Reading config files for the CLI: clear errors for missing, unreadable or binary files; invalid UTF-8 is
// reported as a diagnostic and read with replacement characters so that the rest can still be checked.
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic } from '../../core/src/rules/types';

export type ReadResult = { ok: true; text: string; diagnostics: Diagnostic[] } | { ok: false; error: string };

export function readConfigFile(file: string, cwd: string): ReadResult {
  const full = path.resolve(cwd, file);
  let bytes: Buffer;
  try {
    const st = fs.statSync(full);
    if (st.isDirectory()) return { ok: false, error: `${file}: is a directory` };
    bytes = fs.readFileSync(full);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    return { ok: false, error: `${file}: cannot read (${why})` };
  }
  const diagnostics: Diagnostic[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8').decode(bytes);
    diagnostics.push({
      code: 'encoding-not-utf8',
      severity: 'error',
      message: 'The file is not valid UTF-8; PyYAML cannot read it. Save it as UTF-8.',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      source: 'ms-swift-studio',
    });
  }
  return { ok: true, text, diagnostics };
}
