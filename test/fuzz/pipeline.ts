// The whole pure pipeline over one text, with every call timed: parseConfig, checkText (all rules; a rule that
// throws counts as a failure even though the engine swallows it), completion and hover at given positions,
// document symbols, folding ranges and buildCommand in every mode. Shared by the fuzz tests, the hostile-input
// tests and bench/fuzz.js (which loads the compiled out/test/fuzz/pipeline.js). Not a test file itself.
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { checkText, CheckOptions, CheckResult } from '../../core/src/check';
import { commandCatalog } from '../../core/src/catalog/catalog';
import { ArgSpec, COMMANDS, KNOWN_VERSIONS } from '../../core/src/catalog/schema';
import { parseConfig } from '../../core/src/config/parse';
import { buildCommand, CommandBuildError, LaunchMode } from '../../core/src/launch/command';
import { complete } from '../../core/src/service/completion';
import { hover } from '../../core/src/service/hover';
import { documentSymbols, foldingRanges } from '../../core/src/service/symbols';
import { Position } from '../../core/src/text/positions';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface PipelineRun {
  result: CheckResult;
  /** the slowest single call, and which one */
  slowest: { what: string; ms: number };
  /** errors a rule threw (the engine skipped the rule) */
  ruleErrors: Array<{ rule: string; error: unknown }>;
  calls: number;
}

