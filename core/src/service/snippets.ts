// Starter configs (snippets/ms-swift-configs.json), offered by VS Code's snippet support and by our completion
// at the top of an empty file.
import { z } from 'zod';

const SnippetSchema = z.object({
  prefix: z.string(),
  description: z.string(),
  descriptionZh: z.string(),
  body: z.array(z.string()),
  isFileTemplate: z.boolean().optional(),
  scope: z.string().optional(),
});

export interface StarterSnippet {
  name: string;
  prefix: string;
  description: { en: string; zh: string };
  body: string[];
}

let cache: StarterSnippet[] | undefined;

export function starterSnippets(): StarterSnippet[] {
  if (!cache) {
    const raw = z.record(z.string(), SnippetSchema).parse(require('../../../snippets/ms-swift-configs.json'));
    cache = Object.entries(raw).map(([name, s]) => ({ name, prefix: s.prefix, description: { en: s.description, zh: s.descriptionZh }, body: s.body }));
  }
  return cache;
}
