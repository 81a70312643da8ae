// Hover documentation: arguments (our description in the user's language, type, default, choices, versions,
// related arguments), the model's architecture facts, ENV variables and the modeline.
import { commandCatalog, renameInV4, v3NameFor } from '../catalog/catalog';
import { ArgSpec, CommandName, KnownVersion } from '../catalog/schema';
import { choiceText } from '../args/argparse';
import { ConfigContext } from '../config/context';
import { ConfigDocument, ConfigEntry } from '../config/parse';
import { argDescription, argDoc, Locale } from '../docs/arg-docs';
import { envVar } from '../env/catalog';
import { ModelFacts } from '../model/facts';
import { Position, Range, rangeContains } from '../text/positions';
import { formatDefault, typeLabel } from './describe';
import { t } from './i18n';

export interface HoverResult {
  markdown: string;
  range: Range;
}

export interface HoverOptions {
  locale: Locale;
  /** architecture facts for the config's model, when known */
  modelFacts?: () => ModelFacts | undefined;
}

export function hover(doc: ConfigDocument, context: ConfigContext, pos: Position, options: HoverOptions): HoverResult | undefined {
  const locale = options.locale;
  const m = doc.modeline;
  if (m && pos.line === doc.lines.position(m.start).line) {
    return { markdown: modelineHover(context, locale), range: doc.lines.range(m.start, m.end) };
  }
  for (const v of doc.envVars) {
    if (rangeContains(v.keyRange, pos)) {
      const md = envHover(v.key, locale);
      return md ? { markdown: md, range: v.keyRange } : undefined;
    }
  }
  if (doc.envEntry && rangeContains(doc.envEntry.keyRange, pos)) {
    return { markdown: locale === 'zh' ? '**ENV** — 启动前导出的环境变量（ms-swift 4 的启动器读取；已在 shell 中设置的变量优先）。' : '**ENV** — environment variables exported before the run starts (read by the ms-swift 4 launcher; a variable already set in the shell wins).', range: doc.envEntry.keyRange };
  }
  const catalog = commandCatalog(context.version, context.command);
  if (!catalog) return undefined;
  for (const e of doc.entries) {
    const onKey = rangeContains(e.keyRange, pos);
    const onModelValue = !onKey && rangeContains(e.valueRange, pos);
    if (!onKey && !onModelValue) continue;
    const r = catalog.resolve(e.key);
    const spec = r.kind === 'exact' || r.kind === 'dashed' || r.kind === 'prefix' || r.kind === 'no-switch' ? r.spec : undefined;
    if (!spec) {
      if (!onKey) return undefined;
      const md = unknownKeyHover(e, context, locale);
      return md ? { markdown: md, range: e.keyRange } : undefined;
    }
    const isModel = ['model', 'mcore_model', 'load'].includes(spec.name);
    if (onModelValue && !isModel) return undefined;
    let md = argumentHover(spec, context.command, context.version, locale);
    if (isModel) {
      const facts = options.modelFacts?.();
      if (facts) md += '\n\n---\n\n' + modelFactsMarkdown(facts, locale);
    }
    return { markdown: md, range: onKey ? e.keyRange : e.valueRange };
  }
  return undefined;
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function argumentHover(spec: ArgSpec, command: CommandName, version: KnownVersion, locale: Locale): string {
  const lines: string[] = [];
  lines.push(`**${spec.name}** · ${code(command)} · ms-swift ${version}`);
  lines.push('');
  lines.push(argDescription(spec.name, command, locale) ?? t('noDescription', locale));
  lines.push('');
  const facts: string[] = [];
  facts.push(`${t('type', locale)}: ${code(spec.kind === 'enum' ? spec.annotation : typeLabel(spec))}`);
  facts.push(`${t('default', locale)}: ${code(formatDefault(spec, locale))}`);
  if (spec.choices?.length) facts.push(`${t('choices', locale)}: ${spec.choices.map((c) => code(choiceText(c))).join(', ')}`);
  lines.push(facts.join(' · '));
  const notes: string[] = [];
  if (spec.boolMode === 'flag') notes.push(t('flagOnly', locale, { name: spec.name }));
  if (spec.boolMode === 'value-required') notes.push(t('valueRequired', locale));
  if (spec.noFlag) notes.push(t('noSwitch', locale, { name: spec.name }));
  if (spec.kind === 'list') notes.push(t('list', locale));
  if (spec.problem) notes.push(t('notSettable', locale));
  if (notes.length) lines.push('', notes.join(' '));
  lines.push('', versionNote(spec.name, command, version, locale));
  const related = (argDoc(spec.name)?.related ?? []).filter((n) => commandCatalog(version, command)?.has(n));
  if (related.length) lines.push('', `${t('related', locale)}: ${related.map(code).join(', ')}`);
  lines.push('', `${t('source', locale)}: ${code(`${spec.source} (${spec.sourceClass})`)}`);
  return lines.join('\n');
}

function versionNote(name: string, command: CommandName, version: KnownVersion, locale: Locale): string {
  const v3 = commandCatalog('3.4.1', command) ?? commandCatalog('3.4.1', 'megatron sft');
  const v4 = commandCatalog('4.5.2', command);
  const inV3 = !!v3?.has(name);
  const inV4 = !!v4?.has(name);
  if (inV3 && inV4) return t('bothVersions', locale);
  if (!inV3 && inV4) {
    const old = v3NameFor(name);
    return old && v3?.has(old.old) ? `${t('onlyV4', locale)}; ${t('renamedFrom', locale)} ${code(old.old)} ${t('inV3', locale)}` : t('onlyV4', locale);
  }
  if (inV3 && !inV4) {
    const r = renameInV4(name, command);
    return r?.new ? `${t('onlyV3', locale)} (${t('renamedTo', locale)} ${code(r.new)})` : t('onlyV3', locale);
  }
  void version;
  return '';
}

function unknownKeyHover(e: ConfigEntry, context: ConfigContext, locale: Locale): string | undefined {
  // a name from the other version or another command: still explain it
  for (const version of ['4.5.2', '3.4.1'] as KnownVersion[]) {
    for (const command of [context.command, 'megatron sft', 'swift sft'] as CommandName[]) {
      const spec = commandCatalog(version, command)?.get(e.key);
      if (spec) return argumentHover(spec, command, version, locale);
    }
  }
  return undefined;
}

export function modelFactsMarkdown(f: ModelFacts, locale: Locale): string {
  const rows: Array<[string, string | number | undefined]> = [
    [t('layers', locale), f.numLayers],
    [t('hidden', locale), f.hiddenSize],
    [t('heads', locale), f.numAttentionHeads],
    [t('kvHeads', locale), f.numQueryGroups],
    [t('ffn', locale), f.ffnHiddenSize],
    [t('vocab', locale), f.vocabSize],
    [t('maxPos', locale), f.maxPositionEmbeddings],
    [t('experts', locale), f.numExperts !== undefined ? `${f.numExperts} (${f.moeRouterTopk ?? '?'})` : undefined],
  ];
  const body = rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: **${v}**`).join(' · ');
  return `**${t('modelFacts', locale)}**${f.modelType ? ` (${code(f.modelType)})` : ''}: ${body}\n\n${t('from', locale)}: ${f.origin}${f.source ? ` — ${f.source}` : ''}`;
}

function envHover(name: string, locale: Locale): string | undefined {
  const info = envVar(name);
  if (!info) return undefined;
  const lines = [`**${name}** · ${t('envVariable', locale)} · ${info.category}`, '', info[locale], ''];
  const facts = [`${t('readBy', locale)}: ${info.readBy.join(', ') || '—'}`];
  if (info.values?.length) facts.push(`${t('allowed', locale)}: ${info.values.map(code).join(', ')}`);
  else if (info.example) facts.push(`${t('example', locale)}: ${code(info.example)}`);
  lines.push(facts.join(' · '));
  if (info.risk) lines.push('', `⚠ ${t('risk', locale)}: ${info.risk}`);
  return lines.join('\n');
}

function modelineHover(context: ConfigContext, locale: Locale): string {
  const from = { option: 'command-line option', modeline: 'modeline', settings: 'settings', inferred: 'keys', default: 'default' }[context.commandFrom];
  const vfrom = { option: 'command-line option', modeline: 'modeline', settings: 'settings', inferred: 'keys', default: 'default' }[context.versionFrom];
  const extra = context.requestedVersion ? ` (${context.requestedVersion} → ${context.version})` : '';
  if (locale === 'zh') {
    return `**${t('modeline', locale)}** — ${t('checkedAs', locale)} ${code(context.command)}（依据：${from}），ms-swift ${context.version}${extra}（依据：${vfrom}）。\n\n格式：\`# <megatron|swift> <子命令> [ms-swift=<版本>]\`，必须写在第一行。`;
  }
  return `**${t('modeline', locale)}** — ${t('checkedAs', locale)} ${code(context.command)} (${t('chosenBy', locale)} ${from}) on ms-swift ${context.version}${extra} (${t('chosenBy', locale)} ${vfrom}).\n\nFormat: \`# <megatron|swift> <sub-command> [ms-swift=<version>]\` on the first line.`;
}
