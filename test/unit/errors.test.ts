/**
 * One error root: every error class of the library is a `BenchError` with a fixed kind (lib/base/errors.ts), and the
 * CLI derives its exit code from that kind in one table (lib/cli/cli-error.ts).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { BenchError, ERROR_KINDS, errorKind, type ErrorKind } from "../../lib/base/errors";
import { DatasetError, ExperimentConfigError, InputError, PricingError, type InputProblem } from "../../lib/base/input-error";
import { OutputFolderError } from "../../lib/base/output-file";
import { CsvFormatError } from "../../lib/records/csv-reader";
import { RecordParseError } from "../../lib/records/request-record";
import { BudgetExceededError, assertWithinBudget, type CostEstimate } from "../../lib/inputs/cost";
import { BodyTooLargeError } from "../../lib/emulator/http-exchange";
import { EmulatorOptionsError } from "../../lib/emulator/options";
import { ProfilesError } from "../../lib/emulator/profiles";
import { BedrockError } from "../../lib/emulator/errors";
import { IncompleteStreamError } from "../../lib/engine/request-executor";
import { ManifestError, parseRunManifest } from "../../lib/records/run-manifest";
import { RecordWriteError, ResultsStoreError, ResultsWriter } from "../../lib/engine/results-writer";
import { ChartSvgError } from "../../lib/report/chart-svg";
import { ResumeError } from "../../lib/engine/runner";
import { CredentialsError } from "../../lib/engine/bedrock-clients";
import { ResultsInputError } from "../../lib/analysis/results-loader";
import { NotebookExecutionError } from "../../lib/app/notebook-runner";
import { DemoError } from "../../lib/app/demo";
import { NotebookParamsError, notebookParameters } from "../../lib/app/notebook-params";
import { CliError, EXIT, EXIT_CODE_OF_KIND, exitCodeOf } from "../../lib/cli/cli-error";
import { overridesFromFlags } from "../../lib/cli/run-command";
import { successRecord } from "../fixtures/analysis/synthetic-records";

const LIB = join(__dirname, "..", "..", "lib");
const PROBLEM: InputProblem = { file: "d.jsonl", line: 3, field: "max_tokens", value: '"many" (string)', expected: "an integer ≥ 1" };
const PROBLEM_LINE = "  - d.jsonl:3: field 'max_tokens' is \"many\" (string); expected an integer ≥ 1";

/** What `fn` throws, checked to be an instance of `type`. */
function thrown<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof type, `threw ${String(err)}, not a ${type.name}`);
    return err;
  }
  assert.fail(`did not throw a ${type.name}`);
}

function budgetError(): BudgetExceededError {
  const estimate: CostEstimate = { totalUsd: 2, requests: 4, unpricedRequests: 0, unpricedModels: [], byConfiguration: [], method: "test" };
  return thrown(BudgetExceededError, () => assertWithinBudget(estimate, 1));
}

const TEMP = mkdtempSync(join(tmpdir(), "bb-errors-"));
after(() => rmSync(TEMP, { recursive: true, force: true }));
/** Not a folder (its parent is a file), so never a run folder. */
const NOT_A_RUN = join(__filename, "not-a-run");

/** A record appended to a run folder that is closed: what a run meets when it cannot write its records. */
function recordWriteError(): RecordWriteError {
  const writer = ResultsWriter.create(TEMP, "errors", new Date(2025, 6, 8, 12, 0, 0), ["m"]);
  writer.close();
  return thrown(RecordWriteError, () => writer.append({ ...successRecord({ ttftMs: 1, totalMs: 2, outputTokens: 1 }), modelId: "m" }, ""));
}

/**
 * One instance of every error class of the library, with the kind it must have, and its exact message where the
 * code that throws it can be run here (null where only a notebook, a socket or a stream reaches it).
 */
