// Why did the run stop? Recognises the usual failures in the tail of a run's log (pure function over text):
// CUDA out of memory, NCCL timeouts and errors, the assertion/ValueError messages of ms-swift and Megatron that
// correspond to a rule of reference/constraints.md (with that rule's id, so the editor can put the rule's
// diagnostic on the config), unknown arguments, missing packages, missing files, and torchrun's ChildFailedError
// summary (exit codes and signals; SIGKILL usually means the host ran out of RAM).
//
// Logs of multi-GPU runs repeat each message once per rank, often with a "[rank3]:" prefix; a failure is reported
// once, with every line it shows on and the ranks that printed it.
import { CONSTRAINT_INFO, CONSTRAINT_PATTERNS, RENAMED_IN_V4 } from './failure-patterns';

export type FailureKind =
  | 'cuda-oom'
  | 'host-oom'
  | 'nccl-timeout'
  | 'nccl-error'
  | 'rendezvous-timeout'
  | 'constraint'
  | 'unknown-arguments'
  | 'argument-error'
  | 'missing-package'
  | 'file-not-found'
  | 'child-failed'
  | 'python-error';

export interface CudaOomInfo {
  /** the local GPU index in the message ("GPU 0"), i.e. within CUDA_VISIBLE_DEVICES */
  gpu?: number;
  requestedGiB?: number;
  totalGiB?: number;
  freeGiB?: number;
  /** memory held by tensors (PyTorch's "allocated") */
  allocatedGiB?: number;
  /** reserved by PyTorch's caching allocator but not in use */
  reservedUnallocatedGiB?: number;
}

export interface NcclInfo {
  opType?: string;
  seqNum?: number;
  timeoutMs?: number;
  ranForMs?: number;
  /** e.g. "unhandled system error", "ncclRemoteError" */
  error?: string;
  ncclVersion?: string;
}

export interface ProcessFailure {
  rank?: number;
  localRank?: number;
  host?: string;
  time?: string;
  exitCode: number;
  pid?: number;
  /** "SIGKILL" for exit code -9, etc. */
  signal?: string;
  /** listed under torchrun's "Root Cause (first observed failure)" */
  rootCause: boolean;
}

export interface Failure {
  kind: FailureKind;
  /** plain words: what happened and what to do */
  summary: string;
  /** the log lines it is based on (prefixes stripped), for a hover or an output pane */
  details: string;
  /** the rule of reference/constraints.json this message comes from */
  constraintId?: string;
  /** config keys (or ENV variables) to mark */
  keys?: string[];
  /** 1-based line of the first occurrence */
  line: number;
  /** 1-based lines of every occurrence, ascending */
  lines: number[];
  /** ranks that printed it, when the log says ([rankN]: prefixes, "[Rank N]", torchrun summaries) */
  ranks?: number[];
  cudaOom?: CudaOomInfo;
  nccl?: NcclInfo;
  processes?: ProcessFailure[];
  /** missing-package: the module name imported */
  package?: string;
  /** file-not-found: the path */
  path?: string;
}

export interface RecognizeOptions {
  /** only the last this many lines are read (default 20000); line numbers still count from the text's start */
  maxLines?: number;
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};

/** Python import names whose pip package has another name. */
const PIP_NAMES: Record<string, string> = {
  flash_attn: 'flash-attn',
  flash_attn_interface: 'flash-attn (FA3, from the hopper/ folder of flash-attention)',
  transformer_engine: 'transformer-engine[pytorch]',
  megatron: 'megatron-core (ms-swift 4) or Megatron-LM on PYTHONPATH (ms-swift 3, MEGATRON_LM_PATH)',
  mcore_bridge: 'mcore-bridge',
  apex: 'NVIDIA apex (built from source with --cpp_ext --cuda_ext)',
  liger_kernel: 'liger-kernel',
  cv2: 'opencv-python',
  PIL: 'pillow',
  yaml: 'pyyaml',
  sklearn: 'scikit-learn',
  deep_ep: 'DeepEP',
  grouped_gemm: 'grouped_gemm',
};

// ----- line cleaning -----

interface Line {
  /** 0-based index in the text */
  index: number;
  /** the line without ANSI colours and rank prefixes, trimmed at the end */
  text: string;
  rank?: number;
  /** a source line (or ^^^ marker) quoted by a Python traceback, not a message */
  code?: boolean;
}

const FRAME = /^\s*File "[^"]*", line \d+/;

