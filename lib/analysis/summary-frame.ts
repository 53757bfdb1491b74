/**
 * Summary rows as a danfojs-node DataFrame, for notebooks (`frame.print()`, `frame.loc(…)`, `frame.describe()`).
 * danfojs (and the TensorFlow.js it brings) is loaded on first use, so importing the library stays fast.
 */
import type { DataFrame } from "danfojs-node";
import { summaryColumnNames, summaryRecords, type SummaryRow } from "./summary";

type Danfo = typeof import("danfojs-node");

let danfo: Danfo | undefined;

/**
 * A DataFrame with one row per group and the summary CSV's columns, in the same order. Missing values are NaN.
 * Pass `columns` to keep only some of them (e.g. the AWS-notebook-compatible ones).
 */
export function summaryFrame(rows: readonly SummaryRow[], columns?: readonly string[]): DataFrame {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require("danfojs-node") as Danfo;
  const all = summaryColumnNames(rows);
  const chosen = columns ? [...columns] : all;
  for (const name of chosen) {
    if (!all.includes(name)) throw new RangeError(`Unknown summary column '${name}'; expected one of ${all.join(", ")}`);
  }
  const flat = summaryRecords(rows);
  const data = flat.map((r) => chosen.map((name) => r[name] ?? Number.NaN));
  return new danfo.DataFrame(data, { columns: chosen });
}
