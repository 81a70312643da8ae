// The first-line modeline that names the command and, optionally, the ms-swift version of a config:
//   # megatron sft
//   # megatron sft ms-swift=4.5.2
//   # swift export ms-swift=3.4.1
import { CommandName, COMMANDS } from '../catalog/schema';

export interface Modeline {
  /** the whole first line */
  text: string;
  /** offset of the modeline in the document (after a BOM) */
  start: number;
  end: number;
  program: 'megatron' | 'swift';
  sub: string;
  subStart: number;
  /** a known command, or undefined when `sub` is not one */
  command?: CommandName;
  /** the version as written (ms-swift=X) */
  version?: string;
  versionStart?: number;
  versionEnd?: number;
  /** `key=value` words that are not understood */
  unknownOptions: Array<{ text: string; start: number; end: number }>;
}

const MODELINE_RE = /^#[ \t]*(megatron|swift)[ \t]+([A-Za-z][\w-]*)/;

export function parseModeline(text: string): Modeline | undefined {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nl = text.slice(start).search(/\r|\n/);
  const line = nl === -1 ? text.slice(start) : text.slice(start, start + nl);
  const m = MODELINE_RE.exec(line);
  if (!m) return undefined;
  const program = m[1] as 'megatron' | 'swift';
  const sub = m[2]!;
  const full = `${program} ${sub}`;
  const result: Modeline = {
    text: line,
    start,
    end: start + line.length,
    program,
    sub,
    subStart: start + m[0].length - sub.length,
    unknownOptions: [],
  };
  if ((COMMANDS as readonly string[]).includes(full)) result.command = full as CommandName;
  const rest = line.slice(m[0].length);
  const wordRe = /\S+/g;
  let w: RegExpExecArray | null;
  while ((w = wordRe.exec(rest))) {
    const word = w[0];
    const wStart = start + m[0].length + w.index;
    const v = /^(?:ms-swift|ms_swift|swift|version)={1,2}v?(\S+)$/i.exec(word);
    if (v) {
      result.version = v[1];
      result.versionStart = wStart + word.length - v[1]!.length;
      result.versionEnd = wStart + word.length;
    } else if (word.includes('=')) {
      result.unknownOptions.push({ text: word, start: wStart, end: wStart + word.length });
    }
    // other words (e.g. "cfg.yaml", free text) are ignored
  }
  return result;
}

export function formatModeline(command: CommandName, version?: string): string {
  return version ? `# ${command} ms-swift=${version}` : `# ${command}`;
}
