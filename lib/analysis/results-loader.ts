/**
 * Loading saved results for analysis, from the files alone (never the run): one run folder, several, a folder of
 * runs, single CSV files or glob patterns. Reads bedrock-bench `requests.csv` files (with the run's `run.json` when
 * present) and the AWS latency-benchmarking notebook's `invocations_*.csv` (detected by their header).
 */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { BenchError } from "../base/errors";
import { readCsvFile } from "../records/csv-reader";
import { RecordReader, blankRecord, isRecordHeader } from "../records/record-reader";
import { AWS_NOTEBOOK_NOTES, AWS_NOTEBOOK_SOURCE, AwsNotebookReader, BEDROCK_BENCH_SOURCE, isAwsNotebookHeader } from "../records/aws-notebook-import";
import { RecordParseError, type RequestRecord } from "../records/request-record";
import { readManifestContent } from "../records/run-manifest";
import { DEFAULT_GROUP_DIMENSIONS, RequestGroupsBuilder, type GroupDimension, type GroupingOptions, type RequestGroup } from "./request-groups";

/** A results input that cannot be used (missing path, pattern without matches, folder without results). */
export class ResultsInputError extends BenchError {
  override name = "ResultsInputError";
  override readonly kind = "results";
}

/** One results file that was read. */
export interface RunInfo {
  /** The run folder's name (bedrock-bench) or the file's name without extension (AWS notebook). */
  runId: string;
  /** `bedrock-bench` or `aws-notebook`. */
  source: string;
  /** The CSV file read (absolute). */
  file: string;
  /** The folder holding it. */
  folder: string;
  /** The run's `run.json` (bedrock-bench), null when absent or unreadable. */
  manifest: Record<string, unknown> | null;
  experimentName: string | null;
  /** Records read from the file and analysed (warm-ups included; superseded aborted rows not). */
  records: number;
  /**
   * `aborted` rows left out because a resumed session sent the same request again and recorded it (same sequence):
   * the file keeps both (it is append-only), the analysis counts each scheduled request once.
   */
  supersededAborted: number;
  /** What the analysis must say about this file's data (AWS-notebook caveats, an unreadable run.json, …). */
  notes: string[];
}

/** Saved results ready for analysis: what was read, and the requests grouped. */
export interface ResultSet {
  runs: RunInfo[];
  groups: RequestGroup[];
  dimensions: readonly GroupDimension[];
  /** Whether warm-up requests were counted as ordinary requests (see {@link GroupingOptions}). */
  includeWarmup: boolean;
  /** Records read, warm-ups included. */
  recordCount: number;
  /** The records themselves, only when loaded with `keepRecords: true` (or built from records). */
  records?: RequestRecord[];
}

export interface LoadOptions extends GroupingOptions {
  /** Folder that relative inputs and patterns are resolved against (default: the working directory). */
  cwd?: string;
  /** Grouping (default {@link DEFAULT_GROUP_DIMENSIONS}). */
  dimensions?: readonly GroupDimension[];
  /** Keep every record in `ResultSet.records` (memory grows with the file; off by default). */
  keepRecords?: boolean;
}

const RUN_ID_PATTERN = /^\d{8}_\d{6}/;
const AWS_FILE_PATTERN = /^(invocations|run)_.*\.csv$/;

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** CSV results inside a folder: its requests.csv, else its run subfolders' and its AWS-notebook files. */
async function filesInFolder(folder: string): Promise<string[]> {
  const own = join(folder, "requests.csv");
  if ((await statOrNull(own))?.isFile()) return [own];
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const nested = join(folder, entry.name, "requests.csv");
      if ((await statOrNull(nested))?.isFile()) found.push(nested);
    } else if (entry.isFile() && AWS_FILE_PATTERN.test(entry.name)) {
      found.push(join(folder, entry.name));
    }
  }
  return found;
}

/**
 * The CSV files designated by the inputs (sorted, without duplicates). A folder stands for its `requests.csv`, or for
 * the runs and `invocations_*.csv` it holds; a pattern is expanded with tinyglobby.
 */
