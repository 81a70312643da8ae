// Decides which command and ms-swift version a config is for:
//   1. an explicit choice (the CLI's --command / --ms-swift-version),
//   2. the first-line modeline (`# megatron sft ms-swift=4.5.2`),
//   3. settings (msSwiftStudio.defaultCommand / msSwiftStudio.msSwiftVersion),
//   4. inference from the keys: the command/version whose catalog knows the most keys wins; ties go to the
//      first in INFERENCE_ORDER (megatron sft first, megatron export last) and to 4.5.2 before 3.4.1;
//      an `rlhf_type` key selects the rlhf command of the winning program,
//   5. the default: megatron sft on ms-swift 4.5.2.
import { CommandName, COMMANDS, KnownVersion, KNOWN_VERSIONS } from '../catalog/schema';
import { commandCatalog } from '../catalog/catalog';
import { ConfigDocument } from './parse';

/** Preference among commands that know the same number of keys. */
const INFERENCE_ORDER: readonly CommandName[] = [
  'megatron sft', 'megatron pt', 'megatron rlhf', 'swift export', 'swift infer', 'swift sft', 'swift pt', 'swift rlhf',
  'swift deploy', 'swift eval', 'megatron export',
];

export type Origin = 'option' | 'modeline' | 'settings' | 'inferred' | 'default';

export interface ConfigContext {
  command: CommandName;
  commandFrom: Origin;
  /** the catalog version used */
  version: KnownVersion;
  versionFrom: Origin;
  /** the version asked for, when it is not one we have a catalog for (the nearest is used) */
  requestedVersion?: string;
}

export interface ContextOptions {
  command?: CommandName;
  version?: string;
  settings?: { command?: CommandName | null; version?: string | null };
}

export const DEFAULT_COMMAND: CommandName = 'megatron sft';
export const DEFAULT_VERSION: KnownVersion = '4.5.2';

function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** The known version to use for a requested one: the same one, else the nearest of the same major, else the nearest. */
export function nearestKnownVersion(requested: string): { version: KnownVersion; exact: boolean } | undefined {
  if ((KNOWN_VERSIONS as readonly string[]).includes(requested)) return { version: requested as KnownVersion, exact: true };
  const r = parseVersion(requested);
  if (!r) return undefined;
  const score = (v: number[]) => Math.abs(v[0]! - r[0]!) * 1e6 + Math.abs(v[1]! - r[1]!) * 1e3 + Math.abs(v[2]! - r[2]!);
  let best: KnownVersion = KNOWN_VERSIONS[0];
  let bestScore = Infinity;
  for (const k of KNOWN_VERSIONS) {
    const s = score(parseVersion(k)!);
    if (s < bestScore) {
      best = k;
      bestScore = s;
    }
  }
  return { version: best, exact: false };
}

export function isCommandName(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}

/** How many of the keys the command/version knows (exact or dashed spellings). */
export function knownKeyCount(keys: string[], command: CommandName, version: KnownVersion): number {
  const cat = commandCatalog(version, command);
  if (!cat) return -1;
  let n = 0;
  for (const k of keys) {
    const r = cat.resolve(k);
    if (r.kind === 'exact' || r.kind === 'dashed') n++;
  }
  return n;
}

export function inferCommandAndVersion(
  keys: string[],
  fixed: { command?: CommandName; version?: KnownVersion } = {},
): { command: CommandName; version: KnownVersion; score: number } {
  const commands = fixed.command ? [fixed.command] : INFERENCE_ORDER;
  const versions: readonly KnownVersion[] = fixed.version ? [fixed.version] : ['4.5.2', '3.4.1'];
  let best: { command: CommandName; version: KnownVersion; score: number } | undefined;
  for (const command of commands) {
    for (const version of versions) {
      const score = knownKeyCount(keys, command, version);
      if (score < 0) continue;
      if (!best || score > best.score) best = { command, version, score };
    }
  }
  if (!best) return { command: fixed.command ?? DEFAULT_COMMAND, version: fixed.version ?? DEFAULT_VERSION, score: 0 };
  if (!fixed.command && keys.includes('rlhf_type')) {
    const rlhf = (best.command.startsWith('megatron') ? 'megatron rlhf' : 'swift rlhf') as CommandName;
    const version: KnownVersion = commandCatalog(best.version, rlhf) ? best.version : '4.5.2';
    if (commandCatalog(version, rlhf)) return { command: rlhf, version, score: knownKeyCount(keys, rlhf, version) };
  }
  return best;
}

export function resolveContext(doc: ConfigDocument, options: ContextOptions = {}): ConfigContext {
  const keys = doc.entries.map((e) => e.key);
  let command: CommandName | undefined;
  let commandFrom: Origin = 'default';
  if (options.command) {
    command = options.command;
    commandFrom = 'option';
  } else if (doc.modeline?.command) {
    command = doc.modeline.command;
    commandFrom = 'modeline';
  } else if (options.settings?.command) {
    command = options.settings.command;
    commandFrom = 'settings';
  }
  let requested: string | undefined;
  let versionFrom: Origin = 'default';
  if (options.version) {
    requested = options.version;
    versionFrom = 'option';
  } else if (doc.modeline?.version) {
    requested = doc.modeline.version;
    versionFrom = 'modeline';
  } else if (options.settings?.version) {
    requested = options.settings.version;
    versionFrom = 'settings';
  }
  let version: KnownVersion | undefined;
  let requestedVersion: string | undefined;
  if (requested) {
    const n = nearestKnownVersion(requested);
    if (n) {
      version = n.version;
      if (!n.exact) requestedVersion = requested;
    } else {
      requestedVersion = requested;
    }
  }
  // a command that does not exist in the chosen version (megatron rlhf/export on 3.4.1) keeps the command and
  // falls back to a version that has it only when the version was not chosen explicitly
  if (!command || !version) {
    const inferred = inferCommandAndVersion(keys, { command, version });
    if (!command) {
      command = inferred.command;
      commandFrom = inferred.score > 0 ? 'inferred' : 'default';
    }
    if (!version) {
      version = inferred.version;
      versionFrom = inferred.score > 0 ? 'inferred' : 'default';
    }
  }
  if (!commandCatalog(version, command) && versionFrom !== 'option' && versionFrom !== 'modeline') {
    version = DEFAULT_VERSION;
  }
  const ctx: ConfigContext = { command, commandFrom, version, versionFrom };
  if (requestedVersion) ctx.requestedVersion = requestedVersion;
  return ctx;
}
