// Model and dataset ids ms-swift knows (core/data/hub-ids.json, generated from its docs).
import { z } from 'zod';

const HubSchema = z.object({
  models: z.array(z.object({ id: z.string(), hf: z.string().optional(), type: z.string(), megatron: z.boolean(), multimodal: z.boolean(), versions: z.array(z.string()) })),
  datasets: z.array(z.object({ id: z.string(), hf: z.string().optional(), subsets: z.array(z.string()), versions: z.array(z.string()) })),
});
export type HubIds = z.infer<typeof HubSchema>;

let cache: HubIds | undefined;

export function hubIds(): HubIds {
  if (!cache) cache = HubSchema.parse(require('../../data/hub-ids.json'));
  return cache;
}
