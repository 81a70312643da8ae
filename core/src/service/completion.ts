// Completion for run configs: argument names (ranked, with type/default/summary), values (choices, booleans,
// defaults, model and dataset ids, file paths), ENV variables and their values, the modeline, and starter
// configs in an empty file.
import { commandCatalog } from '../catalog/catalog';
import { ArgSpec, COMMANDS, KNOWN_VERSIONS } from '../catalog/schema';
import { choiceText } from '../args/argparse';
import { ConfigContext } from '../config/context';
import { ConfigDocument } from '../config/parse';
import { argDescription, firstSentence, Locale } from '../docs/arg-docs';
import { hubIds } from '../docs/hub-ids';
import { envVars } from '../env/catalog';
import { FileView, resolvePath } from '../files';
import { Position, Range } from '../text/positions';
import { cursorContext } from './cursor';
import { formatDefault, typeLabel } from './describe';
import { starterSnippets } from './snippets';
import { t } from './i18n';

export type CompletionKind = 'property' | 'enum' | 'value' | 'constant' | 'module' | 'folder' | 'file' | 'variable' | 'snippet' | 'keyword';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** markdown */
  documentation?: string;
  /** text to insert (a snippet when `snippet` is true); the label when absent */
  insertText?: string;
  snippet?: boolean;
  range: Range;
  sortText?: string;
  filterText?: string;
  /** open completion again after inserting (value choices after a key) */
  retrigger?: boolean;
  preselect?: boolean;
}

export interface CompletionOptions {
  locale: Locale;
  files?: FileView;
  /** folder relative paths are completed against */
  baseDir?: string;
  home?: string;
}

/** The arguments almost every config sets, offered first (then the ones ms-swift's docs mark as most used). */
const ESSENTIALS = new Set([
  'model', 'mcore_model', 'load', 'adapters', 'dataset', 'val_dataset', 'tuner_type', 'train_type', 'micro_batch_size',
  'global_batch_size', 'tensor_model_parallel_size', 'pipeline_model_parallel_size', 'sequence_parallel',
  'expert_model_parallel_size', 'context_parallel_size', 'recompute_granularity', 'recompute_method',
  'recompute_num_layers', 'lr', 'min_lr', 'lr_warmup_fraction', 'train_iters', 'num_train_epochs', 'max_length', 'packing',
  'output_dir', 'save', 'save_steps', 'save_interval', 'eval_steps', 'finetune', 'torch_dtype', 'lora_rank', 'lora_alpha',
  'target_modules', 'system', 'learning_rate', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'deepspeed',
  'logging_steps', 'warmup_ratio', 'to_mcore', 'to_hf', 'infer_backend', 'stream', 'max_new_tokens', 'temperature',
  'merge_lora', 'rlhf_type', 'beta',
]);

const MODEL_KEYS = new Set(['model', 'ref_model', 'teacher_model', 'reward_model', 'value_model']);
const DATASET_KEYS = new Set(['dataset', 'val_dataset']);
const PATH_KEY = /(^|_)(dir|path|file|files)$|^(load|save|output_dir|mcore_model|mcore_adapters?|mcore_ref_model|adapters|deepspeed|resume_from_checkpoint|ckpt_dir|model|ref_model|teacher_model|reward_model|dataset|val_dataset|cached_dataset|external_plugins|custom_register_path|ref_adapters|teacher_adapters)$/;

export function complete(doc: ConfigDocument, context: ConfigContext, pos: Position, options: CompletionOptions): Completion[] {
  const c = cursorContext(doc.lines, pos);
  const catalog = commandCatalog(context.version, context.command);
  switch (c.kind) {
    case 'modeline':
      return modelineItems(c.range);
    case 'key': {
      if (!catalog) return [];
      const items = keyItems(doc, context, catalog.specs(), c.range, pos.line, options.locale);
      if (doc.entries.length === 0 && !doc.envEntry) items.push(...snippetItems(c.range, options.locale, !!doc.modeline));
      if (!doc.envEntry && 'ENV'.startsWith(c.prefix.toUpperCase())) {
        items.push({ label: 'ENV', kind: 'keyword', detail: t('envVariable', options.locale), insertText: 'ENV:\n  ', range: c.range, sortText: '0_ENV', retrigger: true });
      }
      return items;
    }
    case 'value': {
      if (!catalog) return [];
      const r = catalog.resolve(c.key);
      const spec = r.kind === 'exact' || r.kind === 'dashed' || r.kind === 'prefix' ? r.spec : undefined;
      if (!spec) return [];
      return valueItems(spec, context, c.range, c.prefix, c.listItem, options);
    }
    case 'env-key':
      return envKeyItems(doc, c.range, options.locale);
    case 'env-value':
      return envValueItems(c.name, c.range, options.locale);
    default:
      return [];
  }
}

