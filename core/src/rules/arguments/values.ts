// Values that argparse (through HfArgumentParser) or ms-swift 4's YAML launcher will reject.
import { argvForm, choiceText, convertItem } from '../../args/argparse';
import { ArgSpec } from '../../catalog/schema';
import { commandCatalog } from '../../catalog/catalog';
import { ConfigEntry } from '../../config/parse';
import { pyStr } from '../../config/pyyaml';
import { rankCandidates } from '../../text/similarity';
import { isSeq, Node } from 'yaml';
import { Finding, Fix, Rule } from '../types';
import { RuleContext } from '../context';

const PARSE_SOURCES = ['modelscope/ms-swift@v4.5.2:swift/utils/utils.py:174-183', 'huggingface/transformers@v4.57.6:src/transformers/hf_argparser.py'];

/** entries whose key names an argument, with that argument's spec */
function* argumentEntries(ctx: RuleContext): Generator<[ConfigEntry, ArgSpec]> {
  for (const { entry, resolution } of ctx.resolutions) {
    if (resolution.kind === 'exact' || resolution.kind === 'dashed' || resolution.kind === 'prefix') {
      if (entry.py) yield [entry, resolution.spec];
    }
  }
}

function kindText(spec: ArgSpec): string {
  switch (spec.kind) {
    case 'bool':
      return 'true or false';
    case 'int':
      return 'a whole number';
    case 'float':
      return 'a number';
    case 'list':
      return `a list of ${spec.items === 'int' ? 'whole numbers' : spec.items === 'float' ? 'numbers' : 'strings'}`;
    case 'enum':
      return `one of ${(spec.choices ?? []).map((c) => `\`${choiceText(c)}\``).join(', ')}`;
    default:
      return 'a single value';
  }
}

/** The node of list item i of an entry, for precise ranges. */
function itemNode(entry: ConfigEntry, i: number): Node | undefined {
  const n = entry.valueNode;
  return n && isSeq(n) ? ((n.items[i] as Node | undefined) ?? undefined) : undefined;
}

export const typeMismatch: Rule = {
  id: 'type-mismatch',
  title: 'A value of the wrong type',
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: PARSE_SOURCES,
  *check(ctx) {
    for (const [entry, spec] of argumentEntries(ctx)) {
      const py = entry.py!;
      const form = argvForm(py, ctx.mode);
      if (form.isNull || form.isEmptyList) continue; // yaml-null-or-empty-values
      if (spec.problem) {
        yield { message: `\`${spec.name}\` cannot be set in ms-swift ${ctx.version}: argparse rejects every value (${spec.problem}). Remove it; ms-swift fills it in itself.`, key: entry.key, range: entry.valueRange };
        continue;
      }
      if (form.isList && spec.kind !== 'list') {
        yield {
          message: `\`${spec.name}\` takes ${kindText(spec)}, not a list; the extra values are left over and ms-swift stops with "remaining argv".`,
          key: entry.key,
          range: entry.valueRange,
        };
        continue;
      }
      if (form.isDict && spec.kind !== 'dict' && spec.kind !== 'str') {
        yield { message: `\`${spec.name}\` takes ${kindText(spec)}, not a mapping.`, key: entry.key, range: entry.valueRange };
        continue;
      }
      if (spec.kind === 'enum') continue; // value-not-in-choices
      if (spec.kind === 'list' && spec.choices) continue;
      for (let i = 0; i < form.items.length; i++) {
        if (form.isList && form.nonStringItems.includes(i) && ctx.mode === 'yaml') continue; // yaml-list-items-must-be-strings
        const c = convertItem(spec, form.items[i]!);
        if (c.ok) continue;
        const node = form.isList ? itemNode(entry, i) : undefined;
        const range = node?.range ? ctx.doc.lines.range(node.range[0], node.range[1]) : entry.valueRange;
        const fixes: Fix[] = [];
        if (spec.kind === 'int' && py.t === 'float' && Number.isInteger(py.v)) {
          fixes.push({ title: `Write \`${py.v}\``, edits: [{ range: entry.valueRange, newText: String(py.v) }], preferred: true });
        }
        yield { message: `\`${spec.name}\` takes ${kindText(spec)}: ${c.reason}.`, key: entry.key, range, fixes };
      }
    }
  },
};

export const valueNotInChoices: Rule = {
  id: 'value-not-in-choices',
  title: "Value outside the argument's allowed choices",
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:31-32',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:484-485',
    'modelscope/ms-swift@v4.5.2:swift/utils/utils.py:174-183',
  ],
  *check(ctx) {
    for (const [entry, spec] of argumentEntries(ctx)) {
      if (!spec.choices || (spec.kind !== 'enum' && spec.kind !== 'list')) continue;
      const form = argvForm(entry.py!, ctx.mode);
      if (form.isEmptyList) continue;
      if (form.isNull && (ctx.mode === 'flags' || !spec.choices.includes(null))) continue; // yaml-null-or-empty-values / omitted
      if (form.isList && spec.kind !== 'list') continue; // type-mismatch
      const allowed = spec.choices.map(choiceText);
      for (let i = 0; i < form.items.length; i++) {
        const text = form.items[i]!;
        if (allowed.includes(text)) continue;
        const node = form.isList ? itemNode(entry, i) : undefined;
        const range = node?.range ? ctx.doc.lines.range(node.range[0], node.range[1]) : entry.valueRange;
        yield choiceFinding(ctx, entry.key, spec, text, allowed, range);
      }
    }
  },
};

