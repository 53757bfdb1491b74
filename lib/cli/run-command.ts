/**
 * `bedrock-bench run <dataset.jsonl>`: runs an experiment from the command line (the same `runExperiment` notebooks
 * call). Flags override fields of the `--config` file; `--resume` completes an earlier run; `--estimate-only` shows the
 * request count and cost without sending anything. SIGINT/SIGTERM stop the run through its AbortSignal: completed
 * records are kept and the command prints how to resume.
 * Exit codes: 0 done; 1 the run failed (or every request failed); 2 bad input, nothing sent; 130 interrupted.
 */

import { type Command, InvalidArgumentError, Option } from "commander";
import { unpricedNote } from "../inputs/cost";
import { HTTP_HANDLERS, ORDERS, TARGETS, readExperimentFile } from "../inputs/experiment";
import { formatUsd } from "../base/number-format";
import { abortOnSignals } from "../app/interrupt";
import { checkOutputFolder } from "../base/output-file";
import { resumeInputs } from "../app/resume";
import { shownPath } from "../app/shown-path";
import { type RunOutcome, runExperiment } from "../engine/runner";
import { estimateRun, type RunEstimate } from "../engine/run-plan";
import { BenchError } from "../base/errors";
import { CliError, EXIT, EXIT_CODE_OF_KIND } from "./cli-error";
import { type CliStreams, colors, printJson, processStreams, useColor } from "./output";
import { barOutput, lineOutput, type ProgressOutput } from "./progress-output";

export interface RunCommandOptions {
  config?: string;
  name?: string;
  target?: string;
  invocations?: number;
  repeats?: number;
  concurrency?: number;
  rate?: number;
  poisson?: boolean;
  duration?: number;
  warmup?: number;
  maxAttempts?: number;
  maxCost?: number;
  handler?: string;
  order?: string;
  out?: string;
  endpoint?: string;
  seed?: number;
  pricing?: string;
  resume?: string;
  estimateOnly?: boolean;
  json?: boolean;
  color?: boolean;
  progressInterval?: number;
}

const number = (flag: string, integer: boolean) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`${flag} expects ${integer ? "an integer" : "a number"}, got '${value}'.`);
  }
  return n;
};

/** The experiment fields the flags set (undefined when a flag is absent, so the config's value stays). */
export function overridesFromFlags(o: RunCommandOptions, configArrivals: unknown): Record<string, unknown> {
  let arrivals: unknown;
  if (o.rate !== undefined) {
    arrivals = { ratePerSec: o.rate, distribution: o.poisson ? "poisson" : "constant" };
  } else if (o.poisson) {
    if (configArrivals === null || typeof configArrivals !== "object") {
      throw new CliError("--poisson needs an arrival rate: give --rate <per second> (or arrivals in the --config file)", "input");
    }
    arrivals = { ...(configArrivals as Record<string, unknown>), distribution: "poisson" };
  }
  return {
    name: o.name,
    target: o.target,
    invocationsPerScenario: o.invocations,
    repeats: o.repeats,
    concurrency: o.concurrency,
    arrivals,
    durationSec: o.duration,
    warmupRequests: o.warmup,
    maxAttempts: o.maxAttempts,
    maxCostUsd: o.maxCost,
    httpHandler: o.handler,
    order: o.order,
    outputDir: o.out,
    endpoint: o.endpoint,
    seed: o.seed,
  };
}

/** How to continue a run: the command to type. */
export function resumeHint(dataset: string, folder: string, pricing?: string): string {
  const quote = (s: string) => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `bedrock-bench run ${quote(shownPath(dataset))} --resume ${quote(shownPath(folder))}${pricing ? ` --pricing ${quote(pricing)}` : ""}`;
}