function modelineItems(range: Range): Completion[] {
  const out: Completion[] = [];
  for (const command of COMMANDS) {
    for (const v of [...KNOWN_VERSIONS].reverse()) {
      if (!commandCatalog(v, command)) continue;
      const label = `# ${command} ms-swift=${v}`;
      out.push({ label, kind: 'keyword', insertText: label, range, sortText: `${command === 'megatron sft' ? 0 : 1}_${label}`, filterText: label });
    }
  }
  return out;
}

/** Key items without their range, per command, version and locale: built once, they are the bulk of the work. */
const keyTemplates = new Map<string, Array<Omit<Completion, 'range'>>>();

function keyItems(doc: ConfigDocument, context: ConfigContext, specs: ArgSpec[], range: Range, line: number, locale: Locale): Completion[] {
  const taken = new Set(doc.entries.filter((e) => e.keyRange.start.line !== line).map((e) => e.key));
  const cacheKey = `${context.version}\u0000${context.command}\u0000${locale}`;
  let templates = keyTemplates.get(cacheKey);
  if (!templates) {
    templates = keyTemplateList(context, specs, locale);
    keyTemplates.set(cacheKey, templates);
  }
  const out: Completion[] = [];
  for (const t of templates) if (!taken.has(t.label)) out.push({ ...t, range });
  return out;
}

function keyTemplateList(context: ConfigContext, specs: ArgSpec[], locale: Locale): Array<Omit<Completion, 'range'>> {
  const out: Array<Omit<Completion, 'range'>> = [];
  for (const spec of specs) {
    if (spec.private || spec.problem) continue;
    const summary = argDescription(spec.name, context.command, locale);
    const values = spec.kind === 'enum' ? (spec.choices ?? []).map(choiceText) : spec.kind === 'bool' ? ['true', 'false'] : undefined;
    const insertText = values?.length ? `${spec.name}: \${1|${values.map(escapeChoice).join(',')}|}` : `${spec.name}: $0`;
    out.push({
      label: spec.name,
      kind: 'property',
      detail: `${typeLabel(spec)} · ${t('default', locale)} ${formatDefault(spec, locale)}${spec.common ? ` · ${t('mostUsed', locale)}` : ''}`,
      documentation: summary ? firstSentence(summary) : undefined,
      insertText,
      snippet: true,
      sortText: `${ESSENTIALS.has(spec.name) ? '0' : spec.common ? '1' : '2'}_${spec.name}`,
      retrigger: !values?.length && (spec.kind === 'list' || MODEL_KEYS.has(spec.name) || PATH_KEY.test(spec.name)),
    } as Omit<Completion, 'range'>);
  }
  return out;
}

function escapeChoice(s: string): string {
  return s.replace(/[,|$}\\]/g, (m) => `\\${m}`);
}

function valueItems(spec: ArgSpec, context: ConfigContext, range: Range, prefix: string, listItem: boolean, options: CompletionOptions): Completion[] {
  const out: Completion[] = [];
  const locale = options.locale;
  if (spec.choices?.length) {
    for (const ch of spec.choices) {
      const text = choiceText(ch);
      const isDefault = JSON.stringify(spec.default) === JSON.stringify(ch);
      out.push({ label: text, kind: 'enum', range, sortText: `${isDefault ? 0 : 1}_${text}`, preselect: isDefault, detail: isDefault ? t('default', locale) : undefined });
    }
  } else if (spec.kind === 'bool') {
    for (const v of ['true', 'false']) out.push({ label: v, kind: 'constant', range, preselect: String(spec.default) === v, detail: String(spec.default) === v ? t('default', locale) : undefined });
  } else if ((spec.kind === 'int' || spec.kind === 'float') && typeof spec.default === 'number') {
    out.push({ label: String(spec.default), kind: 'value', range, detail: t('default', locale) });
  }
  if (MODEL_KEYS.has(spec.name)) out.push(...modelIdItems(context, range, locale));
  if (DATASET_KEYS.has(spec.name)) out.push(...datasetIdItems(range));
  if (PATH_KEY.test(spec.name) && options.files && options.baseDir) out.push(...pathItems(prefix, range, options));
  void listItem;
  return out;
}

