// The ms-swift-studio command-line tool.
import { runCheck, CliIO } from './commands/check';
import { HELP, UsageError } from './usage';
import { runLsp } from './commands/lsp';
import { runCommand } from './commands/command';
import { runEstimate } from './commands/estimate';
import { runMetrics } from './commands/metrics';
import { runSchema } from './commands/schema';

declare const __VERSION__: string | undefined;

export function main(argv: string[], io: CliIO): number {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(HELP);
        return sub === undefined ? 2 : 0;
      case '-V':
      case '--version':
        io.stdout(`${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}\n`);
        return 0;
      case 'check':
        return runCheck(rest, io);
      case 'command':
        return runCommand(rest, io);
      case 'estimate':
        return runEstimate(rest, io);
      case 'metrics':
        return runMetrics(rest, io);
      case 'schema':
        return runSchema(rest, io);
      default:
        throw new UsageError(`unknown command "${sub}" (see --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ms-swift-studio: ${e.message}\n`);
      return 2;
    }
    io.stderr(`ms-swift-studio: internal error: ${(e as Error).message}\n`);
    return 3;
  }
}

if (require.main === module && process.argv[2] === 'lsp') {
  try {
    runLsp(process.argv.slice(3));
  } catch (e) {
    process.stderr.write(`ms-swift-studio: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
} else if (require.main === module) {
  // `ms-swift-studio metrics run/ | head`: a closed pipe ends the output quietly
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const chunks: string[] = [];
  const io: CliIO = {
    stdout: (s) => chunks.push(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
  };
  const code = main(process.argv.slice(2), io);
  process.stdout.write(chunks.join(''), () => {
    process.exitCode = code;
  });
}
