// The modeline (`# megatron sft ms-swift=4.5.2`) and the command/version it names.
import { COMMANDS } from '../../catalog/schema';
import { commandCatalog } from '../../catalog/catalog';
import { nearestKnownVersion } from '../../config/context';
import { rankCandidates } from '../../text/similarity';
import { Rule } from '../types';

const ALL = { '3.4.1': 'warning', '4.5.2': 'warning' } as const;
const OURS = ['ms-swift-studio: the modeline format is ours (README, "Command and version")'];

export const modelineUnknownCommand: Rule = {
  id: 'modeline-unknown-command',
  title: 'The modeline names no known command',
  area: 'document',
  severity: ALL,
  sources: OURS,
  *check(ctx) {
    const m = ctx.doc.modeline;
    if (!m || m.command) return;
    const full = `${m.program} ${m.sub}`;
    const range = ctx.doc.lines.range(m.subStart, m.subStart + m.sub.length);
    const best = rankCandidates(full, COMMANDS, 3, 0.5);
    const fixes = best.map((b, i) => ({
      title: `Change to \`${b.name}\``,
      edits: [{ range: ctx.doc.lines.range(m.subStart - m.program.length - 1, m.subStart + m.sub.length), newText: b.name }],
      preferred: i === 0,
    }));
    yield {
      message: `\`${full}\` is not a command this extension knows (${COMMANDS.join(', ')}); the config is checked as \`${ctx.command}\`.`,
      range,
      fixes,
    };
  },
};

export const modelineUnknownVersion: Rule = {
  id: 'modeline-unknown-version',
  title: 'The modeline names an ms-swift version without a catalog',
  area: 'document',
  severity: { '3.4.1': 'info', '4.5.2': 'info' },
  sources: OURS,
  *check(ctx) {
    const m = ctx.doc.modeline;
    if (!m?.version || m.versionStart === undefined) return;
    const n = nearestKnownVersion(m.version);
    if (n?.exact) return;
    const range = ctx.doc.lines.range(m.versionStart, m.versionEnd!);
    if (!n) {
      yield { message: `\`${m.version}\` is not a version number; checking against ms-swift ${ctx.version}.`, range, severity: 'warning' };
      return;
    }
    yield { message: `No argument catalog for ms-swift ${m.version}; checking against the nearest known version, ${n.version}.`, range };
  },
};

export const modelineUnknownOption: Rule = {
  id: 'modeline-unknown-option',
  title: 'A modeline option that is not understood',
  area: 'document',
  severity: ALL,
  sources: OURS,
  *check(ctx) {
    for (const o of ctx.doc.modeline?.unknownOptions ?? []) {
      yield { message: `\`${o.text}\` is not understood in the modeline; write the version as \`ms-swift=4.5.2\`.`, range: ctx.doc.lines.range(o.start, o.end) };
    }
  },
};

export const commandNotInVersion: Rule = {
  id: 'command-not-in-version',
  title: 'The command does not exist in this ms-swift version',
  area: 'document',
  severity: { '3.4.1': 'error', '4.5.2': 'error' },
  sources: ['modelscope/ms-swift@v3.4.1:swift/cli/_megatron/main.py'],
  *check(ctx) {
    if (commandCatalog(ctx.version, ctx.command)) return;
    const m = ctx.doc.modeline;
    const range = m ? ctx.doc.lines.range(m.start, m.end) : ctx.documentRange();
    yield { message: `\`${ctx.command}\` does not exist in ms-swift ${ctx.version}; it arrived in 4.x.`, range };
  },
};
