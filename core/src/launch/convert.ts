// Export (HF <-> Megatron) and inference commands, as argument arrays.
import { KnownVersion } from '../catalog/schema';
import { LaunchCommand } from './command';

export type ExportDirection = 'to-mcore' | 'to-hf' | 'megatron-export-to-hf' | 'megatron-export-to-mcore';

export interface ExportRequest {
  direction: ExportDirection;
  /** HF model id/folder (to-mcore) or Megatron checkpoint folder (to-hf) */
  source: string;
  target: string;
  dtype?: 'bfloat16' | 'float16' | 'float32';
  /** the source checkpoint is a LoRA adapter on top of `baseModel` */
  adapter?: boolean;
  baseModel?: string;
  version: KnownVersion;
  cwd: string;
  env?: Record<string, string>;
  testConvertPrecision?: boolean;
}

export function buildExportCommand(r: ExportRequest): LaunchCommand {
  const env = { ...(r.env ?? {}) };
  const argv: string[] = [];
  const v3 = r.version.startsWith('3.');
  if (r.direction === 'to-mcore') {
    argv.push('swift', 'export', '--model', r.source, '--to_mcore', 'true');
  } else if (r.direction === 'to-hf') {
    if (r.adapter) {
      if (!r.baseModel) throw new Error('a LoRA checkpoint needs the base model it was trained on');
      argv.push('swift', 'export', '--model', r.baseModel, v3 ? '--load' : '--mcore_adapters', r.source, '--to_hf', 'true');
    } else {
      argv.push('swift', 'export', v3 ? '--mcore_model' : '--mcore_model', r.source, '--to_hf', 'true');
    }
  } else {
    if (v3) throw new Error('`megatron export` exists only from ms-swift 4');
    argv.push('megatron', 'export', r.direction === 'megatron-export-to-hf' ? '--mcore_model' : '--model', r.source, r.direction === 'megatron-export-to-hf' ? '--to_hf' : '--to_mcore', 'true');
    env.NPROC_PER_NODE ??= '1';
  }
  if (r.dtype) argv.push('--torch_dtype', r.dtype);
  argv.push('--output_dir', r.target);
  if (r.testConvertPrecision) argv.push('--test_convert_precision', 'true');
  return { argv, env, cwd: r.cwd, mode: 'flags' };
}

export interface InferRequest {
  /** full model (HF folder or id), or the base model of an adapter */
  model: string;
  adapters?: string;
  stream?: boolean;
  maxNewTokens?: number;
  cwd: string;
  env?: Record<string, string>;
  inferBackend?: string;
}

export function buildInferCommand(r: InferRequest): LaunchCommand {
  const argv = ['swift', 'infer', '--model', r.model];
  if (r.adapters) argv.push('--adapters', r.adapters);
  argv.push('--stream', r.stream === false ? 'false' : 'true');
  if (r.maxNewTokens) argv.push('--max_new_tokens', String(r.maxNewTokens));
  if (r.inferBackend) argv.push('--infer_backend', r.inferBackend);
  return { argv, env: { ...(r.env ?? {}) }, cwd: r.cwd, mode: 'flags' };
}