/** Marks the source lines tracebacks quote: the indented lines after a `File "...", line N` frame. */
function markCode(lines: Line[]): void {
  let inFrame = false;
  for (const l of lines) {
    if (FRAME.test(l.text)) {
      inFrame = true;
      continue;
    }
    if (inFrame && /^\s{2,}\S/.test(l.text)) l.code = true;
    else inFrame = false;
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const RANK_PREFIX = /^\s*(?:\[(?:rank|default)(\d+)\]:|\[\d+,(\d+)\]<std(?:out|err)>:)\s?/;

function cleanLine(raw: string, index: number): Line {
  let text = raw.replace(ANSI, '').replace(/\r$/, '');
  let rank: number | undefined;
  for (let m = RANK_PREFIX.exec(text); m; m = RANK_PREFIX.exec(text)) {
    rank ??= Number(m[1] ?? m[2]);
    text = text.slice(m[0].length);
  }
  text = text.trimEnd();
  return rank === undefined ? { index, text } : { index, text, rank };
}

// ----- collecting hits into failures -----

interface Hit {
  key: string;
  kind: FailureKind;
  summary: string;
  detail: string;
  lines: number[];
  ranks: number[];
  extra?: Partial<Failure>;
}

class Collector {
  readonly hits = new Map<string, Hit>();
  readonly covered = new Set<number>();

  add(key: string, kind: FailureKind, summary: string, lines: Line[], extra?: Partial<Failure>, detail?: string): void {
    let h = this.hits.get(key);
    if (!h) {
      h = { key, kind, summary, detail: detail ?? lines.map((l) => l.text.trim()).join('\n'), lines: [], ranks: [] };
      if (extra) h.extra = extra;
      this.hits.set(key, h);
    }
    for (const l of lines) {
      h.lines.push(l.index + 1);
      this.covered.add(l.index);
      if (l.rank !== undefined) h.ranks.push(l.rank);
    }
  }

  addRank(key: string, rank: number): void {
    this.hits.get(key)?.ranks.push(rank);
  }
}

const PRIORITY: Record<FailureKind, number> = {
  constraint: 0,
  'unknown-arguments': 0,
  'argument-error': 1,
  'missing-package': 1,
  'file-not-found': 1,
  'cuda-oom': 2,
  'host-oom': 3,
  'nccl-timeout': 4,
  'nccl-error': 4,
  'rendezvous-timeout': 4,
  'python-error': 5,
  'child-failed': 6,
};

// ----- the recogniser -----

/**
 * Recognises failures in a log text (usually its tail). Most specific first: rule violations, unknown arguments,
 * missing packages and files, then CUDA OOM, host OOM, NCCL, other Python errors, and torchrun's summary last.
 */
export function recognizeFailures(text: string, options: RecognizeOptions = {}): Failure[] {
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const maxLines = options.maxLines ?? 20000;
  const from = Math.max(0, raw.length - maxLines);
  const lines: Line[] = [];
  for (let i = from; i < raw.length; i++) lines.push(cleanLine(raw[i]!, i));
  markCode(lines);
  const c = new Collector();

  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    const t = l.text;
    if (t.length === 0) continue;
    if (matchConstraint(lines, k, c)) continue;
    if (l.code) continue;
    if (matchArguments(l, c)) continue;
    if (matchCudaOom(l, c)) continue;
    if (matchNccl(l, c)) continue;
    if (matchMissingPackage(lines, k, c)) continue;
    if (matchFileNotFound(lines, k, c)) continue;
    matchHostOom(l, c);
  }
  matchTorchrun(lines, c);
  matchPythonErrors(lines, c);

  const out: Failure[] = [];
  for (const h of c.hits.values()) {
    const ls = [...new Set(h.lines)].sort((a, b) => a - b);
    const f: Failure = { kind: h.kind, summary: h.summary, details: h.detail, line: ls[0]!, lines: ls, ...h.extra };
    const ranks = [...new Set(h.ranks)].sort((a, b) => a - b);
    if (ranks.length > 0) f.ranks = ranks;
    out.push(f);
  }
  return out.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.line - b.line);
}

function context(lines: Line[], k: number, n: number): string {
  const parts: string[] = [];
  for (let i = Math.max(0, k - n); i < k; i++) parts.push(lines[i]!.text);
  return parts.join('\n');
}

/** Index of an "AssertionError" line right after k (Python 3.11+ puts ^^^^ markers in between), or -1. */
function assertionAfter(lines: Line[], k: number): number {
  for (let i = k + 1; i < Math.min(lines.length, k + 5); i++) {
    const t = lines[i]!.text.trim();
    if (/^AssertionError\b/.test(t)) return i;
    if (t !== '' && !/^[\^~\s]+$/.test(t)) return -1;
  }
  return -1;
}

/** Rule messages are raised as exceptions (or printed by Megatron's checkpoint loader); bare asserts are code. */
function mayBeRuleMessage(t: string): boolean {
  return t.includes('Error') || t.includes('Exception') || t.includes('WARNING: could not find') || t.includes('exiting') || t.includes('Unable to load');
}

