// The exact command a run starts with, built from a config as an argument array plus environment (never a
// string pasted into a shell). ms-swift 4 reads the YAML itself (`megatron sft cfg.yaml`); 3.4.1 cannot, so its
// configs are expanded into `--name value` flags (lists as several values, booleans as true/false, mappings as
// JSON, null left out). The config's ENV and the GPU choice are set explicitly in the environment, so that what
// the user sees is what runs (ms-swift would otherwise let a variable already set in the shell win).
import { argvForm } from '../args/argparse';
import { CommandName } from '../catalog/schema';
import { commandCatalog } from '../catalog/catalog';
import { ConfigContext } from '../config/context';
import { ConfigDocument } from '../config/parse';
import { pyStr } from '../config/pyyaml';

export type LaunchMode = 'auto' | 'yaml' | 'flags';

export interface BuildOptions {
  /** path of the config file as the command should name it (relative to cwd, or absolute) */
  configPath: string;
  /** the folder the command runs in */
  cwd: string;
  mode?: LaunchMode;
  /** GPU indices to use: sets CUDA_VISIBLE_DEVICES and NPROC_PER_NODE */
  gpus?: number[];
  /** for multi-node configs: this node's rank (sets NODE_RANK) */
  nodeRank?: number;
}

export interface LaunchCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** how the config reaches ms-swift */
  mode: 'yaml' | 'flags';
}

export class CommandBuildError extends Error {}

/** The program and sub-command: `megatron sft` -> ['megatron', 'sft']. */
export function programOf(command: CommandName): [string, string] {
  const [program, sub] = command.split(' ') as [string, string];
  return [program, sub];
}

export function resolveMode(mode: LaunchMode | undefined, version: string): 'yaml' | 'flags' {
  if (mode === 'yaml' || mode === 'flags') return mode;
  return version.startsWith('3.') ? 'flags' : 'yaml';
}

/** ENV of the config as the launcher exports it (str() of each value; null values are not exported). */
export function configEnv(doc: ConfigDocument): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of doc.envVars) if (v.py && v.py.t !== 'null') env[v.key] = pyStr(v.py);
  return env;
}

export function buildCommand(doc: ConfigDocument, context: ConfigContext, options: BuildOptions): LaunchCommand {
  const mode = resolveMode(options.mode, context.version);
  if (mode === 'yaml' && context.version.startsWith('3.')) {
    throw new CommandBuildError('ms-swift 3.4.1 cannot read a YAML config; use --mode flags (or auto)');
  }
  const [program, sub] = programOf(context.command);
  const env = configEnv(doc);
  if (options.gpus) {
    if (options.gpus.length === 0) throw new CommandBuildError('no GPU selected');
    env.CUDA_VISIBLE_DEVICES = options.gpus.join(',');
    if (program === 'megatron') env.NPROC_PER_NODE = String(options.gpus.length);
  }
  if (options.nodeRank !== undefined) env.NODE_RANK = String(options.nodeRank);
  const argv = [program, sub];
  if (mode === 'yaml') {
    argv.push(options.configPath);
  } else {
    argv.push(...flagsFor(doc, context));
  }
  return { argv, env, cwd: options.cwd, mode };
}

/** `--name value` flags for every argument of the config (a key given twice: the later value wins, as in YAML). */
export function flagsFor(doc: ConfigDocument, context: ConfigContext): string[] {
  const catalog = commandCatalog(context.version, context.command);
  if (!catalog) throw new CommandBuildError(`${context.command} does not exist in ms-swift ${context.version}`);
  const flags = new Map<string, string[]>();
  for (const e of doc.entries) {
    if (!e.py) throw new CommandBuildError(`the value of ${e.key} cannot be read`);
    const r = catalog.resolve(e.key);
    const name = r.kind === 'exact' || r.kind === 'dashed' || r.kind === 'prefix' ? r.spec.name : e.key;
    const form = argvForm(e.py, 'flags');
    flags.delete(name);
    if (form.isNull) continue; // null: leave it out, the default applies
    if (form.isEmptyList) throw new CommandBuildError(`${e.key} is an empty list; leave it out to get the default`);
    const dashItem = form.items.findIndex((i) => i.startsWith('-') && !/^-\.?\d/.test(i));
    if (dashItem >= 0 && form.items.length > 1) {
      throw new CommandBuildError(`the list under ${e.key} has an item starting with "-" (${form.items[dashItem]}), which argparse would read as an option`);
    }
    // argparse reads a value starting with "-" as an option: attach it with "="
    flags.set(name, dashItem === 0 ? [`--${name}=${form.items[0]}`] : [`--${name}`, ...form.items]);
  }
  return [...flags.values()].flat();
}
