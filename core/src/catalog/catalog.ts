// Loads the checked-in argument catalogs (validated with zod) and answers questions about argument names:
// exact names, dashed spellings, argparse prefix matching, renames between versions.
import { ArgSpec, CommandName, COMMANDS, KnownVersion, KNOWN_VERSIONS, Rename, RenamesData, RenamesSchema, VersionCatalogData, VersionCatalogSchema } from './schema';

function loadRaw(version: KnownVersion): unknown {
  // Static requires so that bundlers inline the data.
  switch (version) {
    case '3.4.1':
      return require('../../data/catalog/ms-swift-3.4.1.json');
    case '4.5.2':
      return require('../../data/catalog/ms-swift-4.5.2.json');
  }
}

/** How a YAML key maps onto the command's arguments, following argparse (allow_abbrev is on in HfArgumentParser). */
export type KeyResolution =
  | { kind: 'exact'; spec: ArgSpec }
  /** `micro-batch-size`: the hyphenated alias argparse registers */
  | { kind: 'dashed'; spec: ArgSpec }
  /** `no_x` / `no-x`: the switch argparse adds for a bool that defaults to true; takes no value */
  | { kind: 'no-switch'; spec: ArgSpec }
  /** a unique prefix of one argument's option strings */
  | { kind: 'prefix'; spec: ArgSpec; bothSpellings: boolean }
  /** a prefix of several arguments' option strings: argparse reports "ambiguous option" */
  | { kind: 'ambiguous'; candidates: ArgSpec[] }
  | { kind: 'unknown' };

export class CommandCatalog {
  private readonly byName = new Map<string, ArgSpec>();
  /** option string without the leading `--` -> [spec, is no-switch] */
  private readonly options: Array<[string, ArgSpec, boolean]> = [];
  private readonly optionMap = new Map<string, [ArgSpec, boolean]>();

  constructor(
    readonly version: KnownVersion,
    readonly command: CommandName,
    readonly argsClass: string,
    specs: ArgSpec[],
  ) {
    for (const spec of specs) {
      this.byName.set(spec.name, spec);
      for (const o of optionSpellings(spec.name)) this.addOption(o, spec, false);
    }
    for (const spec of specs) {
      if (spec.noFlag) for (const o of optionSpellings(`no_${spec.name}`)) this.addOption(o, spec, true);
    }
    this.options.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private addOption(option: string, spec: ArgSpec, noSwitch: boolean): void {
    if (this.optionMap.has(option)) return;
    this.optionMap.set(option, [spec, noSwitch]);
    this.options.push([option, spec, noSwitch]);
  }

  /** All argument specs in argparse registration order. */
  specs(): ArgSpec[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): ArgSpec | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  resolve(key: string): KeyResolution {
    const exact = this.byName.get(key);
    if (exact) return { kind: 'exact', spec: exact };
    const opt = this.optionMap.get(key);
    if (opt) return opt[1] ? { kind: 'no-switch', spec: opt[0] } : { kind: 'dashed', spec: opt[0] };
    if (key.length === 0) return { kind: 'unknown' };
    // argparse: every option string that starts with the given text is a candidate.
    const matches = this.prefixMatches(key);
    if (matches.length === 0) return { kind: 'unknown' };
    const distinct = [...new Set(matches.map((m) => m[1]))];
    if (distinct.length > 1) return { kind: 'ambiguous', candidates: distinct };
    return { kind: 'prefix', spec: distinct[0]!, bothSpellings: matches.length > 1 };
  }

  private prefixMatches(prefix: string): Array<[string, ArgSpec, boolean]> {
    // binary search for the first option >= prefix
    let lo = 0;
    let hi = this.options.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.options[mid]![0] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: Array<[string, ArgSpec, boolean]> = [];
    for (let i = lo; i < this.options.length && this.options[i]![0].startsWith(prefix); i++) out.push(this.options[i]!);
    return out;
  }
}

/** The spellings argparse accepts for a field name (without `--`). */
export function optionSpellings(name: string): string[] {
  const dashed = name.replace(/_/g, '-');
  return dashed === name ? [name] : [name, dashed];
}

export class VersionCatalog {
  private readonly commandCatalogs = new Map<CommandName, CommandCatalog>();

  constructor(readonly data: VersionCatalogData) {}

  get version(): KnownVersion {
    return this.data.version;
  }

  commands(): CommandName[] {
    return COMMANDS.filter((c) => c in this.data.commands);
  }

  command(name: CommandName): CommandCatalog | undefined {
    let cat = this.commandCatalogs.get(name);
    if (cat) return cat;
    const c = this.data.commands[name];
    if (!c) return undefined;
    const specs = Object.values(c.args).map((i) => this.data.specs[i]!);
    cat = new CommandCatalog(this.version, name, c.argsClass, specs);
    this.commandCatalogs.set(name, cat);
    return cat;
  }
}

const versionCache = new Map<KnownVersion, VersionCatalog>();

export function versionCatalog(version: KnownVersion): VersionCatalog {
  let cat = versionCache.get(version);
  if (!cat) {
    const parsed = VersionCatalogSchema.safeParse(loadRaw(version));
    if (!parsed.success) throw new Error(`argument catalog for ms-swift ${version} is malformed: ${parsed.error.message}`);
    cat = new VersionCatalog(parsed.data);
    versionCache.set(version, cat);
  }
  return cat;
}

export function commandCatalog(version: KnownVersion, command: CommandName): CommandCatalog | undefined {
  return versionCatalog(version).command(command);
}

let renamesCache: { data: RenamesData; byOld: Map<string, Rename> } | undefined;

function renames(): { data: RenamesData; byOld: Map<string, Rename> } {
  if (!renamesCache) {
    const data = RenamesSchema.parse(require('../../data/catalog/renames-3.4.1-to-4.5.2.json'));
    renamesCache = { data, byOld: new Map(data.renames.map((r) => [r.old, r])) };
  }
  return renamesCache;
}

/**
 * The 3.4.1 -> 4.5.2 rename or removal of a Megatron-SWIFT argument name, for a 4.5.2 command.
 * `train_type` -> `tuner_type` applies to the swift training commands too.
 */
export function renameInV4(name: string, command: CommandName): Rename | undefined {
  const r = renames().byOld.get(name);
  if (!r) return undefined;
  if (command.startsWith('megatron ')) return r;
  // swift commands share only the base-argument renames
  const v3 = commandCatalog('3.4.1', command);
  const v4 = commandCatalog('4.5.2', command);
  if (!v3?.has(name) || v4?.has(name)) return undefined;
  return r.new && v4?.has(r.new) ? r : undefined;
}

/** The 3.4.1 name that a 4.5.2 name replaced, for users of 3.4.1 who write the new name. */
export function v3NameFor(v4Name: string): Rename | undefined {
  return renames().data.renames.find((r) => r.new === v4Name && r.relation !== 'removed' && r.relation !== 'compat-dropped');
}

export function allKnownVersions(): readonly KnownVersion[] {
  return KNOWN_VERSIONS;
}