function matchConstraint(lines: Line[], k: number, c: Collector): boolean {
  const l = lines[k]!;
  const t = l.text.trim();
  const assertLine = t.startsWith('assert ') && assertionAfter(lines, k) >= 0;
  if (!assertLine && !mayBeRuleMessage(l.text)) return false;
  for (const p of CONSTRAINT_PATTERNS) {
    if (!!p.assertLine !== assertLine) continue;
    if (l.code && !p.assertLine) continue; // messages, not the source lines tracebacks quote
    if (!p.re.test(p.assertLine ? t : l.text)) continue;
    if (p.context && !p.context.test(context(lines, k, 12))) continue;
    const hitLines = [l];
    if (p.assertLine) hitLines.push(lines[assertionAfter(lines, k)]!);
    const info = CONSTRAINT_INFO[p.id];
    const keys = p.keys ?? info?.keys ?? [];
    c.add(`constraint:${p.id}`, 'constraint', info?.summary ?? p.id, hitLines, { constraintId: p.id, ...(keys.length ? { keys: [...keys] } : {}) });
    return true;
  }
  return false;
}

// ----- arguments -----

/** Items of a Python list repr: ['--a', '1', "b"] */
function pythonListItems(s: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

/** "--max_epochs" / "--max-epochs=3" → "max_epochs" / "max-epochs"; values → undefined */
function flagName(item: string): string | undefined {
  const m = /^--?([A-Za-z_][\w.-]*)(=.*)?$/.exec(item);
  return m ? m[1] : undefined;
}

function unknownArgs(keys: string[], lines: Line[], c: Collector, source: string): void {
  const renamed = keys.filter((k) => RENAMED_IN_V4.has(k.replace(/-/g, '_')));
  const other = keys.filter((k) => !RENAMED_IN_V4.has(k.replace(/-/g, '_')));
  if (other.length > 0) {
    c.add(
      'unknown-arguments',
      'unknown-arguments',
      `${source} does not know ${other.length === 1 ? 'the argument' : 'the arguments'} ${other.map((k) => `\`${k}\``).join(', ')} and stopped: fix the spelling or remove ${other.length === 1 ? 'it' : 'them'} (ignore_args_error: true only turns this into a warning).`,
      lines,
      { constraintId: 'unknown-argument', keys: other },
    );
  }
  if (renamed.length > 0) {
    c.add(
      'renamed-arguments',
      'unknown-arguments',
      `${renamed.map((k) => `\`${k}\``).join(', ')} ${renamed.length === 1 ? 'is an ms-swift 3.x name' : 'are ms-swift 3.x names'} that ms-swift 4 renamed or removed: use the 4.x ${renamed.length === 1 ? 'name' : 'names'}.`,
      lines,
      { constraintId: 'argument-renamed-in-v4', keys: renamed },
    );
  }
}

function matchArguments(l: Line, c: Collector): boolean {
  const t = l.text;
  if (!t.includes('remaining_argv') && !t.includes('error: ')) return false;
  let m = /remaining_argv: (\[.*\])/.exec(t);
  if (m) {
    const items = pythonListItems(m[1]!);
    const keys = items.map(flagName).filter((k): k is string => k !== undefined);
    if (keys.length === 0 && items.some((i) => /\.(ya?ml|json)$/i.test(i))) {
      const info = CONSTRAINT_INFO['yaml-config-unsupported-before-v4-1']!;
      c.add('constraint:yaml-config-unsupported-before-v4-1', 'constraint', info.summary, [l], { constraintId: 'yaml-config-unsupported-before-v4-1' });
      return true;
    }
    if (keys.length > 0) {
      unknownArgs(keys, [l], c, 'ms-swift');
      return true;
    }
    return false;
  }
  m = /error: unrecognized arguments: (.*)$/.exec(t);
  if (m) {
    const keys = m[1]!.split(/\s+/).map(flagName).filter((k): k is string => k !== undefined);
    if (keys.length > 0) {
      unknownArgs(keys, [l], c, 'The argument parser');
      return true;
    }
    return false;
  }
  m = /error: ambiguous option: --?([\w.-]+)(?:=\S*)? could match (.*)$/.exec(t);
  if (m) {
    const key = m[1]!;
    const renamed = RENAMED_IN_V4.has(key.replace(/-/g, '_'));
    c.add(
      `ambiguous:${key}`,
      'unknown-arguments',
      renamed
        ? `\`${key}\` is an ms-swift 3.x name; in ms-swift 4 it is only an ambiguous prefix of ${m[2]!.trim()}: use the 4.x name.`
        : `\`${key}\` is not an argument, only an ambiguous prefix of ${m[2]!.trim()}: write the full name.`,
      [l],
      { constraintId: renamed ? 'argument-renamed-in-v4' : 'unknown-argument', keys: [key] },
    );
    return true;
  }
  m = /error: argument --?([\w.-]+)(?:\/[-\w./]+)?: (.*)$/.exec(t);
  if (m) {
    const flag = m[1]!;
    const key = flag.replace(/-/g, '_');
    const msg = m[2]!;
    if (/invalid choice/.test(msg)) {
      const id = key === 'attention_backend' ? 'attention-backend-choices' : key === 'moe_token_dispatcher_type' ? 'moe-token-dispatcher-choices' : 'value-not-in-choices';
      c.add(`choice:${key}`, 'constraint', `\`${key}\` has a value that is not one of its choices: ${msg}.`, [l], { constraintId: id, keys: [key] });
      return true;
    }
    if (/expected (one|at least one) argument/.test(msg) || /invalid \w+ value: '(None|null|)'/.test(msg)) {
      c.add(`empty:${key}`, 'constraint', `\`${key}\` got no value (an empty or null YAML value): give it a value or remove the key.`, [l], {
        constraintId: 'yaml-null-or-empty-values',
        keys: [key],
      });
      return true;
    }
    if (key === 'attention_backend' && /invalid .* value/.test(msg)) {
      c.add(`choice:${key}`, 'constraint', `\`attention_backend\` has a value Megatron does not know: ${msg}.`, [l], { constraintId: 'attention-backend-choices', keys: [key] });
      return true;
    }
    c.add(`argerror:${key}`, 'argument-error', `\`${key}\` was rejected by the argument parser: ${msg}.`, [l], { keys: [key] });
    return true;
  }
  return false;
}

