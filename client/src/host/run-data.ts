// The data of one run folder as it grows: scalars from every TensorBoard event file under it (followed
// incrementally) and ms-swift's logging.jsonl (progress, loss, memory). poll() returns only what is new.
import * as path from 'path';
import { FileView } from '../../../core/src/files';
import { discoverRun, EventFileFollower, JsonlFileFollower, LogRecord, metricKind, MetricKind, progressOf, RunProgress, ScalarTable } from '../../../core/src/metrics';
import { nodeByteSource } from '../../../core/src/metrics/node-source';

export interface SeriesDelta {
  tag: string;
  kind: MetricKind;
  steps: number[];
  values: number[];
}

export interface RunPoll {
  /** new points per series since the last poll (all points on the first poll, or after a reset) */
  series: SeriesDelta[];
  progress: RunProgress;
  /** corrupt records, unreadable lines: reported once */
  issues: string[];
  /** the previous series must be dropped (a file was rewritten) */
  reset: boolean;
}

interface FollowedFile {
  follower: EventFileFollower;
  table: ScalarTable;
  close(): void;
  /** how many points of each tag were handed out */
  sent: Map<string, number>;
  /** series name prefix when several files share tags */
  suffix: string;
}

export class RunData {
  private readonly files = new Map<string, FollowedFile>();
  private jsonl: { follower: JsonlFileFollower; close(): void } | undefined;
  private readonly records: LogRecord[] = [];
  private lastScan = 0;

  constructor(
    readonly folder: string,
    private readonly view: FileView,
    private readonly rescanMs = 10_000,
  ) {}

  private scan(): void {
    const run = discoverRun(this.folder, this.view);
    for (const f of run.eventFiles) {
      if (this.files.has(f)) continue;
      const table = new ScalarTable();
      const source = nodeByteSource(f);
      const suffix = this.files.size === 0 ? '' : ` (${path.relative(this.folder, f)})`;
      this.files.set(f, { follower: new EventFileFollower(source, { sink: table }), table, close: () => source.close(), sent: new Map(), suffix });
    }
    if (!this.jsonl && run.loggingJsonl) {
      const source = nodeByteSource(run.loggingJsonl);
      this.jsonl = { follower: new JsonlFileFollower(source), close: () => source.close() };
    }
    this.lastScan = Date.now();
  }

  poll(): RunPoll {
    if (this.files.size === 0 || Date.now() - this.lastScan > this.rescanMs) this.scan();
    const out: RunPoll = { series: [], progress: { finished: false }, issues: [], reset: false };
    for (const [file, f] of this.files) {
      const batch = f.follower.poll();
      if (batch.reset) {
        f.table.clear();
        f.sent.clear();
        out.reset = true;
      }
      for (const issue of batch.issues) out.issues.push(`${path.relative(this.folder, file)}: ${issue.message}`);
    }
    for (const f of this.files.values()) {
      for (const tag of f.table.tags()) {
        const s = f.table.get(tag)!;
        const from = f.sent.get(tag) ?? 0;
        if (s.length <= from) continue;
        const { steps, values } = s.columns();
        out.series.push({ tag: tag + f.suffix, kind: metricKind(tag), steps: Array.from(steps.subarray(from)), values: Array.from(values.subarray(from)) });
        f.sent.set(tag, s.length);
      }
    }
    if (this.jsonl) {
      const batch = this.jsonl.follower.poll();
      this.records.push(...batch.records);
      for (const issue of batch.issues) out.issues.push(`logging.jsonl: ${issue.message}`);
    }
    out.progress = progressOf(this.records);
    return out;
  }

  /** the latest logged memory (ms-swift's memory(GiB), the max reserved), if any */
  loggedMemoryGiB(): number | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i]!.memoryGiB !== undefined) return this.records[i]!.memoryGiB;
    return undefined;
  }

  dispose(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
    this.jsonl?.close();
  }
}
