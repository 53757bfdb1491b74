/**
 * What `analyze` and `report` share: their inputs (the latest run under results/ by default), the grouping and
 * comparison options. Bad input (a missing path, a bad cell) throws the library's error, whose kind (`results`) gives
 * exit code 2 in lib/cli/main.ts; its message names the file, line, column and value.
 */
import { InvalidArgumentError, type Command } from "commander";
import { shownPath } from "../app/shown-path";
import { analyzeResults, latestRunInput, type Analysis, type AnalysisOptions } from "../analysis/analyze-results";
import { DEFAULT_GROUP_DIMENSIONS, GROUP_DIMENSIONS, type GroupDimension } from "../analysis/request-groups";

export interface AnalysisCliOptions {
  groupBy?: GroupDimension[];
  includeWarmup?: boolean;
  resultsDir: string;
  minSamples?: number;
  seed?: number;
  permutations?: number;
  json?: boolean;
  color?: boolean;
}

/** `--group-by model,performanceConfig` → checked dimensions. */
export function parseGroupBy(value: string): GroupDimension[] {
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${GROUP_DIMENSIONS.join(", ")}`);
  for (const name of names) {
    if (!(GROUP_DIMENSIONS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`'${name}' is not a grouping dimension; expected some of ${GROUP_DIMENSIONS.join(", ")}`);
    }
  }
  return [...new Set(names)] as GroupDimension[];
}

function integerAtLeast(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${value}'`);
    return n;
  };
}

/** Adds the options both commands take. */
export function addAnalysisOptions(command: Command): Command {
  return command
    .argument(
      "[inputs...]",
      "run folders, requests.csv files, AWS-notebook invocations_*.csv files, folders of runs, or glob patterns (quote them) (default: the latest run under --results-dir)",
    )
    .option(
      "--group-by <dimensions>",
      `comma-separated grouping, from ${GROUP_DIMENSIONS.join(", ")} (default: ${DEFAULT_GROUP_DIMENSIONS.join(",")})`,
      parseGroupBy,
    )
    .option("--include-warmup", "count warm-up requests in every statistic (default: counted apart)")
    .option("--results-dir <dir>", "where to find the latest run when no input is given", "results")
    .option("--min-samples <n>", "fewest successful requests per side for a comparison verdict (default 30)", integerAtLeast(2))
    .option("--seed <n>", "seed of the bootstrap confidence intervals (default 1)", integerAtLeast(0))
    .option("--permutations <n>", "also run a permutation test with n relabellings (default 0: rank-sum only)", integerAtLeast(0))
    .option("--json", "print one JSON document on stdout instead of text")
    .option("--no-color", "no colours (also when NO_COLOR is set or stdout is not a terminal)");
}

/** The inputs given, or the latest run; then the analysis. Unreadable results throw an error of kind `results`. */
export async function analyzeFromCli(
  inputs: readonly string[],
  options: AnalysisCliOptions,
  extra: Pick<AnalysisOptions, "distribution"> = {},
  log: (line: string) => void = () => undefined,
): Promise<Analysis> {
  const chosen = inputs.length > 0 ? [...inputs] : [await latestRunInput(options.resultsDir)];
  if (inputs.length === 0) log(`No input given: analysing the latest run, ${shownPath(chosen[0]!)}`);
  return analyzeResults(chosen, {
    ...(options.groupBy ? { dimensions: options.groupBy } : {}),
    includeWarmup: options.includeWarmup ?? false,
    ...(options.minSamples !== undefined ? { minSamples: options.minSamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.permutations !== undefined ? { permutations: options.permutations } : {}),
    ...extra,
  });
}
