// Does an ordinary YAML file look like an ms-swift run config? Used to offer the ms-swift config language for
// `.yaml` files without taking over unrelated YAML (CI files, Kubernetes manifests, ...). Uses only the list of
// argument names (small), so the extension client can call it without loading the catalogs.

let allNames: Set<string> | undefined;

function knownNames(): Set<string> {
  if (!allNames) allNames = new Set<string>([...(require('../../data/catalog/argument-names.json') as string[]), 'ENV']);
  return allNames;
}

export interface Detection {
  keys: number;
  known: number;
  looksLikeConfig: boolean;
}

const TOP_KEY = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)/gm;
const MODELINE = /^\uFEFF?#[ \t]*(?:megatron|swift)[ \t]+(?:sft|pt|rlhf|export|infer|deploy|eval)\b/;

/** A modeline, or at least 3 top-level keys of which at least 75% are ms-swift argument names (or ENV). */
export function detectConfig(text: string, maxChars = 256 * 1024): Detection {
  const sample = text.length > maxChars ? text.slice(0, maxChars) : text;
  const names = knownNames();
  let keys = 0;
  let known = 0;
  for (const m of sample.matchAll(TOP_KEY)) {
    keys++;
    if (names.has(m[1]!.replace(/-/g, '_'))) known++;
  }
  const looksLikeConfig = MODELINE.test(sample) || (keys >= 3 && known / keys >= 0.75);
  return { keys, known, looksLikeConfig };
}
