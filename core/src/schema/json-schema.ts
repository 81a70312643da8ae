// A JSON Schema (draft-07) of a run config for one command of one ms-swift version, built from the argument
// catalog, our argument descriptions and the ENV variable table. It is meant for other YAML tooling (e.g.
// yaml-language-server's `yaml.schemas` or a `# yaml-language-server: $schema=...` modeline) and for CI checks
// with a generic validator. It is an approximation of the checker: it knows names, types, choices and the value
// shapes ms-swift accepts, not the cross-argument rules.
//
// How values are described (what argparse / HfArgumentParser accepts after ms-swift turned the YAML value into
// command-line text; ms-swift 4 passes str(value), our 3.4.1 launcher expands --flags):
//   bool   true/false, 0/1, or a string HfArgumentParser's string_to_bool reads (yes/no/t/f/y/n/1/0, any case)
//   int    an integer, or a string Python's int() reads
//   float  a number, or a string Python's float() reads (1e-5 is a string in YAML 1.1, and fine)
//   str    a scalar (str() of it is what ms-swift sees)
//   enum   one of the choices (a number choice also as its text; a None choice as null or "None")
//   list   a non-empty list, or a single value (argparse reads one value as a one-item list); in ms-swift 4
//          the items must be strings (the launcher fails on numbers and booleans inside YAML lists)
//   dict   a mapping, or its JSON text
// null: ms-swift 4 passes it as the text "None", so it is only allowed where "None" is a choice; for 3.4.1 the
// launcher leaves a null key out (the default applies), so null is allowed everywhere.
import { commandCatalog } from '../catalog/catalog';
import { ArgSpec, CommandName, KnownVersion } from '../catalog/schema';
import { argDescription, Locale } from '../docs/arg-docs';
import { envVars } from '../env/catalog';
import { choiceText } from '../args/argparse';
import { formatDefault, typeLabel } from '../service/describe';
import { t } from '../service/i18n';

/** The subset of JSON Schema draft-07 this module produces (plus the editor extensions `markdownDescription`,
 *  `doNotSuggest` and `errorMessage` that VS Code's JSON service and yaml-language-server understand). */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  errorMessage?: string;
  doNotSuggest?: boolean;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  pattern?: string;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  not?: JsonSchema;
}

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Text HfArgumentParser's string_to_bool accepts (case-insensitive). */
export const BOOL_TEXT_PATTERN = '^(?:[Yy][Ee][Ss]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[TtFfYyNn]|[01])$';
/** Python int(text): sign, digits with single underscores between them, surrounding whitespace. */
export const INT_TEXT_PATTERN = '^\\s*[-+]?\\d+(?:_\\d+)*\\s*$';
/** Python float(text), including inf/infinity/nan in any case. */
export const FLOAT_TEXT_PATTERN =
  '^\\s*[-+]?(?:(?:\\d+(?:_\\d+)*(?:\\.(?:\\d+(?:_\\d+)*)?)?|\\.\\d+(?:_\\d+)*)(?:[eE][-+]?\\d+(?:_\\d+)*)?|[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])\\s*$';

export interface SchemaOptions {
  /** language of the descriptions (default English) */
  locale?: Locale;
}

export class UnknownCommandError extends Error {}

/** The JSON Schema of a config for `command` on ms-swift `version`. Throws UnknownCommandError when the version
 *  has no such command (e.g. `megatron rlhf` on 3.4.1). */