function estimateText(e: RunEstimate): string {
  const lines = [
    `${e.requests} request(s): ${e.measuredRequests} measured + ${e.warmupRequests} warm-up; ${e.loadModel} loop, concurrency ${e.concurrency}; target ${e.target}`,
  ];
  if (e.durationBoundRequests !== null) lines.push(`at most ${e.durationBoundRequests} request(s) within the duration bound`);
  lines.push(`models: ${e.models.join(", ")}; regions: ${e.regions.join(", ")}`);
  lines.push(`estimated cost: ${formatUsd(e.estimate.totalUsd)}${e.maxCostUsd !== null ? ` (budget cap ${formatUsd(e.maxCostUsd)})` : ""}`);
  for (const c of e.estimate.byConfiguration) {
    lines.push(`  ${c.configuration}: ${c.requests} × ≈${Math.round(c.inputTokens / c.requests)} in / ${Math.round(c.outputTokens / c.requests)} out tokens = ${c.costUsd === null ? "no price" : formatUsd(c.costUsd)}`);
  }
  if (e.estimate.unpricedRequests > 0) lines.push(`unpriced: ${e.estimate.unpricedModels.join(", ")} (add them to the pricing table)`);
  lines.push(`method: ${e.estimate.method}`);
  if (!e.withinBudget) lines.push(`refused: ${e.budgetMessage}`);
  return `${lines.join("\n")}\n`;
}

function outcomeText(o: RunOutcome, c: ReturnType<typeof colors>): string {
  const b = o.counts.byStatus;
  const unpriced = unpricedNote(o.unpricedModels);
  const head = o.status === "completed" ? c.green(o.message) : o.status === "failed" ? c.red(o.message) : c.yellow(o.message);
  return (
    `${head}\n` +
    `run ${o.runId}: ${o.counts.recorded} record(s) (${b.success} success, ${b.error} error, ${b.timeout} timeout, ${b.aborted} aborted); ` +
    `${o.counts.sentThisSession} sent now\n` +
    `cost: measured ${formatUsd(o.measuredCostUsd)}, estimated ${formatUsd(o.estimatedCostUsd)}` +
    (unpriced ? c.yellow(unpriced) : "") +
    `\n` +
    `results: ${shownPath(o.folder)}\n`
  );
}