export async function resolveResultFiles(inputs: readonly string[], options: { cwd?: string } = {}): Promise<string[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (inputs.length === 0) throw new ResultsInputError("No results given: pass run folders, CSV files or glob patterns");
  const files = new Set<string>();
  for (const input of inputs) {
    const path = resolve(cwd, input);
    const info = await statOrNull(path);
    let matches: string[];
    if (info) {
      matches = [path];
    } else if (isDynamicPattern(input)) {
      matches = (await glob(input, { cwd, absolute: true, onlyFiles: false, expandDirectories: false, dot: false })).map((m) => resolve(m));
      if (matches.length === 0) throw new ResultsInputError(`No files or folders match '${input}' (from ${cwd})`);
    } else {
      throw new ResultsInputError(`'${input}' does not exist (from ${cwd})`);
    }
    let added = 0;
    for (const match of matches) {
      const matchInfo = await statOrNull(match);
      if (matchInfo?.isDirectory()) {
        for (const f of await filesInFolder(match)) {
          files.add(f);
          added++;
        }
      } else if (matchInfo?.isFile() && match.toLowerCase().endsWith(".csv")) {
        files.add(match);
        added++;
      }
    }
    if (added === 0) {
      throw new ResultsInputError(
        info?.isFile()
          ? `'${input}' is not a .csv file`
          : `'${input}' holds no results: expected a run folder with requests.csv, a folder of runs, or invocations_*.csv files`,
      );
    }
  }
  return [...files].sort();
}

/**
 * The most recent run folder under `resultsDir` (run ids start with YYYYMMDD_HHMMSS, so the greatest name is the
 * latest; folders named otherwise count by their requests.csv's modification time, after those). Null when none.
 */
export async function latestRunFolder(resultsDir: string): Promise<string | null> {
  const dir = resolve(resultsDir);
  if (!(await statOrNull(dir))?.isDirectory()) return null;
  const named: string[] = [];
  const other: { folder: string; mtimeMs: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const requests = await statOrNull(join(dir, entry.name, "requests.csv"));
    if (!requests?.isFile()) continue;
    if (RUN_ID_PATTERN.test(entry.name)) named.push(entry.name);
    else other.push({ folder: entry.name, mtimeMs: requests.mtimeMs });
  }
  if (named.length > 0) return join(dir, named.sort().at(-1)!);
  if (other.length > 0) return join(dir, other.sort((a, b) => a.mtimeMs - b.mtimeMs).at(-1)!.folder);
  return null;
}

function experimentNameOf(manifest: Record<string, unknown>): string | null {
  const pick = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
  const nested = (key: string): Record<string, unknown> | null => {
    const v = manifest[key];
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  };
  return (
    pick(nested("experiment")?.["name"]) ??
    pick(nested("config")?.["name"]) ??
    pick(manifest["experimentName"]) ??
    pick(manifest["name"]) ??
    null
  );
}

/** A run folder's run.json: null when absent; unreadable ones are reported in `notes` rather than stopping the analysis. */
function readManifest(folder: string, notes: string[]): Record<string, unknown> | null {
  const { path, content, problem } = readManifestContent(folder);
  if (problem !== null) notes.push(`${path}: ${problem}; its configuration is not shown.`);
  return content;
}

/**
 * Reads one CSV file, passing each record to `onRecord`. With `reuse`, bedrock-bench records are read into one object
 * refilled row after row (no allocation per row): `onRecord` must copy what it keeps.
 */
async function readResultFile(file: string, onRecord: (record: RequestRecord, source: string) => void, reuse: boolean): Promise<RunInfo> {
  const folder = dirname(file);
  const scratch = reuse ? blankRecord() : null;
  let recordReader: RecordReader | undefined;
  let awsReader: AwsNotebookReader | undefined;
  let count = 0;
  const notes: string[] = [];
  const manifest = readManifest(folder, notes);
  // A resume re-sends aborted requests and appends their new records after the aborted rows. In a run with more than
  // one session, aborted rows (rare) are held back by sequence and a later record of the same sequence supersedes its
  // row; other files keep every row in file order.
  const sessions = manifest?.["sessions"];
  const resumed = Array.isArray(sessions) && sessions.length > 1;
  const heldAborted = new Map<number, RequestRecord>();
  let supersededAborted = 0;
  await readCsvFile(file, {
    header(cells) {
      if (isRecordHeader(cells)) recordReader = new RecordReader(cells, file);
      else if (isAwsNotebookHeader(cells)) awsReader = new AwsNotebookReader(cells, file);
      else if (cells.includes("runId") || cells.includes("ttftMs")) recordReader = new RecordReader(cells, file); // names the missing columns
      else {
        throw new RecordParseError(
          `${file}:1: not a bedrock-bench requests.csv (columns runId, sequence, …, ttftMs, …) nor an AWS-notebook invocations file (columns time_to_first_byte, time_to_last_byte, api_call_status, …)`,
        );
      }
    },
    row(cells, line) {
      if (recordReader) {
        const record = scratch ? recordReader.readInto(cells, line, scratch) : recordReader.read(cells, line);
        if (heldAborted.size > 0 && heldAborted.delete(record.sequence)) supersededAborted++;
        if (resumed && record.status === "aborted") {
          heldAborted.set(record.sequence, scratch ? { ...record } : record);
          return;
        }
        onRecord(record, BEDROCK_BENCH_SOURCE);
        count++;
      } else awsReader!.add(cells, line);
    },
  });
  if (awsReader) {
    for (const record of awsReader.records()) {
      onRecord(record, AWS_NOTEBOOK_SOURCE);
      count++;
    }
    return {
      runId: awsReader.runId,
      source: AWS_NOTEBOOK_SOURCE,
      file,
      folder,
      manifest: null,
      experimentName: awsReader.experimentName,
      records: count,
      supersededAborted: 0,
      notes: [...AWS_NOTEBOOK_NOTES],
    };
  }
  for (const record of heldAborted.values()) {
    onRecord(record, BEDROCK_BENCH_SOURCE);
    count++;
  }
  if (supersededAborted > 0) {
    notes.push(
      `${basename(folder)}: ${supersededAborted} aborted request${supersededAborted === 1 ? " was" : "s were"} sent again when the run was resumed; ` +
        `the aborted row${supersededAborted === 1 ? " stays" : "s stay"} in requests.csv but only the later record is analysed.`,
    );
  }
  return {
    runId: basename(folder),
    source: BEDROCK_BENCH_SOURCE,
    file,
    folder,
    manifest,
    experimentName: manifest ? experimentNameOf(manifest) : null,
    records: count,
    supersededAborted,
    notes,
  };
}