export function configJsonSchema(command: CommandName, version: KnownVersion, options: SchemaOptions = {}): JsonSchema {
  const locale = options.locale ?? 'en';
  const catalog = commandCatalog(version, command);
  if (!catalog) throw new UnknownCommandError(`ms-swift ${version} has no \`${command}\` command`);
  const yamlMode = !version.startsWith('3.');
  const properties: Record<string, JsonSchema> = {};
  const patternProperties: Record<string, JsonSchema> = {};
  for (const spec of catalog.specs()) {
    properties[spec.name] = argumentSchema(spec, command, version, yamlMode, locale);
  }
  // argparse also registers the dashed spelling of every name (`--micro-batch-size`): accept it, but do not
  // offer it in completion
  for (const spec of catalog.specs()) {
    const dashed = spec.name.replace(/_/g, '-');
    if (dashed === spec.name || properties[dashed]) continue;
    patternProperties[`^${escapeRegExp(dashed)}$`] = { $ref: `#/properties/${spec.name}`, doNotSuggest: true };
  }
  properties.ENV = envSchema(locale);
  const title = `ms-swift ${version} ${command} run config`;
  return {
    $schema: DRAFT_07,
    title,
    description:
      locale === 'zh'
        ? `ms-swift ${version} 的 \`${command}\` 运行配置：顶层键为参数名，另可有 ENV 环境变量映射。由 ms-swift-studio 生成。`
        : `A run config for \`${command}\` on ms-swift ${version}: argument names as top-level keys, plus an optional ENV mapping of environment variables. Generated by ms-swift-studio.`,
    type: 'object',
    properties,
    patternProperties,
    additionalProperties: false,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function argumentSchema(spec: ArgSpec, command: CommandName, version: KnownVersion, yamlMode: boolean, locale: Locale): JsonSchema {
  const text = argDescription(spec.name, command, locale) ?? t('noDescription', locale);
  const facts = `${t('type', locale)}: ${spec.kind === 'enum' ? spec.annotation : typeLabel(spec)} · ${t('default', locale)}: ${formatDefault(spec, locale)}`;
  const description = `${text}\n\n${facts}`;
  const markdownDescription = `${text}\n\n${t('type', locale)}: \`${spec.kind === 'enum' ? spec.annotation : typeLabel(spec)}\` · ${t('default', locale)}: \`${formatDefault(spec, locale)}\` · ms-swift ${version}`;
  if (spec.problem) {
    const why = `\`${spec.name}\` cannot be set in ms-swift ${version}: argparse rejects every value (${spec.problem}).`;
    return { description: `${description}\n\n${why}`, markdownDescription: `${markdownDescription}\n\n${why}`, not: {}, errorMessage: why, doNotSuggest: true };
  }
  const schema: JsonSchema = { description, markdownDescription, ...valueSchema(spec, yamlMode) };
  const d = defaultOf(spec);
  if (d !== undefined) schema.default = d;
  if (spec.private) schema.doNotSuggest = true;
  return schema;
}

/** The declared default, when it is something one could write (not None, not an empty list, not computed). */
function defaultOf(spec: ArgSpec): unknown {
  if (spec.computedDefault !== undefined || spec.listDefaultIgnored) return undefined;
  const d = spec.default;
  if (d === null || d === undefined) return undefined;
  if (Array.isArray(d) && d.length === 0) return undefined;
  if (typeof d === 'object' && !Array.isArray(d) && Object.keys(d).length === 0) return undefined;
  return d;
}

/** The accepted shapes of one value. */
function valueSchema(spec: ArgSpec, yamlMode: boolean): JsonSchema {
  const nullOk = !yamlMode; // 3.4.1: a null key is left out of the command line
  switch (spec.kind) {
    case 'bool':
      // 0 and 1 too: str() gives "0"/"1", which string_to_bool reads
      return { ...typed(['boolean', 'string', 'integer'], BOOL_TEXT_PATTERN, nullOk), minimum: 0, maximum: 1 };
    case 'int':
      return typed(['integer', 'string'], INT_TEXT_PATTERN, nullOk);
    case 'float':
      return typed(['number', 'string'], FLOAT_TEXT_PATTERN, nullOk);
    case 'str':
      return typed(['string', 'number', 'boolean'], undefined, nullOk);
    case 'dict':
      return typed(['object', 'string'], undefined, nullOk);
    case 'enum': {
      const values = choiceValues(spec.choices ?? [], yamlMode);
      if (nullOk && !values.includes(null)) values.push(null);
      return { enum: values };
    }
    case 'list':
      return listSchema(spec, yamlMode, nullOk);
    default:
      return nullOk ? {} : { not: { type: 'null' } };
  }
}

function typed(types: JsonType[], pattern: string | undefined, nullOk: boolean): JsonSchema {
  const s: JsonSchema = { type: nullOk ? [...types, 'null'] : types.length === 1 ? types[0]! : types };
  if (pattern) s.pattern = pattern;
  return s;
}

/** The YAML values whose text argparse matches against a choice: the choice itself and, for numbers, its text;
 *  a None choice is the text "None" (and null, which ms-swift 4 turns into "None"). */
function choiceValues(choices: ReadonlyArray<string | number | null>, yamlMode: boolean): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown) => {
    if (!out.some((o) => o === v)) out.push(v);
  };
  for (const c of choices) {
    if (c === null) {
      add('None');
      if (yamlMode) add(null);
    } else if (typeof c === 'number') {
      add(c);
      add(choiceText(c));
    } else {
      add(c);
    }
  }
  return out;
}