// ----- CUDA out of memory -----

function gib(value: string, unit: string): number {
  const v = Number(value);
  switch (unit) {
    case 'GiB':
    case 'GB':
      return v;
    case 'MiB':
    case 'MB':
      return v / 1024;
    case 'KiB':
    case 'KB':
      return v / (1024 * 1024);
    case 'TiB':
      return v * 1024;
    default:
      return v / (1024 * 1024 * 1024);
  }
}

const SIZE = '([\\d.]+) ?(TiB|GiB|MiB|KiB|GB|MB|KB|bytes|B)';

function fmt(g: number | undefined): string {
  if (g === undefined) return '?';
  return g >= 1 ? `${g.toFixed(2)} GiB` : `${(g * 1024).toFixed(g * 1024 >= 10 ? 0 : 2)} MiB`;
}

const OOM_HINT = /memory|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation/;

function matchCudaOom(l: Line, c: Collector): boolean {
  const t = l.text;
  if (!OOM_HINT.test(t)) return false;
  if (/CUDA out of memory/.test(t)) {
    const info: CudaOomInfo = {};
    let m = new RegExp(`Tried to allocate ${SIZE}`).exec(t);
    if (m) info.requestedGiB = gib(m[1]!, m[2]!);
    m = new RegExp(`GPU (\\d+) has a total capacity of ${SIZE} of which ${SIZE} is free`).exec(t);
    if (m) {
      info.gpu = Number(m[1]);
      info.totalGiB = gib(m[2]!, m[3]!);
      info.freeGiB = gib(m[4]!, m[5]!);
    }
    m = new RegExp(`\\(GPU (\\d+); ${SIZE} total capacity; ${SIZE} already allocated; ${SIZE} free; ${SIZE} reserved in total by PyTorch\\)`).exec(t);
    if (m) {
      info.gpu = Number(m[1]);
      info.totalGiB = gib(m[2]!, m[3]!);
      info.allocatedGiB = gib(m[4]!, m[5]!);
      info.freeGiB = gib(m[6]!, m[7]!);
      info.reservedUnallocatedGiB = Math.max(0, gib(m[8]!, m[9]!) - info.allocatedGiB);
    }
    m = new RegExp(`Of the allocated memory ${SIZE} is allocated by PyTorch, and ${SIZE} is reserved by PyTorch but unallocated`).exec(t);
    if (m) {
      info.allocatedGiB = gib(m[1]!, m[2]!);
      info.reservedUnallocatedGiB = gib(m[3]!, m[4]!);
    }
    const where = info.gpu !== undefined ? ` on GPU ${info.gpu}` : '';
    let summary = `CUDA out of memory${where}`;
    if (info.requestedGiB !== undefined) summary += `: tried to allocate ${fmt(info.requestedGiB)}`;
    if (info.freeGiB !== undefined && info.totalGiB !== undefined) summary += ` with ${fmt(info.freeGiB)} free of ${fmt(info.totalGiB)}`;
    summary += '. Lower micro_batch_size or max_length, turn on recompute (recompute_granularity: full), or spread the model over more GPUs (tensor/pipeline parallel).';
    if (info.reservedUnallocatedGiB !== undefined && info.reservedUnallocatedGiB >= 1) {
      summary += ` ${fmt(info.reservedUnallocatedGiB)} is reserved but unallocated (fragmentation): PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True may help.`;
    }
    const key = 'cuda-oom';
    const existing = c.hits.get(key);
    c.add(key, 'cuda-oom', summary, [l], { cudaOom: info });
    if (existing && existing.extra?.cudaOom?.requestedGiB === undefined && info.requestedGiB !== undefined) {
      existing.summary = summary;
      existing.extra = { cudaOom: info };
      existing.detail = t.trim();
    }
    return true;
  }
  if (/CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|Cuda failure '?out of memory'?|CUDNN_STATUS_(NOT_SUPPORTED|ALLOC_FAILED).*memory/.test(t)) {
    c.add('cuda-oom', 'cuda-oom', 'CUDA out of memory (reported by a CUDA library). Lower micro_batch_size or max_length, turn on recompute, or use more model parallelism.', [l], { cudaOom: {} });
    return true;
  }
  return false;
}

