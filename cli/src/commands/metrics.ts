// `ms-swift-studio metrics PATH [--format csv|json]`: the scalars of a TensorBoard event file, or of every event
// file under a run folder, as CSV (file,tag,step,wall_time,value) or a JSON array, numbers in full precision.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { nodeFileView } from '../../../core/src/files';
import { findEventFiles } from '../../../core/src/metrics/discovery';
import { EventStreamParser } from '../../../core/src/metrics/events';
import { CSV_HEADER, csvRow, jsonRow } from '../../../core/src/metrics/export';
import { UsageError } from '../usage';
import { CliIO } from './check';

export const METRICS_USAGE = `  ms-swift-studio metrics PATH [--format csv|json]`;

export const METRICS_HELP = `metrics  Prints the scalars TensorBoard would show for an event file (events.out.tfevents.*), or for every event
         file under a run folder, as CSV with the header file,tag,step,wall_time,value (default) or as a JSON array
         of {file, tag, step, wall_time, value}. Values have full precision; "file" is relative to PATH when PATH
         is a folder. Corrupt records are reported on stderr and skipped. Exit status 2 when PATH is missing,
         unreadable, not an event file, or a folder without event files.
`;

interface Source {
  /** as shown in the file column */
  name: string;
  full: string;
}

export function runMetrics(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { format: { type: 'string', default: 'csv' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format!;
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not "${format}"`);
  if (positionals.length !== 1) throw new UsageError('metrics takes exactly one PATH (an event file or a run folder)');
  const arg = positionals[0]!;
  const full = path.resolve(io.cwd, arg);

  let st: fs.Stats;
  try {
    st = fs.statSync(full);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`${arg}: cannot read (${err.code === 'ENOENT' ? 'no such file or folder' : err.code === 'EACCES' ? 'permission denied' : err.message})`);
  }
  const isFolder = st.isDirectory();
  let sources: Source[];
  if (isFolder) {
    const found = findEventFiles(full, nodeFileView());
    if (found.files.length === 0) throw new UsageError(`${arg}: no TensorBoard event files (events.out.tfevents.*) in this folder or below it`);
    if (found.truncated) io.stderr(`ms-swift-studio: ${arg}: the folder is large; only part of it was searched for event files\n`);
    sources = found.files.map((f) => ({ name: path.relative(full, f).split(path.sep).join('/'), full: f }));
  } else {
    sources = [{ name: arg, full }];
  }

  const rows: string[] = [];
  const row = format === 'csv' ? csvRow : jsonRow;
  let readable = 0;
  for (const src of sources) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(src.full);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
      if (!isFolder) throw new UsageError(`${arg}: cannot read (${why})`);
      io.stderr(`ms-swift-studio: ${src.name}: cannot read (${why}); skipped\n`);
      continue;
    }
    const parser = new EventStreamParser();
    const batch = parser.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const issues = [...batch.issues, ...parser.end()];
    // nothing that checks out, and not merely a first record still being written
    if (parser.records === 0 && issues.some((i) => i.kind !== 'incomplete-record')) {
      const msg = `${src.name}: not a TensorBoard event file (no valid record)`;
      if (!isFolder) throw new UsageError(msg);
      io.stderr(`ms-swift-studio: ${msg}; skipped\n`);
      continue;
    }
    readable++;
    for (const issue of issues) io.stderr(`ms-swift-studio: ${src.name}: ${issue.message}\n`);
    for (const p of batch.scalars) rows.push(row(src.name, p));
  }
  if (readable === 0) throw new UsageError(`${arg}: none of the event files could be read`);

  if (format === 'csv') {
    io.stdout(CSV_HEADER + '\n');
    if (rows.length > 0) io.stdout(rows.join('\n') + '\n');
  } else {
    io.stdout(rows.length === 0 ? '[]\n' : `[\n${rows.join(',\n')}\n]\n`);
  }
  return 0;
}
