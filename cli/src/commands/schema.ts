// `ms-swift-studio schema`: prints the JSON Schema (draft-07) of a run config for one command and ms-swift
// version, for yaml-language-server (`yaml.schemas`) and generic validators in CI.
import { parseArgs } from 'util';
import { CommandName } from '../../../core/src/catalog/schema';
import { isCommandName, nearestKnownVersion } from '../../../core/src/config/context';
import { configJsonSchema, UnknownCommandError } from '../../../core/src/schema/json-schema';
import { UsageError } from '../usage';
import type { CliIO } from './check';

export const SCHEMA_HELP = `Usage: ms-swift-studio schema [--command "megatron sft"] [--ms-swift-version 4.5.2] [--language en|zh-cn] [--compact]

Prints the JSON Schema (draft-07) of a run config for the command on that ms-swift version: every argument
with its type, choices, default and description, ENV as a mapping of string/number values, and no other keys.
Use it with yaml-language-server (yaml.schemas, or a "# yaml-language-server: $schema=FILE" line) or any
JSON Schema validator. A version without a catalog uses the nearest known one of the same major version.
`;

export function runSchema(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        command: { type: 'string', default: 'megatron sft' },
        'ms-swift-version': { type: 'string', default: '4.5.2' },
        language: { type: 'string', default: 'en' },
        compact: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(SCHEMA_HELP);
    return 0;
  }
  const c = values.command!.trim().replace(/\s+/g, ' ');
  if (!isCommandName(c)) throw new UsageError(`unknown --command "${values.command}" (try "megatron sft", "swift export", ...)`);
  const command: CommandName = c;
  const requested = values['ms-swift-version']!;
  const known = nearestKnownVersion(requested);
  if (!known) throw new UsageError(`--ms-swift-version must look like 4.5.2, not "${requested}"`);
  const language = values.language!.toLowerCase();
  if (language !== 'en' && language !== 'zh-cn' && language !== 'zh') throw new UsageError(`--language must be en or zh-cn, not "${values.language}"`);
  if (!known.exact) io.stderr(`ms-swift-studio: no catalog for ms-swift ${requested}; using ${known.version}\n`);
  let schema;
  try {
    schema = configJsonSchema(command, known.version, { locale: language.startsWith('zh') ? 'zh' : 'en' });
  } catch (e) {
    if (e instanceof UnknownCommandError) throw new UsageError(e.message.replace(/`/g, '"'));
    throw e;
  }
  io.stdout(`${JSON.stringify(schema, null, values.compact ? undefined : 2)}\n`);
  return 0;
}