// ----- NCCL and rendezvous -----

const NCCL_HINT = /nccl|NCCL|atchdog|Heartbeat|DistNetworkError|Rendezvous|socket|Timed out/;

function matchNccl(l: Line, c: Collector): boolean {
  const t = l.text;
  if (!NCCL_HINT.test(t)) return false;
  const rankIn = /\[(?:PG ID \d+ PG GUID [^\]]*?)?\s*Rank (\d+)\]/.exec(t);
  const addRank = (key: string) => {
    if (rankIn) c.addRank(key, Number(rankIn[1]));
  };
  let m = /Watchdog caught collective operation timeout: WorkNCCL\((.*?)\) ran for (\d+) milliseconds before timing out/.exec(t);
  if (m) {
    const inner = m[1]!;
    const nccl: NcclInfo = { ranForMs: Number(m[2]) };
    const op = /OpType=(\w+)/.exec(inner);
    if (op) nccl.opType = op[1]!;
    const seq = /SeqNum=(\d+)/.exec(inner);
    if (seq) nccl.seqNum = Number(seq[1]);
    const to = /Timeout\(ms\)=(\d+)/.exec(inner);
    if (to) nccl.timeoutMs = Number(to[1]);
    const minutes = nccl.timeoutMs !== undefined ? ` after ${Math.round(nccl.timeoutMs / 60000)} min` : '';
    c.add(
      'nccl-timeout',
      'nccl-timeout',
      `An NCCL collective (${nccl.opType ?? 'unknown op'}) timed out${minutes}: some rank stopped taking part, usually because it failed or hung earlier (look for its error), or is much slower (data loading, checkpoint saving). A longer timeout (ddp_timeout / distributed_timeout_minutes) only helps for slow steps.`,
      [l],
      { nccl },
    );
    addRank('nccl-timeout');
    return true;
  }
  if (/Timeout at NCCL work|Heartbeat monitor timed out|watchdog (thread )?(got )?stuck|ProcessGroupNCCL.*(timeout|timed out)|collective operation timeout/i.test(t)) {
    c.add(
      'nccl-timeout',
      'nccl-timeout',
      'An NCCL collective timed out: some rank stopped taking part, usually because it failed or hung earlier (look for its error), or is much slower.',
      [l],
      { nccl: {} },
    );
    addRank('nccl-timeout');
    return true;
  }
  m = /NCCL error in: \S+, ([^,]+?)(?:, NCCL version ([\w.+-]+))?\s*$/.exec(t);
  if (m || /\bnccl(SystemError|InternalError|InvalidUsage|InvalidArgument|UnhandledCudaError|RemoteError)\b/.test(t) || /DistBackendError: NCCL/.test(t)) {
    const nccl: NcclInfo = {};
    if (m) {
      nccl.error = m[1]!.trim();
      if (m[2]) nccl.ncclVersion = m[2];
    } else {
      const n = /\b(nccl\w+Error)\b/.exec(t);
      if (n) nccl.error = n[1]!;
    }
    const hint = /remote|network|socket|connection/i.test(t)
      ? ' A peer went away or the network failed: check the other ranks/nodes and NCCL_SOCKET_IFNAME / NCCL_IB_* settings.'
      : /system error|SystemError/i.test(t)
        ? ' Often too little shared memory in a container (/dev/shm; docker --shm-size / --ipc=host) or a network interface problem; NCCL_DEBUG=INFO shows more.'
        : ' NCCL_DEBUG=INFO shows more.';
    c.add('nccl-error', 'nccl-error', `NCCL failed${nccl.error ? ` (${nccl.error})` : ''}.${hint}`, [l], { nccl });
    addRank('nccl-error');
    return true;
  }
  if (/DistNetworkError|RendezvousTimeoutError|The client socket has timed out after \d+m?s while trying to connect|Timed out after \d+ seconds waiting for clients|store->get\('?\w+'?\) got error: Socket Timeout/.test(t)) {
    c.add(
      'rendezvous-timeout',
      'rendezvous-timeout',
      'The processes could not meet (torch.distributed rendezvous timed out): check MASTER_ADDR / MASTER_PORT (reachable from every node, port free), NNODES and NODE_RANK on each node, and that all nodes were started.',
      [l],
      { keys: ['MASTER_ADDR', 'MASTER_PORT', 'NNODES', 'NODE_RANK'] },
    );
    return true;
  }
  return false;
}

