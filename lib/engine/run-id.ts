/**
 * Run identifiers and safe file names. A run is identified by its results folder name:
 * `<YYYYMMDD_HHMMSS>[_name]` (local time), with `_2`, `_3`, … appended when that folder already exists.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `20251122_153012` (local time) plus `_<name>` when a name is given (sanitised for a file name). */
export function runIdFor(date: Date, name = ""): string {
  const stamp =
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  const clean = name === "" ? "" : sanitizeFileName(name);
  return clean === "" ? stamp : `${stamp}_${clean}`;
}

/**
 * A string safe as (part of) a file name on every OS: characters other than letters, digits, `.`, `_` and `-`
 * become `_` (so `us.anthropic.claude-3-5-haiku-20241022-v1:0` → `us.anthropic.claude-3-5-haiku-20241022-v1_0` and
 * ARNs lose their `:` and `/`), runs of `_` collapse, leading dots are removed (no hidden files, no `..`),
 * and the result is at most 120 characters. Never empty ("_" at worst).
 */
export function sanitizeFileName(value: string): string {
  const cleaned = value
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 120)
    .replace(/[._]+$/, "");
  return cleaned === "" ? "_" : cleaned;
}

/**
 * File names for per-model outputs, one per distinct model ID, stable for a given set of IDs (sorted first):
 * `<prefix><sanitised id><suffix>`, with `_2`, `_3`, … when two IDs sanitise to the same name.
 */
export function modelFileNames(modelIds: Iterable<string>, prefix: string, suffix: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...new Set(modelIds)].sort()) {
    const base = sanitizeFileName(id);
    let candidate = `${prefix}${base}${suffix}`;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${prefix}${base}_${n}${suffix}`;
    used.add(candidate.toLowerCase());
    out.set(id, candidate);
  }
  return out;
}