function itemSchema(spec: ArgSpec, yamlMode: boolean): JsonSchema {
  const items = spec.items ?? 'str';
  if (spec.choices?.length) {
    const values = choiceValues(spec.choices, false);
    // ms-swift 4: items must be strings
    return { enum: yamlMode ? values.filter((v) => typeof v === 'string') : values };
  }
  const pattern = items === 'int' ? INT_TEXT_PATTERN : items === 'float' ? FLOAT_TEXT_PATTERN : undefined;
  if (yamlMode) return pattern ? { type: 'string', pattern } : { type: 'string' };
  if (items === 'int') return { type: ['integer', 'string'], pattern: INT_TEXT_PATTERN };
  if (items === 'float') return { type: ['number', 'string'], pattern: FLOAT_TEXT_PATTERN };
  return { type: ['string', 'number', 'boolean'] };
}

function listSchema(spec: ArgSpec, yamlMode: boolean, nullOk: boolean): JsonSchema {
  const items = itemSchema(spec, yamlMode);
  if (spec.choices?.length) {
    // a single value must be a choice too: only anyOf can say "an array of choices, or a choice"
    const scalar = { enum: choiceValues(spec.choices, yamlMode) };
    const alternatives: JsonSchema[] = [{ type: 'array', minItems: 1, items }, scalar];
    if (nullOk) alternatives.push({ type: 'null' });
    return { anyOf: alternatives };
  }
  // one value stands for a one-item list
  const scalarTypes: JsonType[] = spec.items === 'int' ? ['integer', 'string'] : spec.items === 'float' ? ['number', 'string'] : ['string'];
  const pattern = spec.items === 'int' ? INT_TEXT_PATTERN : spec.items === 'float' ? FLOAT_TEXT_PATTERN : undefined;
  const s: JsonSchema = { type: ['array', ...scalarTypes, ...(nullOk ? (['null'] as JsonType[]) : [])], items, minItems: 1 };
  if (pattern) s.pattern = pattern;
  return s;
}

function envSchema(locale: Locale): JsonSchema {
  const value: JsonSchema = { type: ['string', 'number'] };
  const properties: Record<string, JsonSchema> = {};
  for (const [name, info] of envVars()) {
    const p: JsonSchema = { type: ['string', 'number'], description: info[locale] };
    const examples = info.values?.length ? info.values : info.example ? [info.example] : [];
    if (examples.length) p.examples = examples;
    properties[name] = p;
  }
  return {
    description:
      locale === 'zh'
        ? '启动前导出的环境变量（ms-swift 4 的启动器读取；已在 shell 中设置的变量优先）。值写成字符串或数字。'
        : 'Environment variables exported before the run starts (read by the ms-swift 4 launcher; a variable already set in the shell wins). Values are strings or numbers.',
    type: ['object', 'null'],
    properties,
    additionalProperties: value,
  };
}