// ----- packages and files -----

function matchMissingPackage(lines: Line[], k: number, c: Collector): boolean {
  const l = lines[k]!;
  const t = l.text;
  if (!t.includes('Error') && !t.includes('distribution was not found')) return false;
  let m = /ModuleNotFoundError: No module named '([\w.]+)'/.exec(t);
  if (m) {
    const mod = m[1]!;
    const top = mod.split('.')[0]!;
    const pip = PIP_NAMES[top] ?? top.replace(/_/g, '-');
    const flash = top === 'flash_attn' || top === 'flash_attn_interface';
    c.add(
      `module:${mod}`,
      'missing-package',
      `The Python package for \`${mod}\` is not installed in the run's environment: install ${pip}${flash ? ', or choose another attention_backend' : ''}.`,
      [l],
      { package: mod, ...(flash ? { constraintId: 'flash-attention-package-required', keys: ['attention_backend'] } : {}) },
    );
    return true;
  }
  m = /ImportError: cannot import name '(\w+)' from '([\w.]+)'/.exec(t);
  if (m) {
    c.add(
      `import:${m[2]}:${m[1]}`,
      'missing-package',
      `\`${m[2]}\` has no \`${m[1]}\`: the installed version of ${m[2]!.split('.')[0]} does not match what ms-swift / Megatron expects (check the versions ms-swift documents).`,
      [l],
      { package: m[2]! },
    );
    return true;
  }
  m = /(?:PackageNotFoundError: |^)(?:No package metadata was found for )?The '([^']+)' distribution was not found and is required by the application/.exec(t);
  if (m) {
    c.add(`dist:${m[1]}`, 'missing-package', `The package ${m[1]} is not installed (ms-swift requires it for this configuration).`, [l], { package: m[1]! });
    return true;
  }
  m = /ImportError: ([\w.-]+)([<>=!~]=?[\w.]+)? is required for a normal functioning of this module, but found ([\w.-]+==[\w.+-]+)/.exec(t);
  if (m) {
    c.add(`version:${m[1]}`, 'missing-package', `${m[1]}${m[2] ?? ''} is required, but ${m[3]} is installed.`, [l], { package: m[1]! });
    return true;
  }
  return false;
}

