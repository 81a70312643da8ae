// Ranking of "did you mean" candidates: edit distance (with transpositions) blended with shared word parts,
// so that `microbatch_size` finds `micro_batch_size` and `learning_rate` finds `lr_...` only when close.

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

function words(s: string): string[] {
  return s.toLowerCase().split(/[_\-\s]+/).filter(Boolean);
}

/** A score in [0, 1]; higher is more similar. */
export function similarity(a: string, b: string): number {
  const x = a.toLowerCase().replace(/-/g, '_');
  const y = b.toLowerCase().replace(/-/g, '_');
  if (x === y) return 1;
  const longest = Math.max(x.length, y.length);
  // only distances up to 40% of the length can pass the usual threshold: stop counting beyond that
  const maxD = Math.ceil(longest * 0.45);
  const d = editDistance(x, y, maxD);
  const editScore = d > maxD ? 0 : 1 - d / longest;
  // The same letters with separators removed (microbatch_size ~ micro_batch_size)
  const squash = (s: string) => s.replace(/_/g, '');
  const squashed = squash(x) === squash(y) ? 0.95 : 0;
  const wa = words(x);
  const wb = new Set(words(y));
  const shared = wa.filter((w) => wb.has(w)).length;
  const wordScore = shared === 0 ? 0 : (2 * shared) / (wa.length + wb.size);
  return Math.max(editScore, squashed, 0.85 * wordScore);
}

export interface Ranked {
  name: string;
  score: number;
}

/** The best candidates, most similar first; only those above the threshold. */
export function rankCandidates(query: string, candidates: Iterable<string>, limit = 3, threshold = 0.6): Ranked[] {
  const out: Ranked[] = [];
  for (const c of candidates) {
    const score = similarity(query, c);
    if (score >= threshold) out.push({ name: c, score });
  }
  out.sort((a, b) => b.score - a.score || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return out.slice(0, limit);
}