export class PipelineFailure extends Error {
  constructor(
    readonly stage: string,
    readonly error: unknown,
  ) {
    super(`${stage} threw ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
  }
}

/**
 * Runs every stage; throws PipelineFailure when a stage throws anything but a documented error
 * (CommandBuildError from buildCommand) or when a rule threw.
 */
export function runPipeline(text: string, positions: readonly Position[], options: CheckOptions = {}): PipelineRun {
  let slowest = { what: '', ms: 0 };
  let calls = 0;
  const timed = <T>(what: string, fn: () => T): T => {
    const t0 = process.hrtime.bigint();
    let out: T;
    try {
      out = fn();
    } catch (e) {
      throw e instanceof PipelineFailure ? e : new PipelineFailure(what, e);
    } finally {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      calls++;
      if (ms > slowest.ms) slowest = { what, ms };
    }
    return out;
  };
  const ruleErrors: PipelineRun['ruleErrors'] = [];
  timed('parseConfig', () => parseConfig(text));
  const result = timed('checkText', () => checkText(text, { ...options, onRuleError: (rule, error) => ruleErrors.push({ rule, error }) }));
  if (ruleErrors.length) throw new PipelineFailure(`rule ${ruleErrors[0]!.rule}`, ruleErrors[0]!.error);
  exerciseServices(result, positions, timed);
  return { result, slowest, ruleErrors, calls };
}

type Timer = <T>(what: string, fn: () => T) => T;

const untimed: Timer = (what, fn) => {
  try {
    return fn();
  } catch (e) {
    throw e instanceof PipelineFailure ? e : new PipelineFailure(what, e);
  }
};

/** Completion and hover at each position, symbols, folding, and buildCommand in every mode, on a check result. */
export function exerciseServices(result: CheckResult, positions: readonly Position[], timed: Timer = untimed): void {
  for (const pos of positions) {
    timed(`complete@${pos.line}:${pos.character}`, () => complete(result.doc, result.context, pos, { locale: 'en' }));
    timed(`hover@${pos.line}:${pos.character}`, () => hover(result.doc, result.context, pos, { locale: 'zh' }));
  }
  timed('documentSymbols', () => documentSymbols(result.doc, result.context, 'en'));
  timed('foldingRanges', () => foldingRanges(result.doc));
  for (const mode of ['auto', 'yaml', 'flags'] as LaunchMode[]) {
    timed(`buildCommand(${mode})`, () => {
      try {
        return buildCommand(result.doc, result.context, { configPath: 'cfg.yaml', cwd: '/tmp', mode, gpus: [0, 1], nodeRank: 0 });
      } catch (e) {
        if (e instanceof CommandBuildError) return undefined;
        throw e;
      }
    });
  }
}

/** Positions spread over a text: line starts, middles, ends, and just past the end of lines. */
export function samplePositions(text: string, max = 60): Position[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Position[] = [];
  const step = Math.max(1, Math.floor(lines.length / Math.max(1, Math.floor(max / 4))));
  for (let l = 0; l < lines.length && out.length < max; l += step) {
    const len = lines[l]!.length;
    out.push({ line: l, character: 0 }, { line: l, character: len >> 1 }, { line: l, character: len }, { line: l, character: len + 3 });
  }
  return out.slice(0, max);
}

// ---- seeds and mutations --------------------------------------------------------------------------------------

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** The repo's example configs and the doc configs: the starting points of every mutation. */
export function seedTexts(): string[] {
  const files = [...yamlFiles(path.join(REPO_ROOT, 'examples')), ...yamlFiles(path.join(REPO_ROOT, 'test', 'fixtures', 'doc-configs'))];
  return files.map((f) => fs.readFileSync(f, 'utf8'));
}

let specCache: ArgSpec[] | undefined;
function allSpecs(): ArgSpec[] {
  if (!specCache) {
    const seen = new Map<string, ArgSpec>();
    for (const v of KNOWN_VERSIONS) for (const c of COMMANDS) for (const s of commandCatalog(v, c)?.specs() ?? []) if (!seen.has(s.name)) seen.set(s.name, s);
    specCache = [...seen.values()];
  }
  return specCache;
}

const SYNTAX = [':', '-', '- ', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', ' ', '\t', '\n', '\r\n', '\r', '\\'];
const SNIPPETS = [
  '---\n', '...\n', '<<: *a\n', '&a ', '*a', '? ', ': ', '!!int ', '!!str ', '!!float ', '!!python/object:os.system ', '!!binary ', '%YAML 1.1\n',
  '<<: [*a, *b]\n', 'a: &a {lr: 1}\n', 'ENV:\n', 'ENV:\n  NPROC_PER_NODE: "2"\n', '  - ', '# ms-swift-ignore\n', ' # ms-swift-ignore: unknown-argument',
  '# megatron sft ms-swift=4.5.2\n', '# swift export ms-swift=3.4.1\n', '# megatron rlhf ms-swift=3.4.1\n', '# swift infer ms-swift=9.9\n', '|\n  block\n', '>-\n  folded\n',
  "'quoted'", '"dq \\u00e9 \\x41"', '[a, [b, [c]]]', '{a: {b: {c: 1}}}', '~', 'null', '.inf', '0x1F', '010', '1_000', '1e-5', '2024-01-01', 'yes', 'None',
];
const UNICODE = ['é', '中文', '😀', '\u200b', '\ufeff', '\ufffd', '\u0000', '\u2028', '\u0085', '\ud800', '\udc00', 'İ', 'ß', '\u00a0', '\u202e'];

export type Mutation =
  | { op: 'deleteChar'; at: number; n: number }
  | { op: 'insert'; at: number; s: string }
  | { op: 'dupChar'; at: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'dupLine'; line: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'insertLine'; line: number; s: string }
  | { op: 'reindent'; line: number; indent: string };

const valueArb = (spec: ArgSpec | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('true', 'false', '0', '1', '-1', '2', '8', '1.5', '1e-5', '1.0e-5', 'null', '', '[]', '{}', 'abc', '"x y"', 'a/b#10', '[a/b, "c"]', '[1, 2]', '{a: 1}', 'none', 'full', 'bf16', '-x'),
    fc.constantFrom(...(spec?.choices?.length ? spec.choices.map((c) => (c === null ? 'None' : String(c))) : ['selective'])),
    fc.integer({ min: -5, max: 1 << 20 }).map(String),
    fc.string({ maxLength: 12 }),
  );

const keyValueLine: fc.Arbitrary<string> = fc
  .nat()
  .chain((i) => {
    const specs = allSpecs();
    const spec = specs[i % specs.length]!;
    return fc.tuple(fc.constantFrom(spec.name, spec.name.replace(/_/g, '-'), spec.name.slice(0, Math.max(2, spec.name.length - 3))), valueArb(spec));
  })
  .map(([k, v]) => `${k}: ${v}`);

const insertText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SYNTAX) },
  { weight: 3, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 2, arbitrary: keyValueLine },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('deleteChar' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: insertText }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dupChar' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteLine' as const), line: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dupLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insertLine' as const), line: fc.nat(), s: fc.oneof(keyValueLine, insertText, keyValueLine.map((l) => `  ${l}`)) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reindent' as const), line: fc.nat(), indent: fc.constantFrom('', ' ', '  ', '    ', '\t', ' \t', '- ') }) },
);

export function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const at = (n: number, len: number) => (len === 0 ? 0 : n % (len + 1));
  switch (m.op) {
    case 'deleteChar': {
      const i = at(m.at, text.length);
      return text.slice(0, i) + text.slice(i + m.n);
    }
    case 'insert': {
      const i = at(m.at, text.length);
      return text.slice(0, i) + m.s + text.slice(i);
    }
    case 'dupChar': {
      const i = at(m.at, Math.max(0, text.length - 1));
      return text.slice(0, i + 1) + text.slice(i);
    }
    case 'deleteLine':
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    case 'dupLine': {
      const i = m.line % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'swapLines': {
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'insertLine':
      lines.splice(m.line % (lines.length + 1), 0, m.s);
      return lines.join('\n');
    case 'reindent': {
      const i = m.line % lines.length;
      lines[i] = m.indent + lines[i]!.trimStart();
      return lines.join('\n');
    }
  }
}

/** A mutated seed config. */
export function mutatedConfigArb(seeds: readonly string[]): fc.Arbitrary<{ seed: number; mutations: Mutation[]; text: string }> {
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 8 })).map(([seed, mutations]) => ({
    seed,
    mutations,
    text: mutations.reduce(applyMutation, seeds[seed]!),
  }));
}

/** Positions in (and a little past) a text, as an editor may send them while the text changes. */
export function positionsArb(maxCount = 6): fc.Arbitrary<Array<{ lineFrac: number; character: number }>> {
  return fc.array(fc.record({ lineFrac: fc.double({ min: 0, max: 1, noNaN: true }), character: fc.nat({ max: 120 }) }), { maxLength: maxCount });
}

export function toPositions(text: string, raw: ReadonlyArray<{ lineFrac: number; character: number }>): Position[] {
  const count = text.split(/\r\n|\r|\n/).length;
  return raw.map((r) => ({ line: Math.min(count - 1, Math.floor(r.lineFrac * count)), character: r.character }));
}