function matchFileNotFound(lines: Line[], k: number, c: Collector): boolean {
  const l = lines[k]!;
  const t = l.text;
  if (!t.includes('Error') && !t.includes('not a valid model identifier')) return false;
  let m = /FileNotFoundError: path: '([^']+)'/.exec(t);
  if (m) {
    const ctx = context(lines, k, 8);
    const which = /self\.(load|mcore_model|mcore_adapter|mcore_ref_model|mcore_ref_adapter)\b/.exec(ctx)?.[1];
    if (which) {
      c.add(`file:${m[1]}`, 'file-not-found', `The checkpoint folder \`${which}\` points at does not exist: ${m[1]}.`, [l], {
        path: m[1]!,
        constraintId: 'checkpoint-path-must-exist',
        keys: [which],
      });
    } else {
      c.add(`file:${m[1]}`, 'file-not-found', `A path in the config does not exist: ${m[1]}.`, [l], { path: m[1]! });
    }
    return true;
  }
  m = /ValueError: path: '([^']+)' not found/.exec(t);
  if (m) {
    c.add(`file:${m[1]}`, 'file-not-found', `The model path does not exist: ${m[1]}.`, [l], { path: m[1]!, keys: ['model'] });
    return true;
  }
  m = /The local path does not exist, dataset_id: `([^`]+)`/.exec(t);
  if (m) {
    c.add(`file:${m[1]}`, 'file-not-found', `The dataset path does not exist: ${m[1]}.`, [l], { path: m[1]!, keys: ['dataset'] });
    return true;
  }
  m = /(\S+) is not a local folder and is not a valid model identifier/.exec(t);
  if (m) {
    const p = m[1]!.replace(/^['"]|['"]$/g, '');
    c.add(`file:${p}`, 'file-not-found', `The model is neither a local folder nor a model id on the hub: ${p}.`, [l], { path: p, keys: ['model'] });
    return true;
  }
  m = /Repo id must be in the form 'repo_name' or 'namespace\/repo_name': '([^']+)'/.exec(t);
  if (m) {
    c.add(`file:${m[1]}`, 'file-not-found', `The model path does not exist (it was taken for a hub id): ${m[1]}.`, [l], { path: m[1]!, keys: ['model'] });
    return true;
  }
  m = /(?:FileNotFoundError|OSError|IOError): \[Errno 2\] No such file or directory: '([^']+)'/.exec(t);
  if (m) {
    c.add(`file:${m[1]}`, 'file-not-found', `A file or folder does not exist: ${m[1]}.`, [l], { path: m[1]! });
    return true;
  }
  return false;
}

function matchHostOom(l: Line, c: Collector): boolean {
  const t = l.text;
  if (!/Killed|oom|Out of memory/i.test(t)) return false;
  if (/Out of memory: Killed process \d+|oom-kill:|oom_reaper: reaped process|Memory cgroup out of memory/.test(t) || /^(\S+: line \d+: +\d+ )?Killed(\s+.*)?$/.test(t.trim())) {
    c.add(
      'host-oom',
      'host-oom',
      'A process was killed by the kernel for lack of CPU memory (host RAM, not GPU memory). Common causes: dataset preprocessing (lower dataset_num_proc, use streaming or lazy_tokenize), many dataloader workers, or loading/saving checkpoints on CPU.',
      [l],
    );
    return true;
  }
  return false;
}

// ----- torchrun -----

function signalName(exitCode: number): string | undefined {
  return exitCode < 0 ? (SIGNALS[-exitCode] ?? `signal ${-exitCode}`) : undefined;
}

function describeExit(p: ProcessFailure): string {
  const who = p.rank !== undefined ? `rank ${p.rank}${p.localRank !== undefined && p.localRank !== p.rank ? ` (local rank ${p.localRank})` : ''}` : 'a process';
  if (p.signal === undefined) return `${who} exited with code ${p.exitCode}`;
  const why: Record<string, string> = {
    SIGKILL: 'killed (SIGKILL)',
    SIGTERM: 'stopped (SIGTERM, usually by torchrun after another rank failed, or by the scheduler)',
    SIGABRT: 'aborted (SIGABRT, e.g. the NCCL watchdog or a C++ error taking the process down)',
    SIGSEGV: 'crashed (SIGSEGV, segmentation fault)',
    SIGBUS: 'crashed (SIGBUS, often too little shared memory /dev/shm in a container)',
  };
  return `${who} was ${why[p.signal] ?? `ended by ${p.signal}`}`;
}

function matchTorchrun(lines: Line[], c: Collector): void {
  const processes: ProcessFailure[] = [];
  const used: Line[] = [];
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k]!.text;
    if (/ChildFailedError/.test(t)) {
      used.push(lines[k]!);
      let rootCause = false;
      let cur: Partial<ProcessFailure> & { fields?: number } | undefined;
      const flush = () => {
        if (cur && cur.exitCode !== undefined) {
          const p: ProcessFailure = { exitCode: cur.exitCode, rootCause: cur.rootCause ?? false };
          for (const f of ['rank', 'localRank', 'host', 'time', 'pid', 'signal'] as const) if (cur[f] !== undefined) (p as unknown as Record<string, unknown>)[f] = cur[f];
          processes.push(p);
        }
        cur = undefined;
      };
      let i = k + 1;
      let equalsSeen = 0;
      for (; i < lines.length && i < k + 400; i++) {
        const s = lines[i]!.text.trim();
        if (/^=+$/.test(s)) {
          used.push(lines[i]!);
          if (++equalsSeen === 2) break;
          continue;
        }
        if (s === '' && equalsSeen === 0) continue;
        if (/^Root Cause/.test(s)) {
          flush();
          rootCause = true;
          used.push(lines[i]!);
          continue;
        }
        if (/^Failures:/.test(s)) {
          flush();
          rootCause = false;
          continue;
        }
        if (/^\[\d+\]:$/.test(s)) {
          flush();
          cur = { rootCause };
          continue;
        }
        if (!cur) continue;
        let m = /^rank\s*:\s*(\d+)(?: \(local_rank: (\d+)\))?/.exec(s);
        if (m) {
          cur.rank = Number(m[1]);
          if (m[2] !== undefined) cur.localRank = Number(m[2]);
          continue;
        }
        m = /^exitcode\s*:\s*(-?\d+)(?: \(pid: (\d+)\))?/.exec(s);
        if (m) {
          cur.exitCode = Number(m[1]);
          if (m[2] !== undefined) cur.pid = Number(m[2]);
          const sig = signalName(cur.exitCode);
          if (sig) cur.signal = sig;
          used.push(lines[i]!);
          continue;
        }
        m = /^host\s*:\s*(\S+)/.exec(s);
        if (m) {
          cur.host = m[1]!;
          continue;
        }
        m = /^time\s*:\s*(\S+)/.exec(s);
        if (m) {
          cur.time = m[1]!;
          continue;
        }
        m = /^traceback\s*:\s*Signal (\d+) \((SIG\w+)\) received by PID (\d+)/.exec(s);
        if (m) {
          cur.signal = m[2]!;
          used.push(lines[i]!);
        }
      }
      flush();
      k = i;
      continue;
    }
    // the agent's own line, also printed without the summary block
    const m = /failed \(exitcode: (-?\d+)\) local_rank: (\d+) \(pid: (\d+)\) of binary/.exec(t);
    if (m) {
      used.push(lines[k]!);
      const exitCode = Number(m[1]);
      const localRank = Number(m[2]);
      const pid = Number(m[3]);
      const p: ProcessFailure = { exitCode, localRank, pid, rootCause: true };
      const sig = signalName(exitCode);
      if (sig) p.signal = sig;
      processes.unshift(p); // merged below with the summary's fuller entry, which wins
    }
  }
  if (used.length === 0 || processes.length === 0) return;
  // the same process can show in the agent's line and in the summary: merge by pid (else by rank)
  const byKey = new Map<string, ProcessFailure>();
  for (const p of processes) {
    const key = p.pid !== undefined ? `pid:${p.pid}` : `rank:${p.host ?? ''}:${p.rank ?? ''}:${p.localRank ?? ''}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, p);
    else {
      const rootCause = prev.rootCause || p.rootCause;
      Object.assign(prev, p, { rootCause });
    }
  }
  const all = [...byKey.values()].sort((a, b) => Number(b.rootCause) - Number(a.rootCause) || (a.rank ?? a.localRank ?? 0) - (b.rank ?? b.localRank ?? 0));
  const killed = all.filter((p) => p.signal === 'SIGKILL');
  const root = all.find((p) => p.rootCause) ?? all[0]!;
  const kind: FailureKind = killed.length > 0 ? 'host-oom' : 'child-failed';
  let summary = `torchrun: ${all.length} process${all.length === 1 ? '' : 'es'} failed; first: ${describeExit(root)}.`;
  if (killed.length > 0) {
    summary += ` ${killed.length < all.length ? 'Some were' : killed.length === 1 ? 'It was' : 'They were'} killed with SIGKILL, which most likely means the host ran out of CPU memory (the kernel's OOM killer); a scheduler's hard limit or a manual kill -9 do the same.`;
  } else if (root.exitCode > 0) {
    summary += ' The error that made it exit is earlier in the log.';
  }
  const ranks = all.map((p) => p.rank).filter((r): r is number => r !== undefined);
  const detail = used.map((l) => l.text.trim()).join('\n');
  c.add('torchrun', kind, summary, used, { processes: all }, detail);
  for (const r of ranks) c.addRank('torchrun', r);
}

