import { existsSync } from "node:fs";
import { rawFromExperiment } from "../inputs/experiment";
import { readResolvedManifest } from "../engine/run-manifest";

/** What completes a run folder: its own dataset, experiment and pricing, and the folder to resume. */
export interface ResumeInputs {
  dataset: string;
  experiment: Record<string, unknown>;
  pricing?: string;
  resume: string;
}

/**
 * The inputs that complete a run folder, read from its `run.json`: its own dataset, experiment and pricing (when the
 * pricing file is still there) and `resume`, so a plan shown before resuming is the run's own and only its missing
 * requests are sent. The notebooks pass them to `runInNotebook`; the CLI's `run --resume` takes the dataset from them
 * when none is given. Throws a `ManifestError` when the folder holds no readable run, and an `InputError` (an
 * `ExperimentConfigError`) when this version refuses the experiment stored in it.
 */
export function resumeInputs(folder: string): ResumeInputs {
  const manifest = readResolvedManifest(folder);
  return {
    dataset: manifest.dataset.path,
    experiment: rawFromExperiment(manifest.experiment),
    ...(existsSync(manifest.pricing.path) ? { pricing: manifest.pricing.path } : {}),
    resume: folder,
  };
}
