// A key that is not an argument of the command in this version. argparse leaves it over and ms-swift stops
// with "remaining_argv" (unless ignore_args_error is set). The message says where the name does belong:
// another command (`learning_rate` is `swift sft`'s, `megatron sft` wants `lr`), the other ms-swift version,
// or a close spelling.
import { COMMANDS, CommandName } from '../../catalog/schema';
import { commandCatalog, renameInV4, v3NameFor } from '../../catalog/catalog';
import { equivalentNames } from '../../catalog/equivalents';
import { rankCandidates } from '../../text/similarity';
import { Fix, Rule } from '../types';
import { RuleContext } from '../context';
import { ConfigEntry } from '../../config/parse';

export const unknownArgument: Rule = {
  id: 'unknown-argument',
  title: 'Key is not an argument of this command/version',
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/llm/base.py:30-35',
    'modelscope/ms-swift@v4.5.2:swift/pipelines/base.py:35-40',
    'modelscope/ms-swift@v4.5.2:swift/utils/utils.py:174-183',
  ],
  *check(ctx) {
    let unknownCount = 0;
    for (const { entry, resolution } of ctx.resolutions) {
      if (resolution.kind === 'no-switch') {
        if (ctx.version === '4.5.2' && renameInV4(entry.key.replace(/-/g, '_'), ctx.command)) continue; // argument-renamed-in-v4
        const name = resolution.spec.name;
        yield {
          message: `\`${entry.key}\` is the command-line switch that turns \`${name}\` off and takes no value; in a config write \`${name}: false\`.`,
          key: entry.key,
          range: entry.keyRange,
          fixes: [{ title: `Replace with \`${name}: false\``, edits: [ctx.renameKeyEdit(entry, name), { range: entry.valueRange, newText: entry.valueStart === entry.valueEnd ? ' false' : 'false' }], preferred: true }],
        };
        continue;
      }
      if (resolution.kind !== 'unknown') continue;
      if (ctx.version === '4.5.2' && renameInV4(entry.key, ctx.command)) continue; // argument-renamed-in-v4
      if (entry.key === 'config' && ctx.command === 'megatron rlhf' && ctx.bool('use_ray') === true) continue;
      // a data file opened as a config can have thousands of unknown keys: suggestions for the first ones only
      yield unknownFinding(ctx, entry, ++unknownCount <= MAX_SUGGESTED);
    }
  },
};

const MAX_SUGGESTED = 100;

function unknownFinding(ctx: RuleContext, entry: ConfigEntry, suggest = true) {
  const key = entry.key;
  const normalized = key.replace(/-/g, '_');
  const suggestions: string[] = [];
  const notes: string[] = [];
  if (key.toUpperCase() === 'ENV' && key !== 'ENV') {
    suggestions.push('ENV');
    notes.push('environment variables go under `ENV:` (upper case)');
  }
  // the same argument under its name in the other ms-swift version
  if (!notes.length && ctx.version === '3.4.1') {
    const r = v3NameFor(normalized);
    if (r && ctx.catalog.has(r.old)) {
      suggestions.push(r.old);
      notes.push(`\`${normalized}\` is the ms-swift 4 name; 3.4.1 calls it \`${r.old}\``);
    } else if (commandCatalog('4.5.2', ctx.command)?.has(normalized)) {
      notes.push(`\`${normalized}\` exists only from ms-swift 4`);
    }
  }
  // a name of another command (the swift trainers vs Megatron-SWIFT, export vs train, ...)
  const owners = suggestions.length ? [] : otherCommandsWith(normalized, ctx);
  if (owners.length) {
    const targetIsMegatron = ctx.command.startsWith('megatron ');
    const equivalents = equivalentNames(normalized, targetIsMegatron).filter((n) => ctx.catalog.has(n));
    suggestions.push(...equivalents);
    const where = owners.length > 3 ? `${owners.slice(0, 3).map((o) => `\`${o}\``).join(', ')}, …` : owners.map((o) => `\`${o}\``).join(', ');
    notes.push(
      equivalents.length
        ? `\`${normalized}\` is an argument of ${where}; \`${ctx.command}\` uses ${equivalents.map((e) => `\`${e}\``).join(' / ')}`
        : `\`${normalized}\` is an argument of ${where}, not of \`${ctx.command}\``,
    );
  }
  // close spellings, when nothing above already names the answer
  const fuzzy = suggestions.length || !suggest ? [] : rankCandidates(normalized, ctx.catalog.names(), 3).map((c) => c.name);
  const top = [...suggestions, ...fuzzy].slice(0, 4);
  let message = `\`${key}\` is not an argument of \`${ctx.command}\` in ms-swift ${ctx.version}`;
  if (notes.length) message += `: ${notes.join('; ')}`;
  message += '.';
  if (fuzzy.length) message += ` Did you mean ${fuzzy.map((s) => `\`${s}\``).join(', ')}?`;
  message += ' ms-swift stops with "remaining argv" before training.';
  const fixes: Fix[] = top.map((s, i) => ({ title: `Replace with \`${s}\``, edits: [ctx.renameKeyEdit(entry, s)], preferred: i === 0 && top.length === 1 }));
  return { message, key, range: entry.keyRange, fixes };
}

function otherCommandsWith(name: string, ctx: RuleContext): CommandName[] {
  const out: CommandName[] = [];
  for (const c of COMMANDS) {
    if (c === ctx.command) continue;
    if (commandCatalog(ctx.version, c)?.has(name)) out.push(c);
  }
  return out;
}