// ----- other Python exceptions -----

const EXCEPTION_LINE = /^((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Interrupt|Exit|Failure))(?::\s?(.*))?$/;

function matchPythonErrors(lines: Line[], c: Collector): void {
  for (let k = 0; k < lines.length; k++) {
    if (!/^Traceback \(most recent call last\):$/.test(lines[k]!.text.trim())) continue;
    // walk the frames: "  File ...", indented source lines and ^^^ markers, up to the exception line
    let i = k + 1;
    let lastFrame: string | undefined;
    let lastSource: string | undefined;
    for (; i < lines.length; i++) {
      const t = lines[i]!.text;
      if (/^\s+File "/.test(t)) {
        lastFrame = t.trim();
        continue;
      }
      if (/^\s+\S/.test(t) || t.trim() === '') {
        if (!/^[\^~\s]+$/.test(t)) lastSource = t.trim() || lastSource;
        continue;
      }
      break;
    }
    if (i >= lines.length) continue;
    const ex = lines[i]!;
    const m = EXCEPTION_LINE.exec(ex.text.trim());
    if (!m) continue;
    if (c.covered.has(ex.index)) continue;
    const name = m[1]!;
    if (/ChildFailedError$/.test(name)) continue;
    const msg = (m[2] ?? '').trim();
    const where = lastFrame ? /File "([^"]+)", line (\d+)/.exec(lastFrame) : null;
    const place = where ? ` (${where[1]!.split('/').slice(-2).join('/')}:${where[2]})` : '';
    const summary = msg ? `${name.split('.').pop()}: ${msg}${place}` : `${name.split('.').pop()}${place}${lastSource ? `: ${lastSource}` : ''}`;
    const detail = [lastFrame, lastSource, ex.text.trim()].filter((s): s is string => !!s).join('\n');
    c.add(`python:${name}:${msg}:${place}`, 'python-error', summary, [ex], {}, detail);
  }
}
