/**
 * Where a session sends its requests, and what that takes: the emulator it starts (target `emulator` without an
 * `endpoint`), the SDK clients (`ClientPool`), AWS credentials checked before anything is sent (target `aws`), and one
 * transport per region. Everything acquired here is released through `RunResources`.
 */

import { ClientPool, type TransportDescription } from "./bedrock-clients";
import { startEmulator } from "../emulator/emulator-server";
import { parseEmulatorOptions } from "../emulator/options";
import type { Experiment } from "../inputs/experiment";
import type { EmulatorManifest } from "../records/run-manifest";
import type { ConverseStreamTransport } from "./request-executor";
import type { RunPlan } from "./run-plan";
import type { RunResources } from "./run-resources";

/** Starts an emulator for a run and says how to stop it. */
export type EmulatorStarter = (options: Readonly<Record<string, unknown>>) => Promise<{
  readonly endpoint: string;
  /** The options as the emulator resolved them (recorded in run.json). */
  readonly options: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}>;

export interface TargetOptions {
  /** Test seam: the transport of a region (default: the SDK clients of `ClientPool`). */
  readonly transport?: (region: string) => ConverseStreamTransport;
  /** Test seam, and for notebooks that run their own emulator: where an `emulator` target sends requests. */
  readonly emulatorStarter?: EmulatorStarter;
}

/** Where a session sends its requests. */
export interface RunTarget {
  /** The endpoint requests go to (the started emulator's, or the experiment's); null = the SDK's regional endpoints. */
  readonly endpoint: string | null;
  /** What run.json records about the emulator; null when the target is not one. */
  readonly emulator: EmulatorManifest | null;
  /** What run.json records about the transport. */
  readonly transport: TransportDescription;
  /** The transport of a region, made on first use. */
  transportOf(region: string): ConverseStreamTransport;
}

/** The built-in emulator, in this process, on a free loopback port (unless the options say otherwise). */
const defaultEmulatorStarter: EmulatorStarter = async (raw) => {
  const running = await startEmulator(parseEmulatorOptions(raw, "experiment", "emulator"));
  const { clock: _clock, signal: _signal, profiles, ...options } = running.options;
  return {
    endpoint: running.endpoint,
    options: { ...options, profiles: typeof profiles === "string" ? profiles : profiles === undefined ? "(shipped defaults)" : "(inline document)" },
    close: () => running.close(),
  };
};

/** The emulator the run starts itself (an `emulator` target without an endpoint, unless the transport is given); null otherwise. */
async function startOwnEmulator(experiment: Experiment, options: TargetOptions, resources: RunResources): Promise<EmulatorManifest | null> {
  if (experiment.target !== "emulator" || experiment.endpoint !== null || options.transport !== undefined) return null;
  const started = await (options.emulatorStarter ?? defaultEmulatorStarter)(experiment.emulator);
  resources.defer(async () => {
    try {
      await started.close();
    } catch (err) {
      resources.warn(`closing the emulator failed: ${(err as Error).message}`);
    }
  });
  return { startedByRun: true, endpoint: started.endpoint, options: started.options };
}

/**
 * Makes the target ready: the emulator started (when the run starts one), the SDK clients, the credentials checked
 * (target `aws`). What is acquired is released by `resources`.
 * @throws what the emulator's start throws; CredentialsError.
 */
export async function connectTarget(plan: RunPlan, options: TargetOptions, resources: RunResources): Promise<RunTarget> {
  const { experiment } = plan;
  const ownEmulator = await startOwnEmulator(experiment, options, resources);
  const endpoint = ownEmulator?.endpoint ?? experiment.endpoint;
  const emulator =
    ownEmulator ?? (experiment.target === "emulator" && experiment.endpoint !== null ? { startedByRun: false, endpoint: experiment.endpoint, options: {} } : null);

  const pool = new ClientPool({ experiment, endpoint });
  resources.defer(() => pool.destroy());
  if (experiment.target === "aws" && options.transport === undefined) await pool.checkCredentials(plan.regions[0]!);

  const transportFor = options.transport ?? ((region: string) => pool.transport(region));
  const transports = new Map<string, ConverseStreamTransport>();
  return {
    endpoint,
    emulator,
    transport: pool.describe(plan.regions),
    transportOf(region) {
      let t = transports.get(region);
      if (!t) {
        t = transportFor(region);
        transports.set(region, t);
      }
      return t;
    },
  };
}
