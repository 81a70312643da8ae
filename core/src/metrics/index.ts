// Watching runs: TensorBoard event files, ms-swift's logging.jsonl, tag meanings, run folders and failures.
export { crc32c, maskCrc, maskedCrc32c } from './crc32c';
export {
  EventStreamParser,
  parseEventBytes,
  halfToNumber,
  bfloat16ToNumber,
  type ScalarPoint,
  type TextPoint,
  type EventIssue,
  type EventIssueKind,
  type EventBatch,
  type EventParserOptions,
} from './events';
export { ScalarSeries, ScalarTable, type ScalarSink } from './series';
export { EventFileFollower, MemoryByteSource, type ByteSource, type FollowBatch, type FollowOptions } from './follow';
export {
  LoggingJsonlParser,
  JsonlFileFollower,
  parseLoggingJsonl,
  normaliseLogRecord,
  parseDuration,
  parseStepOfTotal,
  parsePythonJson,
  progressOf,
  type LogRecord,
  type LogRecordKind,
  type JsonlIssue,
  type JsonlBatch,
  type RunProgress,
  type ProgressOptions,
} from './logging-jsonl';
export { tagInfo, metricKind, type MetricKind, type TagInfo } from './tags';
export {
  discoverRun,
  findEventFiles,
  versionFolders,
  latestVersionFolder,
  parseVersionFolderName,
  parseCheckpointName,
  isEventFileName,
  type RunFiles,
  type VersionFolder,
  type CheckpointFolder,
  type DiscoverOptions,
} from './discovery';
export {
  recognizeFailures,
  type Failure,
  type FailureKind,
  type CudaOomInfo,
  type NcclInfo,
  type ProcessFailure,
  type RecognizeOptions,
} from './failures';
export { formatNumber, csvField, csvRow, jsonRow, jsonNumber, CSV_HEADER } from './export';
