// `ms-swift-studio check`: the rule engine over files, as text (compiler style) or JSON.
import * as path from 'path';
import { parseArgs } from 'util';
import { nodeFileView } from '../../../core/src/files';
import { checkText } from '../../../core/src/check';
import { isCommandName, nearestKnownVersion } from '../../../core/src/config/context';
import { CommandName } from '../../../core/src/catalog/schema';
import { Diagnostic } from '../../../core/src/rules/types';
import { readConfigFile } from '../files';
import { UsageError } from '../usage';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

export function runCheck(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        command: { type: 'string' },
        'ms-swift-version': { type: 'string' },
        format: { type: 'string', default: 'text' },
        cwd: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  let command: CommandName | undefined;
  if (values.command !== undefined) {
    const c = values.command.trim().replace(/\s+/g, ' ');
    if (!isCommandName(c)) throw new UsageError(`unknown --command "${values.command}" (try "megatron sft", "swift export", ...)`);
    command = c;
  }
  const version = values['ms-swift-version'];
  if (version !== undefined && !nearestKnownVersion(version)) throw new UsageError(`--ms-swift-version must look like 4.5.2, not "${version}"`);
  if (positionals.length === 0) throw new UsageError('check needs at least one FILE');
  if (values.cwd !== undefined && !nodeFileView().isDirectory(path.resolve(io.cwd, values.cwd))) throw new UsageError(`--cwd ${values.cwd} is not a folder`);

  let status = 0;
  let checked = 0;
  let errors = 0;
  let warnings = 0;
  const json: unknown[] = [];
  for (const file of positionals) {
    const read = readConfigFile(file, io.cwd);
    if (!read.ok) {
      io.stderr(`ms-swift-studio: ${read.error}\n`);
      status = 2;
      continue;
    }
    checked++;
    const opts: Parameters<typeof checkText>[1] = {};
    if (command) opts.command = command;
    if (version) opts.version = version;
    if (values.cwd !== undefined) {
      // file-system checks (checkpoints, local models, caches) relative to where the run starts
      opts.files = nodeFileView();
      opts.baseDir = path.resolve(io.cwd, values.cwd);
      opts.hostEnv = { HOME: process.env.HOME, MODELSCOPE_CACHE: process.env.MODELSCOPE_CACHE, HF_HOME: process.env.HF_HOME, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
    }
    const result = checkText(read.text, opts);
    const diagnostics: Diagnostic[] = [...read.diagnostics, ...result.diagnostics];
    for (const d of diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
    if (format === 'json') {
      json.push({
        file,
        command: result.context.command,
        msSwiftVersion: result.context.version,
        diagnostics: diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          key: d.key ?? null,
          range: d.range,
        })),
      });
    } else {
      for (const d of diagnostics) {
        io.stdout(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
      }
    }
  }
  if (format === 'json') io.stdout(JSON.stringify(json, null, 2) + '\n');
  else {
    io.stderr(`${checked} file${checked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (status === 2) return 2;
  return errors > 0 ? 1 : 0;
}
