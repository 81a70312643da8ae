// Builds the project's argument catalog (core/data/catalog/*.json) from ms-swift's extracted argument
// reference (../shared/reference/args by default, or $MS_SWIFT_REFERENCE_ARGS). Deterministic: the test
// test/catalog-current.test.ts runs buildCatalogFiles() and compares with the checked-in files.
import * as fs from 'fs';
import * as path from 'path';
import { ArgSpec, COMMANDS, Rename, RenamesData, VersionCatalogData, VersionCatalogSchema, RenamesSchema } from '../core/src/catalog/schema';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CATALOG_DIR = path.join(REPO_ROOT, 'core', 'data', 'catalog');

export function defaultReferenceDir(): string {
  return process.env.MS_SWIFT_REFERENCE_ARGS ?? path.resolve(REPO_ROOT, '..', 'shared', 'reference', 'args');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ref = any;

function readJson(file: string): Ref {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const KIND_BY_TYPE: Record<string, ArgSpec['kind']> = {
  bool: 'bool',
  int: 'int',
  float: 'float',
  str: 'str',
  enum: 'enum',
  'list[str]': 'list',
  'list[int]': 'list',
  'list[float]': 'list',
  'dict/json': 'dict',
  'union/other': 'other',
};

function toSpec(a: Ref, commonNames: Set<string>): ArgSpec {
  const kind = KIND_BY_TYPE[a.type];
  if (!kind) throw new Error(`unknown argument type ${a.type} for ${a.name}`);
  const cli = a.cli ?? {};
  const spec: ArgSpec = {
    name: a.name,
    kind,
    annotation: a.annotation,
    optional: Boolean(a.optional),
    sourceClass: a.source_class,
    source: a.source,
  };
  if (kind === 'list') spec.items = a.type.slice(5, -1);
  if (kind === 'enum' && Array.isArray(a.choices)) spec.choices = a.choices;
  if (kind === 'list' && Array.isArray(cli.item_choices)) spec.choices = cli.item_choices;
  if (typeof a.default === 'string' && a.default.startsWith('<computed:')) {
    spec.computedDefault = a.default.slice('<computed:'.length, -1).trim();
  } else if (!a.required) {
    spec.default = a.default;
  }
  if (cli.kind === 'bool') spec.boolMode = cli.value_required ? 'value-required' : 'flag';
  if (Array.isArray(cli.no_flags) && cli.no_flags.length) spec.noFlag = true;
  if (kind === 'list' && 'effective_default' in cli && cli.effective_default === null && a.default !== null) {
    spec.listDefaultIgnored = true;
  }
  if (cli.problem) spec.problem = cli.problem;
  if (a.private) spec.private = true;
  if (commonNames.has(a.name)) spec.common = true;
  return spec;
}

/** Names whose documentation bullet carries the "most used" flame mark. */
function commonNamesFrom(docsIndex: Ref): Set<string> {
  const out = new Set<string>();
  for (const [name, bullets] of Object.entries<Ref[]>(docsIndex.arguments ?? {})) {
    if (bullets.some((b) => typeof b.text === 'string' && b.text.includes('\u{1F525}'))) out.add(name);
  }
  return out;
}

export function buildVersionCatalog(refDir: string, tag: string): VersionCatalogData {
  const ref = readJson(path.join(refDir, `ms-swift-${tag}.json`));
  const docs = readJson(path.join(refDir, `ms-swift-${tag}.docs-index.json`));
  const common = commonNamesFrom(docs);
  const specs: ArgSpec[] = [];
  const specIndex = new Map<string, number>();
  const commands: VersionCatalogData['commands'] = {};
  for (const command of COMMANDS) {
    const c = ref.commands[command];
    if (!c) continue;
    const args: Record<string, number> = {};
    for (const a of c.arguments) {
      const spec = toSpec(a, common);
      const key = JSON.stringify(spec);
      let idx = specIndex.get(key);
      if (idx === undefined) {
        idx = specs.length;
        specs.push(spec);
        specIndex.set(key, idx);
      }
      args[a.name] = idx;
    }
    const cls = c.dataclasses?.[0];
    commands[command] = { argsClass: cls ? `${cls.qualname ?? cls.name}` : '', args };
  }
  return VersionCatalogSchema.parse({
    version: tag.replace(/^v/, ''),
    source: { repository: ref.source.repository, tag: ref.source.tag, commit: ref.source.commit },
    commands,
    specs,
  });
}

/**
 * What to tell a user of a 3.4.1 name on 4.5.2, for names removed without a one-to-one successor.
 * Facts from reference/constraints.md ("Arguments renamed or removed between 3.4.1 and 4.5.2"); our words.
 */
const REMOVED_HINTS: Record<string, { new?: string; hint: string }> = {
  use_flash_attn: { new: 'attention_backend', hint: 'use `attention_backend: flash` (the 4.x default)' },
  ckpt_format: { hint: 'removed: 4.x always saves torch_dist checkpoints' },
  auto_detect_ckpt_format: { hint: 'removed: 4.x always uses torch_dist checkpoints' },
  exit_on_missing_checkpoint: { hint: 'removed in 4.x' },
  dataloader_type: { hint: 'removed in 4.x (the data loader is chosen by ms-swift)' },
  deterministic_mode: { hint: 'removed in 4.x' },
  seq_length: { new: 'max_length', hint: 'removed in 4.x: the sequence length follows `max_length` (and `packing_length` when packing)' },
  padded_vocab_size: { hint: 'removed in 4.x: the vocabulary size comes from the model config' },
  tensorboard_log_interval: { new: 'logging_steps', hint: 'removed in 4.x: use `logging_steps`' },
  log_params_norm: { hint: 'removed in 4.x' },
  log_throughput: { hint: 'removed in 4.x' },
  log_timers_to_tensorboard: { hint: 'removed in 4.x' },
  log_validation_ppl_to_tensorboard: { hint: 'removed in 4.x' },
  log_memory_to_tensorboard: { hint: 'removed in 4.x' },
  no_log_learning_rate_to_tensorboard: { hint: 'removed in 4.x' },
  logging_level: { hint: 'removed in 4.x' },
  wandb_save_dir: { hint: 'removed in 4.x: use `wandb_project` / `wandb_exp_name`' },
};
const MODEL_SHAPE_KEYS = [
  'num_layers', 'hidden_size', 'ffn_hidden_size', 'num_attention_heads', 'group_query_attention', 'num_query_groups',
  'max_position_embeddings', 'position_embedding_type', 'rotary_base', 'rotary_percent', 'normalization', 'norm_epsilon',
  'swiglu', 'untie_embeddings_and_output_weights', 'disable_bias_linear', 'add_qkv_bias', 'attention_dropout',
  'hidden_dropout', 'kv_channels', 'qk_layernorm', 'transformer_impl', 'num_experts', 'moe_ffn_hidden_size',
  'moe_shared_expert_intermediate_size', 'moe_router_topk', 'moe_router_pre_softmax',
];
for (const k of MODEL_SHAPE_KEYS) {
  REMOVED_HINTS[k] = {
    new: 'megatron_extra_kwargs',
    hint: 'removed as a top-level key in 4.x: the model shape is read from the model\'s config.json; override it through `megatron_extra_kwargs` (JSON) if you must',
  };
}

function renameHint(r: Ref): string {
  switch (r.relation) {
    case 'inverted':
      return `inverted in 4.x: use \`${r.new}\` with the opposite value (\`${r.old}: true\` becomes \`${r.new}: false\`)`;
    case 'unit-change':
      return `renamed to \`${r.new}\` in 4.x, and the unit changed from minutes to seconds`;
    case 'replaced-by':
      return `replaced by \`${r.new}\` in 4.x`;
    case 'compat-dropped':
      return `the 3.x compatibility alias is gone in 4.x: use \`${r.new}\``;
    default:
      return `renamed to \`${r.new}\` in 4.x`;
  }
}

export function buildRenames(refDir: string): RenamesData {
  const diff = readJson(path.join(refDir, 'ms-swift-v3.4.1-to-v4.5.2.megatron-sft.diff.json'));
  const renames: Rename[] = [];
  for (const r of diff.renamed) {
    renames.push({ old: r.old, new: r.new, relation: r.relation, hint: renameHint(r) });
  }
  for (const r of diff.removed) {
    const h = REMOVED_HINTS[r.name];
    renames.push(
      h?.new
        ? { old: r.name, new: h.new, relation: 'removed', hint: h.hint }
        : { old: r.name, relation: 'removed', hint: h?.hint ?? 'removed in 4.x' },
    );
  }
  renames.sort((a, b) => a.old.localeCompare(b.old));
  return RenamesSchema.parse({ from: '3.4.1', to: '4.5.2', commands: ['megatron sft', 'megatron pt', 'megatron rlhf', 'megatron export'], renames });
}

/** File name -> content, exactly as checked in. */
export function buildCatalogFiles(refDir = defaultReferenceDir()): Map<string, string> {
  if (!fs.existsSync(refDir)) {
    throw new Error(`ms-swift argument reference not found at ${refDir} (set MS_SWIFT_REFERENCE_ARGS)`);
  }
  const files = new Map<string, string>();
  for (const tag of ['v3.4.1', 'v4.5.2']) {
    const cat = buildVersionCatalog(refDir, tag);
    files.set(`ms-swift-${cat.version}.json`, JSON.stringify(cat, null, 1) + '\n');
  }
  files.set('renames-3.4.1-to-4.5.2.json', JSON.stringify(buildRenames(refDir), null, 1) + '\n');
  // every argument name of every command and version: lets the client recognise configs without the full catalog
  const names = new Set<string>();
  for (const tag of ['v3.4.1', 'v4.5.2']) {
    const cat = buildVersionCatalog(refDir, tag);
    for (const c of Object.values(cat.commands)) for (const n of Object.keys(c.args)) names.add(n);
  }
  files.set('argument-names.json', JSON.stringify([...names].sort()) + '\n');
  return files;
}

if (require.main === module) {
  const files = buildCatalogFiles();
  fs.mkdirSync(CATALOG_DIR, { recursive: true });
  for (const [name, content] of files) {
    fs.writeFileSync(path.join(CATALOG_DIR, name), content);
    console.log(`wrote core/data/catalog/${name} (${(content.length / 1024).toFixed(0)} KiB)`);
  }
}