/** Runs the command; returns the exit code. */
export async function runCommand(datasetArg: string | undefined, o: RunCommandOptions, streams: CliStreams = processStreams): Promise<number> {
  const c = colors(useColor(streams.stderr, streams.env, o.color === false));
  let dataset = datasetArg;
  if (dataset === undefined) {
    if (o.resume === undefined) throw new CliError("missing the dataset: bedrock-bench run <dataset.jsonl> (or --resume <run folder>)", "input");
    try {
      dataset = resumeInputs(o.resume).dataset;
    } catch (err) {
      if (err instanceof BenchError) throw new CliError(`--resume ${o.resume}: ${err.message}`, err.kind, { cause: err });
      throw err;
    }
  }
  let configArrivals: unknown = null;
  if (o.config !== undefined) {
    configArrivals = readExperimentFile(o.config)["arrivals"] ?? null;
  }
  const overrides = overridesFromFlags(o, configArrivals);
  const inputs = {
    dataset,
    ...(o.config !== undefined ? { experiment: o.config } : {}),
    overrides,
    ...(o.pricing !== undefined ? { pricing: o.pricing } : {}),
  };

  if (o.estimateOnly) {
    const estimate = await estimateRun(inputs);
    if (o.json) printJson({ estimate }, streams);
    else streams.stdout.write(estimateText(estimate));
    return estimate.withinBudget ? EXIT.ok : EXIT_CODE_OF_KIND.budget;
  }

  // The flag's folder is checked as the flag (the run checks it again as `outputDir`), before anything starts.
  if (o.out !== undefined && o.resume === undefined) checkOutputFolder(o.out, "--out");
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller, {
    onSignal: (signal, count) => {
      if (count > 1) {
        streams.stderr.write(`\n${signal} again: exiting now (the records written so far are kept)\n`);
        process.exit(EXIT.interrupted);
      }
      streams.stderr.write(`\n${signal}: stopping, aborting the requests in flight (${signal} again to exit at once)…\n`);
    },
  });

  const progress: ProgressOutput = streams.stderr.isTTY === true && streams.env["TERM"] !== "dumb"
    ? barOutput(streams.stderr, c)
    : lineOutput(streams.stderr, o.progressInterval ?? 5000);
  let folder: string | null = null;
  let outcome: RunOutcome;
  try {
    outcome = await runExperiment({
      ...inputs,
      ...(o.resume !== undefined ? { resume: o.resume } : {}),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "run-started") folder = event.folder;
        progress.onEvent(event);
      },
    });
  } catch (err) {
    if (err instanceof BenchError && err.kind === "budget") throw new CliError(`refused before sending anything: ${err.message}`, "budget", { cause: err });
    if (folder !== null) {
      streams.stderr.write(`the run failed; its records so far are in ${shownPath(folder)}; to continue: ${resumeHint(dataset, folder, o.pricing)}\n`);
    }
    throw err;
  } finally {
    progress.stop();
    stopListening();
  }

  const hint = outcome.resumable ? resumeHint(dataset, outcome.folder, o.pricing) : null;
  if (o.json) printJson({ ...outcome, resumeCommand: hint }, streams);
  else streams.stdout.write(outcomeText(outcome, colors(useColor(streams.stdout, streams.env, o.color === false))));
  if (hint !== null) streams.stderr.write(`to ${outcome.status === "interrupted" ? "resume" : "complete the run"}: ${hint}\n`);

  if (outcome.status === "interrupted") return EXIT.interrupted;
  const sent = outcome.counts.sentThisSession;
  if (sent > 0 && outcome.counts.byStatus.success === 0) {
    streams.stderr.write(`bedrock-bench: every request failed (see ${shownPath(outcome.folder)}/run.log)\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("Run an experiment: send a dataset's scenarios to the emulator (default) or to Amazon Bedrock and record every request")
    .argument("[dataset]", "scenario dataset (JSONL); with --resume, defaults to the run's dataset")
    .option("--config <file>", "experiment configuration (JSON); the flags below override its fields")
    .option("--name <name>", "run name, appended to the results folder name")
    .addOption(new Option("--target <target>", "where requests go").choices([...TARGETS]))
    .option("--invocations <n>", "invocations per scenario", number("--invocations", true))
    .option("--repeats <n>", "experiment repeats", number("--repeats", true))
    .option("--concurrency <n>", "closed loop: workers; open loop: cap on requests in flight", number("--concurrency", true))
    .option("--rate <perSec>", "open loop: requests per second, regardless of completions", number("--rate", false))
    .option("--poisson", "open loop: Poisson arrivals (exponential gaps) instead of constant")
    .option("--duration <sec>", "stop scheduling after this many seconds (after warm-up)", number("--duration", false))
    .option("--warmup <n>", "warm-up requests per configuration, flagged and sent first", number("--warmup", true))
    .option("--max-attempts <n>", "SDK attempts per request (1 = no retries)", number("--max-attempts", true))
    .option("--max-cost <usd>", "refuse to start above this estimated cost; stop when the measured cost reaches it", number("--max-cost", false))
    .addOption(new Option("--handler <handler>", "HTTP handler").choices([...HTTP_HANDLERS]))
    .addOption(new Option("--order <order>", "request order within a repeat").choices([...ORDERS]))
    .option("--out <dir>", "root folder of run folders (default: results)")
    .option("--endpoint <url>", "send to this endpoint (a running emulator, or a custom Bedrock endpoint)")
    .option("--seed <n>", "seed of the order shuffle and Poisson arrivals (drawn and recorded when absent)", number("--seed", true))
    .option("--pricing <file>", "pricing table (default: datasets/pricing.csv)")
    .option("--resume <folder>", "complete an earlier run: send only what it lacks")
    .option("--estimate-only", "print the request count and estimated cost, send nothing")
    .option("--progress-interval <ms>", "without a terminal: milliseconds between progress lines", number("--progress-interval", true))
    .option("--json", "print the outcome as one JSON document on stdout")
    .option("--no-color", "no colours (also: NO_COLOR)")
    .addHelpText(
      "after",
      `
Examples:
  bedrock-bench run datasets/examples/mixed-models.jsonl --invocations 5 --concurrency 4
  bedrock-bench run datasets/aws-notebook-dummy-prompts.jsonl --config datasets/examples/open-loop.experiment.json --rate 20
  bedrock-bench run datasets/my.jsonl --target aws --max-cost 2 --estimate-only
  bedrock-bench run --resume results/20251122_153012_mixed

Exit codes: 0 done; 1 the run failed (or every request failed); 2 bad input, nothing sent; 130 interrupted (resumable).`,
    )
    .action(async (dataset: string | undefined, opts: RunCommandOptions) => {
      process.exitCode = await runCommand(dataset, opts);
    });
}
