/**
 * Planning a run before anything is sent: the inputs loaded and validated (dataset, experiment, pricing), the
 * seeded schedule, the request body of every scenario, and the cost estimate. `planRun` is what the notebook's
 * "estimated cost and request count before you run" cell and `bedrock-bench run --estimate-only` show; `runExperiment`
 * runs exactly this plan.
 */

import { type CostEstimate, assertWithinBudget, estimateCost } from "../inputs/cost";
import { type ConverseInput, converseInputFor } from "./converse-input";
import { type Experiment, experimentWithOverrides, loadExperiment, parseExperiment, readExperimentFile } from "../inputs/experiment";
import { type PriceTable, loadPricing } from "../inputs/pricing";
import { type ScenarioSet, loadScenarios } from "../inputs/scenarios";
import { type PlannedRequest, buildSchedule } from "./schedule";

/** A dataset, experiment or pricing table: a path to read, or an object already loaded. */
export interface RunInputs {
  /** A JSONL path, or a `ScenarioSet` from `loadScenarios`. */
  readonly dataset: string | ScenarioSet;
  /**
   * An experiment JSON path, a resolved `Experiment` (from `loadExperiment`/`parseExperiment`), or a raw object
   * (validated here). Default: every default (`{}`).
   */
  readonly experiment?: string | Experiment | Readonly<Record<string, unknown>>;
  /** Fields applied on top of the experiment (e.g. CLI flags, a notebook's parameters); undefined values are ignored. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** A pricing CSV path or a loaded table. Default: the shipped `datasets/pricing.csv`. */
  readonly pricing?: string | PriceTable;
}

/** Everything a run needs, validated, frozen. */
export interface RunPlan {
  readonly dataset: ScenarioSet;
  readonly experiment: Experiment;
  readonly pricing: PriceTable;
  /** Warm-ups first, then the measured requests, in sending order. */
  readonly schedule: readonly PlannedRequest[];
  /** The ConverseStream input of each scenario (index = scenario index). */
  readonly inputs: readonly ConverseInput[];
  /** Cost of the whole schedule, estimated from the prompts and expected output lengths. */
  readonly estimate: CostEstimate;
  readonly warmupRequests: number;
  readonly measuredRequests: number;
  /** Distinct model IDs, as written in the dataset. */
  readonly models: readonly string[];
  readonly regions: readonly string[];
  /**
   * An upper bound on requests an open-loop run with a duration bound can send (rate × duration + warm-ups);
   * null when the whole schedule is the bound.
   */
  readonly durationBoundRequests: number | null;
}

function resolveExperiment(inputs: RunInputs): Experiment {
  const source = inputs.experiment;
  const overrides = inputs.overrides ?? {};
  const hasOverrides = Object.values(overrides).some((v) => v !== undefined);
  if (source === undefined) return parseExperiment({ ...definedOnly(overrides) }, hasOverrides ? "experiment options" : "default experiment");
  if (typeof source === "string") {
    if (!hasOverrides) return loadExperiment(source);
    return experimentWithOverrides(readExperimentFile(source), overrides, `${source} (with overrides)`);
  }
  if (!hasOverrides && isExperiment(source)) return source;
  return experimentWithOverrides(source as Record<string, unknown>, overrides, hasOverrides ? "experiment (with overrides)" : "experiment object");
}

function definedOnly(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function isExperiment(value: unknown): value is Experiment {
  return value !== null && typeof value === "object" && Object.isFrozen(value) && typeof (value as Experiment).loadModel === "string";
}

/** Loads and validates every input, builds the schedule and the estimate. Throws an `InputError` before anything is sent. */
export async function planRun(inputs: RunInputs): Promise<RunPlan> {
  // Cheap checks first: a wrong flag is reported before a large dataset is read.
  const experiment = resolveExperiment(inputs);
  const pricing = typeof inputs.pricing === "string" || inputs.pricing === undefined ? loadPricing(inputs.pricing) : inputs.pricing;
  const dataset = typeof inputs.dataset === "string" ? await loadScenarios(inputs.dataset) : inputs.dataset;
  return planFrom(dataset, experiment, pricing);
}

/** The plan of already loaded inputs (pure). */
export function planFrom(dataset: ScenarioSet, experiment: Experiment, pricing: PriceTable): RunPlan {
  const schedule = buildSchedule(dataset.scenarios, experiment);
  const scenarios = dataset.scenarios;
  const estimate = estimateCost(
    pricing,
    schedule.map((p) => scenarios[p.scenarioIndex]!),
  );
  const warmupRequests = schedule.filter((p) => p.warmup).length;
  const durationBoundRequests =
    experiment.arrivals !== null && experiment.durationSec !== null
      ? Math.min(schedule.length, warmupRequests + Math.ceil(experiment.arrivals.ratePerSec * experiment.durationSec))
      : null;
  return Object.freeze({
    dataset,
    experiment,
    pricing,
    schedule,
    inputs: Object.freeze(scenarios.map(converseInputFor)),
    estimate,
    warmupRequests,
    measuredRequests: schedule.length - warmupRequests,
    models: Object.freeze([...new Set(scenarios.map((s) => s.modelId))]),
    regions: Object.freeze([...new Set(scenarios.map((s) => s.region))]),
    durationBoundRequests,
  });
}

/** What the notebook and `--estimate-only` show before a run. */
export interface RunEstimate {
  readonly requests: number;
  readonly warmupRequests: number;
  readonly measuredRequests: number;
  readonly durationBoundRequests: number | null;
  readonly estimate: CostEstimate;
  readonly maxCostUsd: number | null;
  /** false when the run would be refused (over the cap, or unpriced models under a cap). */
  readonly withinBudget: boolean;
  /** Why it would be refused; "" when within budget. */
  readonly budgetMessage: string;
  readonly models: readonly string[];
  readonly regions: readonly string[];
  readonly target: Experiment["target"];
  readonly loadModel: Experiment["loadModel"];
  readonly concurrency: number;
}

/** The request count and cost estimate of a run, without running it. */
export async function estimateRun(inputs: RunInputs | RunPlan): Promise<RunEstimate> {
  const plan = "schedule" in inputs ? inputs : await planRun(inputs);
  let budgetMessage = "";
  try {
    assertWithinBudget(plan.estimate, plan.experiment.maxCostUsd);
  } catch (err) {
    budgetMessage = (err as Error).message;
  }
  return Object.freeze({
    requests: plan.schedule.length,
    warmupRequests: plan.warmupRequests,
    measuredRequests: plan.measuredRequests,
    durationBoundRequests: plan.durationBoundRequests,
    estimate: plan.estimate,
    maxCostUsd: plan.experiment.maxCostUsd,
    withinBudget: budgetMessage === "",
    budgetMessage,
    models: plan.models,
    regions: plan.regions,
    target: plan.experiment.target,
    loadModel: plan.experiment.loadModel,
    concurrency: plan.experiment.concurrency,
  });
}
