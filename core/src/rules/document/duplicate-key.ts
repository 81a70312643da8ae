// A key set twice. PyYAML keeps the last value and argparse keeps the last occurrence of a flag, so the earlier
// line is silently ignored. Dashed spellings and prefixes of the same argument count as the same key.
import { Rule } from '../types';
import { ConfigEntry } from '../../config/parse';

export const duplicateKey: Rule = {
  id: 'duplicate-key',
  title: 'An argument is set more than once',
  area: 'document',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:38-71'],
  *check(ctx) {
    const groups = new Map<string, ConfigEntry[]>();
    for (const { entry, resolution } of ctx.resolutions) {
      if (entry.viaMerge) continue;
      const name =
        resolution.kind === 'exact' || resolution.kind === 'dashed' || resolution.kind === 'prefix' ? resolution.spec.name : `\u0000${entry.key}`;
      const g = groups.get(name) ?? [];
      g.push(entry);
      groups.set(name, g);
    }
    const envGroups = new Map<string, ConfigEntry[]>();
    for (const v of ctx.doc.envVars) {
      const g = envGroups.get(v.key) ?? [];
      g.push(v);
      envGroups.set(v.key, g);
    }
    for (const [name, entries] of [...groups, ...[...envGroups].map(([k, v]) => [`ENV.${k}`, v] as const)]) {
      if (entries.length < 2) continue;
      const winner = entries[entries.length - 1]!;
      const shown = name.startsWith('\u0000') ? winner.key : name;
      for (const e of entries.slice(0, -1)) {
        const line = winner.keyRange.start.line + 1;
        yield {
          message: `\`${shown}\` is set again on line ${line}; that later value wins and this line is ignored.`,
          range: e.keyRange,
          key: shown.startsWith('ENV.') ? shown.slice(4) : shown,
          tags: ['unnecessary'],
          related: [{ range: winner.keyRange, message: 'the value that is used' }],
          fixes: [{ title: `Remove this duplicate \`${e.key}\` line`, edits: [ctx.removeEntryEdit(e)], preferred: true }],
        };
      }
    }
  },
};
