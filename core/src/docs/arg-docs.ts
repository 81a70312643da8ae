// Our own descriptions of every argument, in English and Simplified Chinese (core/data/arg-docs/part-*.json).
import { z } from 'zod';

export type Locale = 'en' | 'zh';

const TextSchema = z.object({ en: z.string().min(1), zh: z.string().min(1) }).strict();
const DocSchema = z
  .object({
    en: z.string().min(1),
    zh: z.string().min(1),
    related: z.array(z.string()).default([]),
    byCommand: z.record(z.string(), TextSchema).optional(),
  })
  .strict();
export type ArgDoc = z.infer<typeof DocSchema>;

let docs: Map<string, ArgDoc> | undefined;

function load(): Map<string, ArgDoc> {
  if (!docs) {
    const parts = [
      require('../../data/arg-docs/part-1.json'),
      require('../../data/arg-docs/part-2.json'),
      require('../../data/arg-docs/part-3.json'),
      require('../../data/arg-docs/part-4.json'),
    ] as unknown[];
    docs = new Map();
    for (const p of parts) for (const [name, d] of Object.entries(z.record(z.string(), DocSchema).parse(p))) docs.set(name, d);
  }
  return docs;
}

export function argDoc(name: string): ArgDoc | undefined {
  return load().get(name);
}

export function allDocumentedNames(): string[] {
  return [...load().keys()];
}

/** The description for a command in a locale. */
export function argDescription(name: string, command: string, locale: Locale): string | undefined {
  const d = argDoc(name);
  if (!d) return undefined;
  const specific = d.byCommand?.[command];
  return (specific ?? d)[locale];
}

/** The first sentence, for completion item summaries. */
export function firstSentence(text: string): string {
  const m = /^(.+?[.。])(\s|$)/.exec(text);
  return (m ? m[1]! : text).trim();
}

/** VS Code's display language (from `initialize`) to our locale: zh-cn / zh-hans / zh -> Chinese. */
export function localeFrom(vscodeLocale: string | undefined, forced?: string | null): Locale {
  const l = (forced && forced !== 'auto' ? forced : vscodeLocale ?? 'en').toLowerCase();
  return l.startsWith('zh') ? 'zh' : 'en';
}
