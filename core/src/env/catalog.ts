// Environment variables that ms-swift, torchrun, NCCL, PyTorch and CUDA read (core/data/env-vars.json).
import { z } from 'zod';

export const EnvVarSchema = z
  .object({
    category: z.enum(['launcher', 'ms-swift', 'nccl', 'pytorch', 'cuda', 'hub', 'other']),
    readBy: z.array(z.string()),
    en: z.string().min(1),
    zh: z.string().min(1),
    example: z.string(),
    values: z.array(z.string()).optional(),
    risk: z.string().nullable(),
  })
  .strict();
export type EnvVarInfo = z.infer<typeof EnvVarSchema>;

let cache: Map<string, EnvVarInfo> | undefined;

export function envVars(): Map<string, EnvVarInfo> {
  if (!cache) {
    const raw = z.record(z.string(), EnvVarSchema).parse(require('../../data/env-vars.json'));
    cache = new Map(Object.entries(raw));
  }
  return cache;
}

export function envVar(name: string): EnvVarInfo | undefined {
  return envVars().get(name);
}
