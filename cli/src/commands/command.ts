// `ms-swift-studio command FILE`: the exact command line a run starts with, for a shell, or as JSON.
import * as path from 'path';
import { parseArgs } from 'util';
import { parseConfig } from '../../../core/src/config/parse';
import { isCommandName, nearestKnownVersion, resolveContext } from '../../../core/src/config/context';
import { buildCommand, CommandBuildError, LaunchMode } from '../../../core/src/launch/command';
import { multiNodeCommands } from '../../../core/src/launch/multinode';
import { commandLine, QuotingError, ShellKind, SHELLS } from '../../../core/src/launch/shell';
import { readConfigFile } from '../files';
import { UsageError } from '../usage';
import { CliIO } from './check';

export function runCommand(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        shell: { type: 'string', default: 'bash' },
        'ms-swift-version': { type: 'string' },
        command: { type: 'string' },
        mode: { type: 'string', default: 'auto' },
        gpus: { type: 'string' },
        'node-rank': { type: 'string' },
        format: { type: 'string', default: 'text' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('command takes exactly one FILE');
  const shell = values.shell as ShellKind;
  if (!SHELLS.includes(shell)) throw new UsageError(`--shell must be one of ${SHELLS.join(', ')}`);
  const mode = values.mode as LaunchMode;
  if (!['auto', 'yaml', 'flags'].includes(mode)) throw new UsageError('--mode must be auto, yaml or flags');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format must be text or json');
  const version = values['ms-swift-version'];
  if (version !== undefined && !nearestKnownVersion(version)) throw new UsageError(`--ms-swift-version must look like 4.5.2, not "${version}"`);
  const command = values.command?.trim().replace(/\s+/g, ' ');
  if (command !== undefined && !isCommandName(command)) throw new UsageError(`unknown --command "${values.command}"`);
  let gpus: number[] | undefined;
  if (values.gpus !== undefined) {
    if (!/^\d+(,\d+)*$/.test(values.gpus)) throw new UsageError('--gpus takes GPU indices separated by commas, e.g. 0,1');
    gpus = values.gpus.split(',').map(Number);
    if (new Set(gpus).size !== gpus.length) throw new UsageError('--gpus lists a GPU twice');
  }
  let nodeRank: number | undefined;
  if (values['node-rank'] !== undefined) {
    if (!/^\d+$/.test(values['node-rank'])) throw new UsageError('--node-rank takes a whole number');
    nodeRank = Number(values['node-rank']);
  }
  const file = positionals[0]!;
  const read = readConfigFile(file, io.cwd);
  if (!read.ok) throw new UsageError(read.error);
  const doc = parseConfig(read.text);
  const context = resolveContext(doc, { ...(command ? { command } : {}), ...(version ? { version } : {}) });
  const cwd = io.cwd;
  const configPath = path.isAbsolute(file) ? file : path.relative(cwd, path.resolve(cwd, file)) || file;
  try {
    const base = { configPath, cwd, mode, ...(gpus ? { gpus } : {}) };
    const nodes = nodeRank === undefined ? multiNodeCommands(doc, context, base) : undefined;
    if (values.format === 'json') {
      const cmd = buildCommand(doc, context, { ...base, ...(nodeRank !== undefined ? { nodeRank } : {}) });
      const out: Record<string, unknown> = { argv: cmd.argv, env: cmd.env, cwd: cmd.cwd };
      if (nodes && nodes.length > 1) out.nodes = nodes.map((n) => ({ nodeRank: n.nodeRank, env: n.command.env }));
      io.stdout(JSON.stringify(out, null, 2) + '\n');
      return 0;
    }
    if (nodes && nodes.length > 1) {
      for (const n of nodes) io.stdout(`${shell === 'cmd' ? 'REM' : '#'} node ${n.nodeRank} of ${nodes.length}\n${commandLine(shell, n.command.argv, n.command.env)}\n`);
      return 0;
    }
    const cmd = buildCommand(doc, context, { ...base, ...(nodeRank !== undefined ? { nodeRank } : {}) });
    io.stdout(commandLine(shell, cmd.argv, cmd.env) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof CommandBuildError || e instanceof QuotingError) throw new UsageError(e.message);
    throw e;
  }
}
