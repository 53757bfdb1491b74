import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { waitForStopSignal } from "../app/interrupt";
import { InputError, type InputProblem } from "../base/input-error";
import { modelCatalogue, type CatalogueEntry } from "../emulator/catalogue";
import { startEmulator } from "../emulator/emulator-server";
import { EmulatorOptionsError, parseEmulatorOptions, parseFaultRules, type EmulatorOptions } from "../emulator/options";
import { defaultProfilesPath, loadDefaultProfiles, loadProfiles } from "../emulator/profiles";
import { colors, printJson, processStreams, useColor, type CliStreams } from "./output";

/**
 * `bedrock-bench emulator`: the Bedrock Runtime emulator as a stand-alone server until SIGINT/SIGTERM, or
 * `--list-models` to print what it knows.
 */
export interface EmulatorCommandOptions {
  port?: string;
  host?: string;
  profiles?: string;
  seed?: string;
  timeScale?: string;
  faults?: string;
  groundTruth?: string;
  defaultRegion?: string;
  listModels?: boolean;
  json?: boolean;
  color?: boolean;
}

/** Flag names of the options, for messages about bad values. */
const FLAGS: Readonly<Record<string, string>> = Object.freeze({
  port: "--port",
  host: "--host",
  profiles: "--profiles",
  seed: "--seed",
  timeScale: "--time-scale",
  faults: "--faults",
  groundTruthFile: "--ground-truth",
  defaultRegion: "--default-region",
});

const EMULATOR_HELP_AFTER = `
Point any AWS SDK at the printed endpoint (endpoint: "http://127.0.0.1:4010", any credentials, any region), or set
"endpoint" in an experiment so runs use this emulator instead of starting their own.

Examples:
  $ bedrock-bench emulator                                  # port 4010, shipped profiles
  $ bedrock-bench emulator --port 0 --json                  # a free port; {"endpoint": …} on stdout
  $ bedrock-bench emulator --time-scale 0.1 --seed 7 --faults faults.json --ground-truth truth.jsonl
  $ bedrock-bench emulator --list-models

Exit codes: 0 stopped by Ctrl+C / SIGTERM (or --list-models done); 2 bad input (an option, the profiles or faults
file: the message names file and field); 1 any other failure (e.g. the port is taken).`;

export function registerEmulatorCommand(program: Command): void {
  program
    .command("emulator")
    .description("Run the Bedrock Runtime emulator as a local server (HTTP/1.1 and HTTP/2 on one port) until Ctrl+C / SIGTERM")
    .option("--port <n>", "TCP port; 0 picks a free one", "4010")
    .option("--host <host>", "interface to bind (default 127.0.0.1: this machine only)")
    .option("--profiles <file>", "behaviour profiles JSON (default: the shipped datasets/emulator-profiles.json)")
    .option("--seed <n>", "seed of every random draw (default 1)")
    .option("--time-scale <x>", "real time = emulated time × x (default 1; 0.1 runs ten times faster)")
    .option("--faults <file>", "JSON list of fault rules to inject")
    .option("--ground-truth <file>", "append every request's ground truth to this JSONL file")
    .option("--default-region <region>", "region of requests that carry none (Bearer API keys)")
    .option("--list-models", "print the models, regions and model IDs the emulator knows, then exit")
    .option("--json", "print one JSON document on stdout")
    .option("--no-color", "no colours")
    .addHelpText("after", EMULATOR_HELP_AFTER)
    .action(async (opts: EmulatorCommandOptions) => {
      await runEmulatorCommand(opts);
    });
}