/**
 * Loads saved results: every file the inputs designate (see {@link resolveResultFiles}), streamed into groups.
 * A bad cell stops the load with an error naming the file, line, column, value and what was expected.
 */
export async function loadResults(inputs: string | readonly string[], options: LoadOptions = {}): Promise<ResultSet> {
  const files = await resolveResultFiles(typeof inputs === "string" ? [inputs] : inputs, options);
  const dimensions = options.dimensions ?? DEFAULT_GROUP_DIMENSIONS;
  const includeWarmup = options.includeWarmup ?? false;
  const builder = new RequestGroupsBuilder(dimensions, { includeWarmup });
  const records: RequestRecord[] | undefined = options.keepRecords ? [] : undefined;
  const runs: RunInfo[] = [];
  let recordCount = 0;
  for (const file of files) {
    runs.push(
      await readResultFile(file, (record, source) => {
        builder.add(record, source);
        records?.push(record);
        recordCount++;
      }, records === undefined),
    );
  }
  const set: ResultSet = { runs, groups: builder.build(), dimensions, includeWarmup, recordCount };
  if (records) set.records = records;
  return set;
}

/**
 * Streams the records of every file the inputs designate (see {@link resolveResultFiles}) to `onRecord`, in file order,
 * as {@link loadResults} reads them (warm-ups included; a resumed run's superseded aborted rows left out), without
 * grouping. One record object is refilled row after row: `onRecord` must copy what it keeps. Returns the files read.
 */
export async function forEachRecord(
  inputs: string | readonly string[],
  onRecord: (record: RequestRecord, source: string) => void,
  options: { cwd?: string } = {},
): Promise<RunInfo[]> {
  const files = await resolveResultFiles(typeof inputs === "string" ? [inputs] : inputs, options);
  const runs: RunInfo[] = [];
  for (const file of files) runs.push(await readResultFile(file, onRecord, true));
  return runs;
}

/**
 * A result set from records in memory (e.g. those a run just returned). `runs` describes where they came from when
 * known; `sourceOf` tells AWS-notebook records apart (all are bedrock-bench's by default).
 */
export function resultSetFromRecords(
  records: readonly RequestRecord[],
  options: GroupingOptions & { runs?: RunInfo[]; dimensions?: readonly GroupDimension[]; sourceOf?: (record: RequestRecord) => string } = {},
): ResultSet {
  const dimensions = options.dimensions ?? DEFAULT_GROUP_DIMENSIONS;
  const includeWarmup = options.includeWarmup ?? false;
  const builder = new RequestGroupsBuilder(dimensions, { includeWarmup });
  const runSources = new Map((options.runs ?? []).map((r) => [r.runId, r.source]));
  for (const r of records) builder.add(r, options.sourceOf?.(r) ?? runSources.get(r.runId) ?? BEDROCK_BENCH_SOURCE);
  return { runs: options.runs ?? [], groups: builder.build(), dimensions, includeWarmup, recordCount: records.length, records: [...records] };
}
