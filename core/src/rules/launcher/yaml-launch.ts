// How the launcher reads the YAML file itself: only ms-swift >= 4.1 can, and its ENV block fills in variables
// without overriding the shell.
import { Rule } from '../types';
import { stageText } from '../shared/stages';

export const yamlEnvShellPrecedence: Rule = {
  id: 'yaml-env-shell-precedence',
  title: 'ENV entries do not override variables already set in the shell',
  area: 'launcher',
  severity: { '4.5.2': 'info' },
  stage: { '4.5.2': 'launch' },
  sources: ['modelscope/ms-swift@v4.5.2:swift/cli/main.py:53-59'],
  *check(ctx) {
    const shell = ctx.python?.shellEnv;
    if (!shell) return;
    for (const v of ctx.doc.envVars) {
      const mine = ctx.env(v.key);
      const theirs = shell[v.key];
      if (mine === undefined || theirs === undefined || mine === theirs) continue;
      yield {
        message:
          `\`${v.key}\` is already "${theirs}" in the launching shell: ms-swift keeps the shell's value, prints a warning and ignores ` +
          `"${mine}" from \`ENV:\`. Unset it in the shell (or run from a clean environment) for this value to apply.`,
        key: v.key,
        range: v.keyRange,
      };
    }
  },
};

/** The first word of the modeline that names a .yaml/.yml file, with its offsets in the modeline. */
function yamlWord(text: string): { word: string; start: number; end: number } | undefined {
  const m = /(?<=^|[\s('"=])[^\s('"=]+\.ya?ml(?=$|[\s)'",;])/i.exec(text);
  if (!m) return undefined;
  return { word: m[0], start: m.index, end: m.index + m[0].length };
}

export const yamlConfigUnsupportedBeforeV41: Rule = {
  id: 'yaml-config-unsupported-before-v4-1',
  title: 'YAML config files need ms-swift >= 4.1',
  area: 'launcher',
  severity: { '3.4.1': 'error' },
  stage: { '3.4.1': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/utils/utils.py:142-152',
    'modelscope/ms-swift@v3.4.1:swift/llm/base.py:30-35',
    'modelscope/ms-swift@v4.5.2:swift/cli/main.py:38-71',
  ],
  *check(ctx) {
    // Only a command line that hands ms-swift 3.4.1 the YAML file itself is a problem; a YAML document that the
    // extension expands into --flags is fine. The modeline is where a config states how it is launched.
    const m = ctx.doc.modeline;
    if (!m) return;
    const hit = yamlWord(m.text);
    if (!hit) return;
    const start = m.start + hit.start;
    const end = m.start + hit.end;
    // remove the word and the blanks before it
    let cut = start;
    while (cut > m.start && /[ \t]/.test(ctx.doc.text[cut - 1]!)) cut--;
    yield {
      message:
        `ms-swift 3.4.1 cannot read a YAML config: \`${m.program} ${m.sub} ${hit.word}\` passes the file as a leftover argument and ` +
        `${stageText('args', ctx.version)} (a ValueError listing the unparsed "${hit.word}"). YAML files with an \`ENV:\` block arrived in ms-swift 4.1. ` +
        `On 3.4.1 pass the keys as --flags and ENV as environment variables (the extension's launcher expands this config that way).`,
      range: ctx.doc.lines.range(start, end),
      fixes: [
        {
          title: `Remove \`${hit.word}\` from the modeline (launch with --flags)`,
          edits: [{ range: ctx.doc.lines.range(cut, end), newText: '' }],
          preferred: true,
        },
      ],
    };
  },
};
