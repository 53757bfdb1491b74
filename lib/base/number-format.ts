/**
 * Rendering numbers for people (tables, verdicts, reports). Data keeps full precision; only these strings round.
 */

const EMPTY = "—";

/** A number with a sensible precision: 3 significant digits below 100, whole numbers with separators above. */
export function formatNumber(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (digits !== undefined) {
    return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Milliseconds: `1,234 ms`, `45.6 ms`. */
export function formatMs(value: number | null | undefined): string {
  const text = formatNumber(value);
  return text === EMPTY ? text : `${text} ms`;
}

/** A signed difference in ms: `+12.3 ms`, `−250 ms`. */
export function formatSignedMs(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${formatNumber(Math.abs(value))} ms`;
}

/** A share as a percentage: 0.2 → `20.0%`. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  return `${(value * 100).toFixed(digits)}%`;
}

/** A signed relative change: −0.5556 → `−55.6%`. */
export function formatSignedPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${Math.abs(value * 100).toFixed(1)}%`;
}

/** A p-value: `p < 0.0001`, `p = 0.012`, `p = 0.41`. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return "p = —";
  if (p < 0.0001) return "p < 0.0001";
  if (p < 0.01) return `p = ${p.toFixed(4)}`;
  return `p = ${p.toFixed(p < 0.1 ? 3 : 2)}`;
}

/** US dollars with enough digits for per-request costs: `$0.00123`, `$12.35`. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toPrecision(3)}`;
}