function choiceFinding(ctx: RuleContext, key: string, spec: ArgSpec, text: string, allowed: string[], range: Finding['range']): Finding {
  const lower = allowed.filter((a) => a.toLowerCase() === text.toLowerCase());
  const ranked = lower.length ? lower : rankCandidates(text, allowed, 3, 0.5).map((r) => r.name);
  const list = allowed.map((a) => `\`${a}\``).join(', ');
  let message = `\`${text}\` is not a valid \`${spec.name}\` in ms-swift ${ctx.version}; choose one of ${list}.`;
  // the other version may know the value (recompute_granularity: none arrived in 4.x)
  const other = ctx.version === '3.4.1' ? '4.5.2' : '3.4.1';
  const otherSpec = commandCatalog(other, ctx.command)?.get(spec.name);
  if (otherSpec?.choices?.map(choiceText).includes(text)) message += ` (\`${text}\` is valid in ms-swift ${other}.)`;
  if (ranked.length) message += ` Did you mean \`${ranked[0]}\`?`;
  const fixes: Fix[] = ranked.map((r, i) => ({ title: `Change to \`${r}\``, edits: [{ range: range!, newText: yamlScalar(r) }], preferred: i === 0 && ranked.length === 1 }));
  return { message, key, range, fixes };
}

/** A choice written as a YAML scalar that PyYAML reads back as the same text. */
export function yamlScalar(text: string): string {
  if (text === 'None') return 'None';
  return /^[A-Za-z_][\w\-./]*$/.test(text) && !/^(?:yes|no|true|false|on|off|null|y|n)$/i.test(text) ? text : JSON.stringify(text);
}

export const yamlListItemsMustBeStrings: Rule = {
  id: 'yaml-list-items-must-be-strings',
  title: 'YAML list values must contain only strings',
  area: 'arguments',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:60-71', 'modelscope/ms-swift@v4.5.2:swift/cli/main.py:94-99'],
  *check(ctx) {
    for (const entry of ctx.doc.entries) {
      const py = entry.py;
      if (!py || py.t !== 'list') continue;
      const bad = py.items.map((it, i) => [it, i] as const).filter(([it]) => it.t !== 'str');
      if (!bad.length) continue;
      const edits = bad
        .map(([it, i]) => {
          const node = itemNode(entry, i);
          return node?.range && it.t !== 'list' && it.t !== 'dict' ? { range: ctx.doc.lines.range(node.range[0], node.range[1]), newText: JSON.stringify(pyStr(it)) } : undefined;
        })
        .filter((e): e is NonNullable<typeof e> => !!e);
      const first = itemNode(entry, bad[0]![1]);
      const range = first?.range ? ctx.doc.lines.range(first.range[0], first.range[1]) : entry.valueRange;
      const what = [...new Set(bad.map(([it]) => (it.t === 'int' || it.t === 'float' ? 'numbers' : it.t === 'bool' ? 'booleans' : it.t === 'null' ? 'nulls' : 'nested values')))].join(' and ');
      yield {
        message: `The list under \`${entry.key}\` contains ${what}; ms-swift 4's launcher puts list items into the command line unconverted and fails with a TypeError before anything starts. Quote the items (e.g. \`"${bad[0]![0].t === 'list' || bad[0]![0].t === 'dict' ? '…' : pyStr(bad[0]![0])}"\`).`,
        key: entry.key,
        range,
        fixes: edits.length === bad.length ? [{ title: 'Quote the list items', edits, preferred: true }] : [],
      };
    }
  },
};

export const yamlNullOrEmptyValues: Rule = {
  id: 'yaml-null-or-empty-values',
  title: 'null or empty-list values in the YAML config',
  area: 'arguments',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:60-71', 'modelscope/ms-swift@v4.5.2:swift/utils/utils.py:174-183'],
  *check(ctx) {
    for (const { entry, resolution } of ctx.resolutions) {
      const py = entry.py;
      if (!py) continue;
      const spec = resolution.kind === 'exact' || resolution.kind === 'dashed' || resolution.kind === 'prefix' ? resolution.spec : undefined;
      const remove = { title: `Remove \`${entry.key}\` to use the default`, edits: [ctx.removeEntryEdit(entry)], preferred: true };
      if (py.t === 'list' && py.items.length === 0 && spec) {
        yield { message: `\`${entry.key}: []\` becomes a bare \`--${entry.key}\` with no value, which argparse rejects ("expected at least one argument"). Leave the key out to get the default.`, key: entry.key, range: entry.valueRange, fixes: [remove] };
        continue;
      }
      if (py.t !== 'null' || !spec) continue;
      if (spec.choices?.includes(null) && spec.kind === 'enum') continue; // "None" is a valid choice
      if (spec.kind === 'str' || spec.kind === 'dict') {
        yield {
          message: `\`${entry.key}\` with no value (or null) is passed as the text "None", not as "unset". Leave the key out to get the default.`,
          key: entry.key,
          range: entry.valueRange,
          severity: 'warning',
          fixes: [remove],
        };
        continue;
      }
      yield {
        message: `\`${entry.key}\` with no value (or null) is passed as the text "None", which \`${spec.name}\` (${kindText(spec)}) rejects. Leave the key out to get the default.`,
        key: entry.key,
        range: entry.valueRange,
        fixes: [remove],
      };
    }
  },
};