export async function runEmulatorCommand(opts: EmulatorCommandOptions, streams: CliStreams = processStreams, stopped: () => Promise<string> = waitForStopSignal): Promise<void> {
  const options = emulatorOptionsFromFlags(opts);
  if (opts.listModels) {
    const profiles = options.profiles === undefined ? loadDefaultProfiles() : loadProfiles(options.profiles as string);
    const catalogue = modelCatalogue(profiles);
    if (opts.json) printJson(catalogue, streams);
    else streams.stdout.write(renderCatalogue(catalogue));
    return;
  }
  // Listen for the stop signal before anything is printed, so a signal sent as soon as the endpoint shows is not lost.
  const stop = stopped();
  const emulator = await startEmulator(options);
  const c = colors(!opts.json && useColor(streams.stdout, streams.env, opts.color === false));
  const groundTruthFile = emulator.groundTruth.file;
  if (opts.json) {
    printJson({ endpoint: emulator.endpoint, host: emulator.host, port: emulator.port, pid: process.pid, groundTruthFile: groundTruthFile ?? null }, streams);
  } else {
    const profilesName = options.profiles === undefined ? `${defaultProfilesPath()} (shipped defaults,` : `${resolve(options.profiles as string)} (`;
    const faults = emulator.options.faults.length;
    const lines = [
      `${c.bold("Bedrock Runtime emulator")} listening on ${c.cyan(emulator.endpoint)} (HTTP/1.1 and HTTP/2)`,
      `  profiles: ${profilesName} ${emulator.profiles.models.length} models)`,
      `  seed ${emulator.options.seed} · timeScale ${emulator.options.timeScale} · ${faults === 0 ? "no faults" : `${faults} fault rule${faults === 1 ? "" : "s"}`} · default region ${emulator.options.defaultRegion}`,
      `  ground truth: ${groundTruthFile === undefined ? "in memory only (--ground-truth FILE to keep it)" : `${groundTruthFile} (JSONL, appended)`}`,
      "",
      "Point a client at it (any credentials; the region comes from the request's signature):",
      `  JavaScript  new BedrockRuntimeClient({ endpoint: "${emulator.endpoint}", region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } })`,
      `  boto3       boto3.client("bedrock-runtime", endpoint_url="${emulator.endpoint}", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")`,
      `  any SDK     export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${emulator.endpoint}`,
      `  experiment  "target": "emulator", "endpoint": "${emulator.endpoint}"`,
      "",
      `Models and IDs: bedrock-bench emulator --list-models. Stop with Ctrl+C.`,
      "",
    ];
    streams.stdout.write(lines.join("\n"));
  }
  const signal = await stop;
  await emulator.close();
  streams.stderr.write(`bedrock-bench: emulator stopped (${signal}) after ${emulator.requestCount} request${emulator.requestCount === 1 ? "" : "s"}\n`);
}

/** Flags → validated options; problems name the flags (`--time-scale`), not the option fields. */
export function emulatorOptionsFromFlags(opts: EmulatorCommandOptions): EmulatorOptions {
  const raw: Record<string, unknown> = {};
  const number = (value: string): number | string => (value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value);
  if (opts.port !== undefined) raw["port"] = number(opts.port);
  if (opts.host !== undefined) raw["host"] = opts.host;
  if (opts.profiles !== undefined) raw["profiles"] = opts.profiles;
  if (opts.seed !== undefined) raw["seed"] = number(opts.seed);
  if (opts.timeScale !== undefined) raw["timeScale"] = number(opts.timeScale);
  if (opts.groundTruth !== undefined) raw["groundTruthFile"] = opts.groundTruth;
  if (opts.defaultRegion !== undefined) raw["defaultRegion"] = opts.defaultRegion;
  let options: EmulatorOptions;
  try {
    options = parseEmulatorOptions(raw, "command line", "");
  } catch (err) {
    if (!(err instanceof EmulatorOptionsError)) throw err;
    const problems: InputProblem[] = err.problems.map((p) => ({ ...p, field: FLAGS[p.field] ?? p.field }));
    throw new EmulatorOptionsError(`Invalid emulator flags: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, problems);
  }
  if (opts.faults === undefined) return options;
  return Object.freeze({ ...options, faults: readFaultsFile(opts.faults) });
}

function readFaultsFile(file: string) {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`Cannot read fault rules ${path}`, [
      { file: path, field: "", value: "", expected: `a readable JSON file (${(err as NodeJS.ErrnoException).code ?? String(err)})` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`Fault rules ${path} are not valid JSON`, [{ file: path, field: "", value: "", expected: `valid JSON (${(err as Error).message})` }]);
  }
  return parseFaultRules(value, path);
}

/** The catalogue as text: one block per model, its invocable IDs per region. */
export function renderCatalogue(catalogue: readonly CatalogueEntry[]): string {
  const out: string[] = [];
  for (const m of catalogue) {
    const features = [
      m.format,
      `max ${m.maxOutputTokens} output tokens`,
      `tiers ${m.serviceTiers.join("/")}`,
      m.promptCaching ? "prompt caching" : "",
      m.countTokens ? "CountTokens" : "",
      m.optimized ? `optimized via ${m.optimized.profileGeographies.map((g) => `${g}.`).join(", ") || "bare ID"} in ${m.optimized.regions.join(", ")}` : "",
    ].filter((f) => f !== "");
    out.push(`${m.modelId}  (${m.name})`, `  ${features.join(" · ")}`);
    const byIds = new Map<string, string[]>();
    for (const [region, ids] of Object.entries(m.invocableIds)) {
      const key = ids.join(", ");
      byIds.set(key, [...(byIds.get(key) ?? []), region]);
    }
    for (const [ids, regions] of byIds) out.push(`  ${regions.join(", ")}: ${ids}`);
    out.push("");
  }
  return out.join("\n");
}