const CASES: ReadonlyArray<{ error: Error; name: string; kind: ErrorKind; message: string | null }> = [
  { error: new InputError("Bad input: 1 problem", [PROBLEM]), name: "InputError", kind: "input", message: `Bad input: 1 problem\n${PROBLEM_LINE}` },
  { error: new DatasetError("Invalid dataset", [PROBLEM]), name: "DatasetError", kind: "input", message: `Invalid dataset\n${PROBLEM_LINE}` },
  { error: new ExperimentConfigError("Invalid experiment", [PROBLEM]), name: "ExperimentConfigError", kind: "input", message: `Invalid experiment\n${PROBLEM_LINE}` },
  { error: new PricingError("Invalid pricing", [PROBLEM]), name: "PricingError", kind: "input", message: `Invalid pricing\n${PROBLEM_LINE}` },
  { error: new ResumeError("Cannot resume", [PROBLEM]), name: "ResumeError", kind: "input", message: `Cannot resume\n${PROBLEM_LINE}` },
  { error: new CredentialsError("No AWS credentials", [PROBLEM]), name: "CredentialsError", kind: "input", message: `No AWS credentials\n${PROBLEM_LINE}` },
  { error: new EmulatorOptionsError("Invalid emulator options", [PROBLEM]), name: "EmulatorOptionsError", kind: "input", message: `Invalid emulator options\n${PROBLEM_LINE}` },
  { error: new ProfilesError("Invalid profiles", [PROBLEM]), name: "ProfilesError", kind: "input", message: `Invalid profiles\n${PROBLEM_LINE}` },
  {
    error: thrown(NotebookParamsError, () => notebookParameters({ maxCostUsd: 1 }, { BB_PARAM_MAX_COST_USD: "a lot" }, () => undefined)),
    name: "NotebookParamsError",
    kind: "input",
    message: "environment variable BB_PARAM_MAX_COST_USD: 'a lot' is not a number (parameter 'maxCostUsd')",
  },
  {
    error: new OutputFolderError("/r/a-file", "--out", "it exists and is not a folder"),
    name: "OutputFolderError",
    kind: "input",
    message: "--out /r/a-file cannot be used: it exists and is not a folder; expected a folder that can be created (nothing was done)",
  },
  { error: new BodyTooLargeError("request body too large"), name: "BodyTooLargeError", kind: "input", message: null },
  {
    error: thrown(CliError, () => overridesFromFlags({ poisson: true }, null)),
    name: "CliError",
    kind: "input",
    message: "--poisson needs an arrival rate: give --rate <per second> (or arrivals in the --config file)",
  },
  {
    error: budgetError(),
    name: "BudgetExceededError",
    kind: "budget",
    message: "estimated cost $2.00 for 4 requests exceeds the budget cap maxCostUsd $1.00; lower invocations/repeats, or raise maxCostUsd (--max-cost)",
  },
  { error: new CsvFormatError("r/requests.csv", 6, "unclosed quote"), name: "CsvFormatError", kind: "results", message: "r/requests.csv:6: unclosed quote" },
  { error: new RecordParseError("r/requests.csv:2: column 'runId' is missing"), name: "RecordParseError", kind: "results", message: "r/requests.csv:2: column 'runId' is missing" },
  { error: new ResultsInputError("'no/such/run' does not exist"), name: "ResultsInputError", kind: "results", message: "'no/such/run' does not exist" },
  {
    error: thrown(ManifestError, () => parseRunManifest({ format: "bedrock-bench/run", formatVersion: 2 }, "r/run.json")),
    name: "ManifestError",
    kind: "results",
    message: "r/run.json has manifest format version 2; this version of bedrock-bench reads 1",
  },
  {
    error: thrown(ResultsStoreError, () => ResultsWriter.open(NOT_A_RUN, ["m"])),
    name: "ResultsStoreError",
    kind: "results",
    message: `${NOT_A_RUN} is not a run folder (no run.json)`,
  },
  { error: new NotebookExecutionError("Notebook 02 failed: cell 3", "02.ipynb", "trace"), name: "NotebookExecutionError", kind: "runtime", message: null },
  { error: new DemoError("02_analyze_results wrote no analysis_report_*.html"), name: "DemoError", kind: "runtime", message: null },
  { error: new IncompleteStreamError("the response carried no event stream"), name: "IncompleteStreamError", kind: "runtime", message: null },
  { error: recordWriteError(), name: "RecordWriteError", kind: "runtime", message: "the results folder is closed" },
  { error: new ChartSvgError("No headless browser to draw the charts as SVG"), name: "ChartSvgError", kind: "runtime", message: null },
];

/** Every `class X extends Y` of lib/ whose name ends in Error (the sources, not the build). */
function declaredErrorClasses(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== "dist" && entry.name !== "node_modules") walk(join(dir, entry.name));
      } else if (entry.name.endsWith(".ts")) {
        const text = readFileSync(join(dir, entry.name), "utf8");
        for (const m of text.matchAll(/\bclass (\w+Error)\b[^{]*\bextends\b/g)) found.set(m[1]!, relative(LIB, join(dir, entry.name)));
      }
    }
  };
  walk(LIB);
  return found;
}

test("every error class declared in lib/ is covered here (BedrockError, the emulator's wire error, is not a BenchError)", () => {
  const declared = [...declaredErrorClasses().keys()].sort();
  const covered = [...CASES.map((c) => c.name), "BenchError", "BedrockError"].sort();
  assert.deepEqual(declared, covered);
});

