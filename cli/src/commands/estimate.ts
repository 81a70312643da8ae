// `ms-swift-studio estimate FILE`: GPU memory per rank (per pipeline stage) of a Megatron-SWIFT config, as a table
// with the assumptions and a fits / does-not-fit line, or as JSON { perRank, worst, assumptions } (GiB).
import * as path from 'path';
import { parseArgs } from 'util';
import { isCommandName, nearestKnownVersion } from '../../../core/src/config/context';
import { CommandName } from '../../../core/src/catalog/schema';
import { nodeFileView } from '../../../core/src/files';
import { estimateForConfig, EstimateConfigOptions } from '../../../core/src/estimate/config';
import { fitsOn } from '../../../core/src/estimate/fit';
import { EstimateResult, RankEstimate } from '../../../core/src/estimate/types';
import { readConfigFile } from '../files';
import { UsageError } from '../usage';
import { CliIO } from './check';

export const ESTIMATE_HELP = `estimate Prints the GPU memory each rank of a Megatron-SWIFT run needs (per pipeline stage, GiB): weights,
         gradients, optimizer states, activations, loss/logits, allocated, reserved (ms-swift's memory(GiB)) and
         device (what nvidia-smi shows), the assumptions behind it, and whether the worst rank fits on
         --gpu-memory GiB (default 80). --format json prints { "perRank": [...], "worst": {...},
         "assumptions": [...] }. --tokens N assumes N tokens per micro-batch instead of the worst case.
         Exit status: 0 fits, 1 does not fit, 2 when the estimate cannot be made (the reason is printed).
`;

const COLUMNS: Array<[keyof RankEstimate, string]> = [
  ['weights', 'weights'],
  ['grads', 'grads'],
  ['optimizer', 'optimizer'],
  ['activations', 'activations'],
  ['logits', 'logits'],
  ['overhead', 'overhead'],
  ['allocated', 'allocated'],
  ['reserved', 'reserved'],
  ['device', 'device'],
];

function table(result: EstimateResult): string {
  const head = ['stage', 'rank', ...COLUMNS.map(([, h]) => h)];
  const rows = result.perRank.map((r) => [String(r.stage), String(r.rank), ...COLUMNS.map(([k]) => (r[k] as number).toFixed(2))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const out = [line(head)];
  for (let i = 0; i < rows.length; i++) {
    const worst = result.perRank[i]!.stage === result.worst.stage;
    out.push(line(rows[i]!) + (worst && result.perRank.length > 1 ? '  <- worst' : ''));
  }
  return out.join('\n') + '\n';
}

function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(v) || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, not "${v}"`);
  return n;
}

export function runEstimate(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'gpu-memory': { type: 'string' },
        format: { type: 'string', default: 'text' },
        command: { type: 'string' },
        'ms-swift-version': { type: 'string' },
        tokens: { type: 'string' },
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
    if (!isCommandName(c)) throw new UsageError(`unknown --command "${values.command}" (try "megatron sft", "megatron rlhf", ...)`);
    command = c;
  }
  const version = values['ms-swift-version'];
  if (version !== undefined && !nearestKnownVersion(version)) throw new UsageError(`--ms-swift-version must look like 4.5.2, not "${version}"`);
  const gpuGiB = positiveNumber('--gpu-memory', values['gpu-memory']) ?? 80;
  const tokens = positiveNumber('--tokens', values.tokens);
  if (positionals.length !== 1) throw new UsageError('estimate takes exactly one FILE');
  const file = positionals[0]!;
  const read = readConfigFile(file, io.cwd);
  if (!read.ok) throw new UsageError(read.error);
  const options: EstimateConfigOptions = {
    gpuMemoryGiB: gpuGiB,
    files: nodeFileView(),
    baseDir: path.dirname(path.resolve(io.cwd, file)),
    hostEnv: process.env,
  };
  if (command) options.command = command;
  if (version) options.version = version;
  if (tokens !== undefined) options.tokensPerMicroBatch = tokens;
  const result = estimateForConfig(read.text, options);
  if ('unknown' in result) throw new UsageError(`${file}: cannot estimate the GPU memory: ${result.unknown}`);
  const verdict = fitsOn(result, gpuGiB);
  if (format === 'json') {
    const out = { perRank: result.perRank, worst: result.worst, assumptions: result.assumptions };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
  } else {
    const w = result.worst;
    io.stdout(`GPU memory per rank of ${file} (GiB; one row per pipeline stage):\n`);
    io.stdout(table(result));
    io.stdout('\nAssumptions:\n');
    for (const a of result.assumptions) io.stdout(`  - ${a}\n`);
    const where = `rank ${w.rank} (stage ${w.stage})`;
    const need = `${w.device.toFixed(1)} GiB`;
    if (verdict.level === 'fits') io.stdout(`\nFits on ${gpuGiB} GiB: ${where} needs about ${need}, ${verdict.headroomGiB.toFixed(1)} GiB to spare.\n`);
    else if (verdict.level === 'tight') {
      io.stdout(`\nFits on ${gpuGiB} GiB, but tightly: ${where} needs about ${need}, within the ${verdict.marginGiB.toFixed(1)} GiB safety margin.\n`);
    } else io.stdout(`\nDoes not fit on ${gpuGiB} GiB: ${where} needs about ${need}, ${(-verdict.headroomGiB).toFixed(1)} GiB too much.\n`);
  }
  return verdict.fits ? 0 : 1;
}
