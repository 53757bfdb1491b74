/**
 * One palette for every chart: a model keeps its hue everywhere, and its performance config and tier are shades of
 * that hue (optimized darker, flex lighter, priority darker still), so a reader can follow a configuration from
 * chart to chart. Colours are deterministic from the keys: each model's hue comes from a hash of its ID, collisions
 * resolved in sorted order, so the same set of models always gets the same colours.
 */
import type { GroupKey } from "../analysis/request-groups";

/**
 * Base hues: Okabe–Ito (colour-blind safe) first, then Tableau 10 and a few more distinct ones; the pale yellows of
 * both sets are replaced by Paul Tol's green and wine, and Tableau's steel blue and purple (too close to Okabe–Ito's
 * blue and reddish purple) by Tol's olive and purple, which stay legible as lines and markers on white.
 */
export const BASE_COLORS: readonly string[] = Object.freeze([
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#117733",
  "#999933",
  "#59A14F",
  "#AA4499",
  "#9C755F",
  "#76B7B2",
  "#882255",
  "#FF9DA7",
  "#E15759",
  "#332288",
]);

/** 32-bit FNV-1a hash of a string. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function parseHex(color: string): [number, number, number] {
  const hex = color.replace("#", "");
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`.toUpperCase();
}

/** `color` mixed with white (amount > 0) or black (amount < 0); |amount| in [0, 1]. */
export function shade(color: string, amount: number): string {
  const target = amount >= 0 ? 255 : 0;
  const t = Math.abs(amount);
  const [r, g, b] = parseHex(color);
  return toHex([r + (target - r) * t, g + (target - g) * t, b + (target - b) * t]);
}

/** Colours for a set of keys (e.g. model IDs): hash-preferred slots, collisions resolved in sorted key order. */
export class Palette {
  private readonly assigned = new Map<string, string>();

  constructor(keys: Iterable<string>) {
    const taken = new Set<number>();
    for (const key of [...new Set(keys)].sort()) {
      const preferred = hashKey(key) % BASE_COLORS.length;
      let slot = preferred;
      if (taken.size < BASE_COLORS.length) {
        while (taken.has(slot)) slot = (slot + 1) % BASE_COLORS.length;
        taken.add(slot);
        this.assigned.set(key, BASE_COLORS[slot]!);
      } else {
        // More keys than hues: reuse a hue, lightened so the two stay apart.
        this.assigned.set(key, shade(BASE_COLORS[preferred]!, 0.45));
      }
    }
  }

  /** The key's colour; keys not given to the constructor get their hash-preferred hue. */
  color(key: string): string {
    return this.assigned.get(key) ?? BASE_COLORS[hashKey(key) % BASE_COLORS.length]!;
  }
}

/** A palette keyed by the model IDs of the groups. */
export function modelPalette(keys: Iterable<Pick<GroupKey, "model">>): Palette {
  return new Palette([...keys].map((k) => k.model));
}

const CONFIG_SHADE: Readonly<Record<string, number>> = { standard: 0, optimized: -0.3 };
const TIER_SHADE: Readonly<Record<string, number>> = { default: 0, "": 0, flex: 0.4, priority: -0.2 };

/** A group's colour: its model's hue, shaded by performance config and tier. */
export function seriesColor(palette: Palette, key: Pick<GroupKey, "model" | "performanceConfig" | "serviceTier">): string {
  const base = palette.color(key.model);
  const config = CONFIG_SHADE[key.performanceConfig] ?? 0.2;
  const tier = TIER_SHADE[key.serviceTier] ?? 0.25;
  let color = base;
  if (config !== 0) color = shade(color, config);
  if (tier !== 0) color = shade(color, tier);
  return color;
}

const ERROR_CLASS_COLORS: Readonly<Record<string, string>> = {
  ThrottlingException: "#E69F00",
  ServiceUnavailableException: "#D55E00",
  ModelStreamErrorException: "#CC79A7",
  InternalServerException: "#882255",
  ModelNotReadyException: "#999933",
  ModelTimeoutException: "#44AA99",
  TimeoutError: "#56B4E9",
  ValidationException: "#0072B2",
  AccessDeniedException: "#332288",
  AbortError: "#999999",
};

/** A fixed colour per well-known error class; others from the base hues by hash. */
export function errorClassColor(errorClass: string): string {
  return ERROR_CLASS_COLORS[errorClass] ?? shade(BASE_COLORS[hashKey(errorClass) % BASE_COLORS.length]!, 0.15);
}

/**
 * A group's line dash: solid for standard on the default tier, dashed when latency-optimized, dotted for priority and
 * dash-dot for flex (long variants when both differ), so configurations stay apart where shades alone are close.
 */
export function seriesDash(key: Pick<GroupKey, "performanceConfig" | "serviceTier">): string {
  const optimized = key.performanceConfig === "optimized";
  const tier = key.serviceTier === "priority" ? "dot" : key.serviceTier === "flex" ? "dashdot" : null;
  if (tier === null) return optimized ? "dash" : "solid";
  return optimized ? (tier === "dot" ? "longdash" : "longdashdot") : tier;
}

/** A group's marker symbol, on the same principle: circle for standard, diamond when optimized, square / triangle for tiers. */
export function seriesSymbol(key: Pick<GroupKey, "performanceConfig" | "serviceTier">): string {
  const base = key.serviceTier === "priority" ? "square" : key.serviceTier === "flex" ? "triangle-up" : "circle";
  if (key.performanceConfig !== "optimized") return base;
  return base === "circle" ? "diamond" : `${base}-open`;
}