test("each error class is a BenchError with its kind and name; the messages the code throws, exactly", () => {
  for (const { error, name, kind, message } of CASES) {
    assert.ok(error instanceof BenchError, `${name} is a BenchError`);
    assert.ok(error instanceof Error, `${name} is an Error`);
    assert.equal(error.name, name);
    assert.equal(error.constructor.name, name);
    assert.equal(error.kind, kind, `${name}.kind`);
    assert.equal(errorKind(error), kind, `errorKind(${name})`);
    if (message !== null) assert.equal(error.message, message, `${name}.message`);
    assert.ok(ERROR_KINDS.includes(error.kind));
  }
  // The kind is a literal type: callers narrow on it without a cast.
  const literal: "input" = new DatasetError("x", []).kind;
  const budget: "budget" = budgetError().kind;
  assert.deepEqual([literal, budget], ["input", "budget"]);
  // Every kind is used by some class.
  assert.deepEqual([...new Set(CASES.map((c) => c.kind))].sort(), [...ERROR_KINDS].sort());
});

test("the input error subclasses keep their problem lists", () => {
  for (const { error, name } of CASES) {
    if (!(error instanceof InputError)) continue;
    assert.deepEqual(error.problems, [PROBLEM], `${name}.problems`);
    assert.ok(Object.isFrozen(error.problems));
  }
  assert.deepEqual(
    CASES.filter((c) => c.error instanceof InputError).map((c) => c.name),
    ["InputError", "DatasetError", "ExperimentConfigError", "PricingError", "ResumeError", "CredentialsError", "EmulatorOptionsError", "ProfilesError"],
  );
});

test("errorKind of what is not a BenchError is undefined: the emulator's wire error, plain errors, other values", () => {
  assert.equal(errorKind(new BedrockError("ThrottlingException", "Too many requests")), undefined);
  assert.equal(new BedrockError("ThrottlingException", "Too many requests") instanceof BenchError, false);
  assert.equal(errorKind(new Error("boom")), undefined);
  assert.equal(errorKind(new RangeError("Unknown report format")), undefined);
  assert.equal(errorKind(Object.assign(new Error("looks like one"), { kind: "input" })), undefined);
  assert.equal(errorKind("a string"), undefined);
  assert.equal(errorKind(undefined), undefined);
});

test("the CLI's exit code comes from the kind: one table", () => {
  assert.deepEqual(EXIT, { ok: 0, failure: 1, usage: 2, interrupted: 130 });
  assert.deepEqual(EXIT_CODE_OF_KIND, { input: 2, budget: 2, results: 2, runtime: 1 });
  assert.deepEqual(Object.keys(EXIT_CODE_OF_KIND).sort(), [...ERROR_KINDS].sort());
  assert.ok(Object.isFrozen(EXIT_CODE_OF_KIND));
});

test("exitCodeOf: 2 for bad input, a refused budget and unreadable results; 1 for failures and anything unknown", () => {
  const expected: Record<string, number> = {
    InputError: 2,
    DatasetError: 2,
    ExperimentConfigError: 2,
    PricingError: 2,
    ResumeError: 2,
    CredentialsError: 2,
    EmulatorOptionsError: 2,
    ProfilesError: 2,
    NotebookParamsError: 2,
    OutputFolderError: 2,
    BodyTooLargeError: 2,
    CliError: 2,
    BudgetExceededError: 2,
    CsvFormatError: 2,
    RecordParseError: 2,
    ResultsInputError: 2,
    ManifestError: 2,
    ResultsStoreError: 2,
    NotebookExecutionError: 1,
    DemoError: 1,
    IncompleteStreamError: 1,
    RecordWriteError: 1,
    ChartSvgError: 1,
  };
  assert.deepEqual(Object.fromEntries(CASES.map((c) => [c.name, exitCodeOf(c.error)])), expected);
  assert.equal(exitCodeOf(new Error("ENOTDIR: not a directory")), 1);
  assert.equal(exitCodeOf(new BedrockError("ValidationException", "bad")), 1);
  assert.equal(exitCodeOf("thrown string"), 1);
  assert.equal(exitCodeOf(null), 1);
});

test("a CliError's exit code follows its kind; it can wrap a library error and keep its kind", () => {
  assert.equal(new CliError("missing the dataset", "input").exitCode, 2);
  assert.equal(new CliError("refused before sending anything", "budget").exitCode, 2);
  assert.equal(new CliError("--resume r: cannot read", "results").exitCode, 2);
  assert.equal(new CliError("it broke", "runtime").exitCode, 1);
  const cause = CASES.find((c) => c.name === "ResultsStoreError")!.error as ResultsStoreError;
  const wrapped = new CliError(`--resume r: ${cause.message}`, cause.kind, { cause });
  assert.equal(wrapped.cause, cause);
  assert.equal(wrapped.kind, "results");
  assert.equal(exitCodeOf(wrapped), 2);
});