function modelIdItems(context: ConfigContext, range: Range, locale: Locale): Completion[] {
  const megatron = context.command.startsWith('megatron ');
  const out: Completion[] = [];
  for (const m of hubIds().models) {
    if (!m.versions.includes(context.version)) continue;
    if (megatron && !m.megatron) continue;
    out.push({
      label: m.id,
      kind: 'module',
      detail: [m.type, m.megatron ? t('megatronSupported', locale) : '', m.hf && m.hf !== m.id ? `HF: ${m.hf}` : ''].filter(Boolean).join(' · '),
      range,
      sortText: `2_${m.id}`,
    });
  }
  return out;
}

function datasetIdItems(range: Range): Completion[] {
  return hubIds().datasets.map((d) => ({
    label: d.id,
    kind: 'module' as const,
    detail: d.subsets.length > 1 || d.subsets[0] !== 'default' ? `subsets: ${d.subsets.slice(0, 8).join(', ')}${d.subsets.length > 8 ? ', …' : ''}` : undefined,
    documentation: 'Append `:subset` to pick subsets and `#N` to sample N rows, e.g. `' + d.id + '#1000`.',
    range,
    sortText: `2_${d.id}`,
  }));
}

function pathItems(prefix: string, range: Range, options: CompletionOptions): Completion[] {
  const typed = prefix.replace(/^['"]/, '');
  const slash = typed.lastIndexOf('/');
  const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const base = slash >= 0 ? typed.slice(slash + 1) : typed;
  const dir = resolvePath(dirPart || '.', options.baseDir!, options.home);
  const out: Completion[] = [];
  const names = options.files!.list(dir).filter((n) => n.startsWith(base) && (base.startsWith('.') || !n.startsWith('.'))).sort();
  for (const name of names.slice(0, 500)) {
    const isDir = options.files!.isDirectory(`${dir}/${name}`);
    out.push({
      label: isDir ? `${name}/` : name,
      kind: isDir ? 'folder' : 'file',
      insertText: `${dirPart}${name}${isDir ? '/' : ''}`,
      filterText: `${dirPart}${name}`,
      range,
      sortText: `1_${isDir ? 0 : 1}_${name}`,
      retrigger: isDir,
    });
  }
  return out;
}

function envKeyItems(doc: ConfigDocument, range: Range, locale: Locale): Completion[] {
  const taken = new Set(doc.envVars.filter((v) => v.keyRange.start.line !== range.start.line).map((v) => v.key));
  const out: Completion[] = [];
  const order = ['launcher', 'cuda', 'ms-swift', 'pytorch', 'nccl', 'hub', 'other'];
  for (const [name, info] of envVars()) {
    if (taken.has(name)) continue;
    out.push({
      label: name,
      kind: 'variable',
      detail: `${info.category}${info.example ? ` · e.g. ${info.example}` : ''}`,
      documentation: info[locale],
      insertText: info.values?.length ? `${name}: \${1|${info.values.map((v) => escapeChoice(JSON.stringify(v))).join(',')}|}` : `${name}: "\${1:${info.example.replace(/[$}\\]/g, '\\$&')}}"`,
      snippet: true,
      range,
      sortText: `${order.indexOf(info.category)}_${name}`,
    });
  }
  return out;
}

function envValueItems(name: string, range: Range, locale: Locale): Completion[] {
  const info = envVars().get(name);
  if (!info) return [];
  const values = info.values?.length ? info.values : info.example ? [info.example] : [];
  return values.map((v, i) => ({ label: JSON.stringify(v), kind: 'value' as const, detail: i === 0 && !info.values?.length ? t('example', locale) : undefined, range }));
}

function snippetItems(range: Range, locale: Locale, hasModeline: boolean): Completion[] {
  return starterSnippets().map((s) => ({
    label: s.prefix,
    kind: 'snippet' as const,
    detail: s.description[locale],
    documentation: '```yaml\n' + s.body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\d/g, '') + '\n```',
    insertText: (hasModeline && s.body[0]!.startsWith('#') ? s.body.slice(1) : s.body).join('\n'),
    snippet: true,
    range,
    sortText: `00_${s.prefix}`,
  }));
}
