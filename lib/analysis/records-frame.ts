/**
 * The per-request records as a typed danfojs-node DataFrame, for a data scientist's own slices in a notebook
 * (`frame.query(…)`, `frame.groupby([…]).agg({…})`, a custom Plotly chart). One row per request, the columns of
 * `requests.csv` ({@link RECORD_COLUMNS}) with their types. Read with the analysis's own reader (`forEachRecord`),
 * so the rows are exactly the records an analysis of the same inputs counts. danfo is loaded on first use.
 *
 * Types, decided once here and documented in the README ("From a notebook"):
 * - `number` columns (times in ms, rates, cost, temperature…): dtype `"float32"`, which is danfo's only name for a
 *   floating-point column (it refuses `"float64"`). The values are JavaScript numbers (IEEE-754 doubles), kept at full
 *   precision by `values`, `column(…)`, Series arithmetic and statistics, `query`, `groupby(…).agg(…)`, `sortValues`.
 *   Only what danfo routes through TensorFlow.js converts to 32-bit floats: `frame.tensor`/`series.tensor` and
 *   frame-wide arithmetic or comparisons (`frame.add(…)`, `frame.gt(…)`); work on columns instead.
 * - `integer` columns (sequence, tokens, HTTP status…): dtype `"int32"` (all fit), same JavaScript numbers.
 * - `boolean` (`warmup`): dtype `"boolean"`.
 * - `startTimeIso`: a `Date` (dtype `"datetime"`, so `frame.column("startTimeIso").dt` works); null when the cell was
 *   empty or not a date.
 * - `string` columns: strings as in the file; an empty cell stays `""` (these columns are never null in a record).
 * - Missing numbers (an empty cell of a nullable column: no TTFT on a failure, no cost without a price): `NaN`.
 */
import type { DataFrame } from "danfojs-node";
import { RECORD_COLUMNS, type ColumnSpec, type ColumnType, type RequestRecord } from "../records/request-record";
import type { Analysis } from "./analyze-results";
import { forEachRecord, type ResultSet } from "./results-loader";

type Danfo = typeof import("danfojs-node");

let danfo: Danfo | undefined;

/** What {@link recordsFrame} reads: results on disk (as `analyzeResults` takes them), or results already loaded. */
export type RecordsFrameInput = string | readonly string[] | ResultSet | Analysis;

export interface RecordsFrameOptions {
  /** Columns to keep, in this order (default: every `requests.csv` column, in the file's order). */
  columns?: readonly (keyof RequestRecord)[];
  /**
   * Keep warm-up requests (default true: they are rows like the others, with `warmup` true; pass false to leave them
   * out, or filter in danfo: `frame.query(frame.column("warmup").map((w) => !w))`, as danfo's `eq` takes no boolean).
   */
  includeWarmup?: boolean;
  /** Folder that relative inputs and patterns are resolved against (default: the working directory). */
  cwd?: string;
}

/** The danfo dtype of each record column type (danfo names every floating-point column "float32"; see above). */
const DTYPES: Readonly<Record<ColumnType, string>> = Object.freeze({ string: "string", number: "float32", integer: "int32", boolean: "boolean" });

/** The record column holding a wall-clock time: a Date in the frame. */
const TIME_COLUMN: keyof RequestRecord = "startTimeIso";

/** The danfo dtype of a record column in {@link recordsFrame}. */
export function recordsFrameDtype(spec: ColumnSpec): string {
  return spec.name === TIME_COLUMN ? "datetime" : DTYPES[spec.type];
}

type Cell = string | number | boolean | Date | null;

function converter(spec: ColumnSpec): (record: RequestRecord) => Cell {
  const name = spec.name;
  if (name === TIME_COLUMN) {
    return (r) => {
      const text = r[name] as string;
      const date = text === "" ? null : new Date(text);
      return date === null || Number.isNaN(date.getTime()) ? null : date;
    };
  }
  if (spec.type === "number" || spec.type === "integer") return (r) => (r[name] as number | null) ?? Number.NaN;
  return (r) => r[name] as string | boolean;
}

function chosenColumns(columns: readonly (keyof RequestRecord)[] | undefined): ColumnSpec[] {
  if (columns === undefined) return [...RECORD_COLUMNS];
  if (columns.length === 0) throw new RangeError("Expected at least one record column");
  const byName = new Map(RECORD_COLUMNS.map((c) => [c.name as string, c]));
  const seen = new Set<string>();
  return columns.map((name) => {
    const spec = byName.get(name);
    if (!spec) throw new RangeError(`Unknown record column '${String(name)}'; expected one of ${[...byName.keys()].join(", ")}`);
    if (seen.has(name)) throw new RangeError(`Record column '${name}' is listed twice`);
    seen.add(name);
    return spec;
  });
}

function isAnalysis(input: unknown): input is Analysis {
  return typeof input === "object" && input !== null && !Array.isArray(input) && "results" in input && "summary" in input;
}

function isResultSet(input: unknown): input is ResultSet {
  return typeof input === "object" && input !== null && !Array.isArray(input) && "groups" in input && "runs" in input;
}

/**
 * The per-request records of one or more runs as a typed danfo DataFrame: one row per request (warm-ups included by
 * default, flagged by `warmup`), the columns of `requests.csv` in its order, numbers as full-precision numbers with
 * `NaN` where missing, `startTimeIso` as a Date. See the module comment for each dtype.
 *
 * `input` is what `analyzeResults` takes (a run folder, a `requests.csv`, AWS-notebook `invocations_*.csv` files,
 * folders of runs, globs, or a list of them) or results already loaded: a `ResultSet` (its `records` when it kept
 * them, else its files are read again) or an `Analysis` (likewise, from `analysis.results`). A resumed run's
 * superseded aborted rows are left out, as the analysis leaves them out.
 */
export async function recordsFrame(input: RecordsFrameInput, options: RecordsFrameOptions = {}): Promise<DataFrame> {
  const specs = chosenColumns(options.columns);
  const includeWarmup = options.includeWarmup ?? true;
  const converters = specs.map(converter);
  const rows: Cell[][] = [];
  const add = (record: RequestRecord) => {
    if (!includeWarmup && record.warmup) return;
    const row = new Array<Cell>(converters.length);
    for (let k = 0; k < converters.length; k++) row[k] = converters[k]!(record);
    rows.push(row);
  };
  const set = isAnalysis(input) ? input.results : isResultSet(input) ? input : null;
  if (set === null) await forEachRecord(input as string | readonly string[], add, options.cwd !== undefined ? { cwd: options.cwd } : {});
  else if (set.records) for (const record of set.records) add(record);
  else if (set.runs.length > 0) await forEachRecord(set.runs.map((run) => run.file), add);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require("danfojs-node") as Danfo;
  // Rows, not an object of columns: danfo builds an empty frame (no records) only from rows.
  return new danfo.DataFrame(rows, { columns: specs.map((c) => c.name), dtypes: specs.map(recordsFrameDtype) });
}
