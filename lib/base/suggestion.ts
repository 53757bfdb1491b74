/**
 * "Did you mean …?" for misspelt field names: the closest candidate by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours count 1), if it is close enough to be a plausible typo.
 */

/** Optimal-string-alignment distance between `a` and `b` (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is within a typo's reach
 * (distance ≤ max(1, ⅓ of the input's length), or one name contains the other, ignoring case, `_` and `-`).
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const squash = (x: string): string => x.toLowerCase().replace(/[_-]/g, "");
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = squash(candidate) === squash(input) ? 0 : editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const reach = Math.max(1, Math.floor(input.length / 3));
  if (bestDistance <= reach) return best;
  const a = squash(input);
  const contained = candidates.find((c) => a.length >= 3 && (squash(c).includes(a) || a.includes(squash(c))));
  return contained;
}
