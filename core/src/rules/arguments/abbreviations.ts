// argparse's allow_abbrev is on in HfArgumentParser: a key that is a unique prefix of an option is silently
// taken as that option, and a prefix of several options stops the parser with "ambiguous option".
import { renameInV4 } from '../../catalog/catalog';
import { Rule } from '../types';

export const ambiguousAbbreviation: Rule = {
  id: 'ambiguous-abbreviation',
  title: 'A key that is a prefix of several arguments',
  area: 'arguments',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  stage: { '3.4.1': 'args', '4.5.2': 'args' },
  sources: ['python/cpython@3.11:Lib/argparse.py (_parse_optional, _get_option_tuples)', 'modelscope/ms-swift@v4.5.2:swift/utils/utils.py:174-183'],
  *check(ctx) {
    for (const { entry, resolution } of ctx.resolutions) {
      if (resolution.kind !== 'ambiguous') continue;
      if (ctx.version === '4.5.2' && renameInV4(entry.key.replace(/-/g, '_'), ctx.command)) continue; // argument-renamed-in-v4
      const names = resolution.candidates.map((c) => c.name);
      const shown = names.slice(0, 6).map((n) => `\`${n}\``).join(', ') + (names.length > 6 ? `, … (${names.length} in all)` : '');
      yield {
        message: `\`${entry.key}\` is an abbreviation that matches several arguments (${shown}); argparse stops with "ambiguous option". Write the full name.`,
        key: entry.key,
        range: entry.keyRange,
        fixes: names.slice(0, 6).map((n) => ({ title: `Replace with \`${n}\``, edits: [ctx.renameKeyEdit(entry, n)] })),
      };
    }
  },
};

export const abbreviatedArgument: Rule = {
  id: 'abbreviated-argument',
  title: 'A key that is an abbreviation of an argument',
  area: 'arguments',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  sources: ['python/cpython@3.11:Lib/argparse.py (_parse_optional, _get_option_tuples)'],
  *check(ctx) {
    for (const { entry, resolution } of ctx.resolutions) {
      if (resolution.kind !== 'prefix') continue;
      if (ctx.version === '4.5.2' && renameInV4(entry.key.replace(/-/g, '_'), ctx.command)) continue;
      const name = resolution.spec.name;
      const both = resolution.bothSpellings
        ? ` It also matches both spellings \`--${name}\` and \`--${name.replace(/_/g, '-')}\`, which Python 3.11 and older reject as ambiguous.`
        : '';
      yield {
        message: `\`${entry.key}\` works only as an abbreviation of \`${name}\`.${both} Spell it out: a future argument with the same prefix would make it ambiguous.`,
        key: entry.key,
        range: entry.keyRange,
        fixes: [{ title: `Spell out \`${name}\``, edits: [ctx.renameKeyEdit(entry, name)], preferred: true }],
      };
    }
  },
};
