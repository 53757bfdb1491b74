/**
 * A run's configuration as reports show it: the fields of its `run.json` flattened to `path: value` lines, the ones a
 * reader looks for first (dataset, target, load model, concurrency, HTTP handler, attempts, timeouts…) in front, the
 * rest in the manifest's order. Nothing is dropped silently: long values are shortened with a mark, and fields whose
 * name suggests a secret are masked (run.json never should hold one; a report must not spread it if it did).
 */

export interface ConfigurationItem {
  /** Dotted path in run.json, e.g. `experiment.concurrency`. */
  path: string;
  /** The value as text (strings as they are, numbers and booleans as JSON, arrays of scalars joined with ", "). */
  value: string;
}

/** Paths shown first, in this order, when present (the engine's manifest and its likely variants). */
const LEADING_PATHS: readonly string[] = [
  "runId",
  "name",
  "experiment.name",
  "state",
  "status",
  "startedAt",
  "endedAt",
  "finishedAt",
  "target",
  "experiment.target",
  "dataset.path",
  "dataset.file",
  "dataset.sha256",
  "dataset.scenarios",
  "dataset.lines",
  "loadModel",
  "experiment.loadModel",
  "experiment.concurrency",
  "experiment.arrivals.ratePerSec",
  "experiment.arrivals.distribution",
  "experiment.durationSec",
  "experiment.invocationsPerScenario",
  "experiment.repeats",
  "experiment.order",
  "experiment.seed",
  "experiment.warmupRequests",
  "experiment.sleepBetweenMs",
  "experiment.maxAttempts",
  "experiment.retryMode",
  "experiment.firstByteTimeoutMs",
  "experiment.totalTimeoutMs",
  "experiment.httpHandler",
  "experiment.maxSockets",
  "httpHandler",
  "transport.handler",
  "transport.maxSockets",
  "experiment.maxCostUsd",
  "experiment.endpoint",
  "costEstimate.totalUsd",
];

const SECRET = /(secret|password|passphrase|credential|session_?token|access_?key|private_?key|authorization)/i;
const MAX_VALUE_CHARS = 240;
const MAX_ITEMS = 200;

function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null) return "null";
  return JSON.stringify(value) ?? String(value);
}

function shorten(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function flatten(value: unknown, path: string, out: ConfigurationItem[]): void {
  const name = path.slice(path.lastIndexOf(".") + 1);
  if (path !== "" && SECRET.test(name)) {
    out.push({ path, value: "(hidden: the name suggests a secret)" });
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) {
      out.push({ path, value: shorten(value.map(scalarText).join(", ")) || "(none)" });
    } else {
      value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
      if (value.length === 0) out.push({ path, value: "(none)" });
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && path !== "") out.push({ path, value: "(none)" });
    for (const [key, v] of entries) flatten(v, path === "" ? key : `${path}.${key}`, out);
    return;
  }
  out.push({ path, value: shorten(scalarText(value)) });
}

/** The configuration items of a run manifest (`run.json`), the leading ones first. */
export function runConfiguration(manifest: Readonly<Record<string, unknown>>): ConfigurationItem[] {
  const all: ConfigurationItem[] = [];
  flatten(manifest, "", all);
  const rank = (path: string) => {
    const i = LEADING_PATHS.indexOf(path);
    return i === -1 ? LEADING_PATHS.length : i;
  };
  const ordered = all.map((item, i) => ({ item, i })).sort((a, b) => rank(a.item.path) - rank(b.item.path) || a.i - b.i);
  const items = ordered.map((o) => o.item);
  if (items.length > MAX_ITEMS) {
    const rest = items.length - MAX_ITEMS;
    return [...items.slice(0, MAX_ITEMS), { path: "…", value: `${rest} more field${rest === 1 ? "" : "s"} in run.json` }];
  }
  return items;
}
