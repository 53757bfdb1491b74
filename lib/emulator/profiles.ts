import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { describeValue, InputError, problemsFromIssues, type InputProblem } from "../base/input-error";

/**
 * The emulator's behaviour profiles: which models exist, where, and how fast they answer.
 * Shipped defaults live in `datasets/emulator-profiles.json`; a user file has the same shape (validated here with zod,
 * errors name the file and the field). See `latency-model.ts` for how the numbers are used.
 */

export const PERFORMANCE_LATENCIES = ["standard", "optimized"] as const;
export type PerformanceLatency = (typeof PERFORMANCE_LATENCIES)[number];
export const SERVICE_TIERS = ["default", "priority", "flex", "reserved"] as const;
export type ServiceTierName = (typeof SERVICE_TIERS)[number];
export const MODEL_FORMATS = ["anthropic", "nova", "llama", "mistral"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];
/** Cross-region inference profile prefixes (`us.anthropic…`) and the source regions each one serves. */
export const PROFILE_GEOGRAPHIES = ["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"] as const;
export type ProfileGeography = (typeof PROFILE_GEOGRAPHIES)[number];

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const sigma = z.number().min(0).max(3);
const regionName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region name such as us-east-1");

const latencySchema = z.strictObject({
  ttft: z.strictObject({
    /** Median TTFT of an empty prompt, ms (log-normal). */
    medianMs: positive,
    sigma,
    /** Added per 1,000 uncached input tokens (prefill), ms. */
    prefillMsPerThousandTokens: nonNegative,
    /** Added per 1,000 input tokens read from the prompt cache, ms. */
    cacheReadMsPerThousandTokens: nonNegative,
  }),
  decode: z.strictObject({
    /** Median decode rate of a request, tokens/s (log-normal across requests). */
    medianTokensPerSecond: positive,
    sigma,
    /** Log-normal jitter of each chunk gap (mean 1). */
    chunkJitterSigma: sigma,
  }),
});

const quotaSchema = z.strictObject({
  requestsPerMinute: positive,
  tokensPerMinute: positive,
  maxConcurrency: positiveInt,
});

const optimizedSchema = latencySchema.extend({
  /** Source regions where latency-optimized inference is offered. */
  regions: z.array(regionName).min(1),
  /** Inference-profile prefixes through which it is offered (e.g. only `us.`); empty = also the bare model ID. */
  profileGeographies: z.array(z.enum(PROFILE_GEOGRAPHIES)),
  /** Optimized capacity; past it, requests are served at standard latency (and say so). */
  requestsPerMinute: positive,
  tokensPerMinute: positive,
  /** Requests whose input + maxTokens exceed this are served at standard (Llama 3.1 405B: 11,000). */
  maxTotalTokens: positiveInt.optional(),
});

const regionOverrideSchema = z.strictObject({
  ttftMultiplier: positive.optional(),
  decodeMultiplier: positive.optional(),
  quotas: quotaSchema.partial().optional(),
});

export const modelProfileSchema = z.strictObject({
  /** Foundation model ID without any geography prefix, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  modelId: z.string().regex(/^[a-z0-9-]+\.[A-Za-z0-9._:-]+$/, "a foundation model ID such as anthropic.claude-3-haiku-20240307-v1:0"),
  name: z.string().min(1),
  format: z.enum(MODEL_FORMATS),
  /** Source regions where the bare model ID may be invoked on demand; elsewhere only an inference profile works. */
  onDemandRegions: z.array(regionName),
  /** Cross-region inference profile geographies (`us.`, `eu.`, …) that contain the model. */
  inferenceProfiles: z.array(z.enum(PROFILE_GEOGRAPHIES)),
  /** Source regions where the model can be invoked, with optional per-region adjustments. */
  regions: z.record(regionName, regionOverrideSchema).refine((r) => Object.keys(r).length > 0, "at least one region"),
  contextWindowTokens: positiveInt,
  maxOutputTokens: positiveInt,
  /** maxTokens used when the request gives none. */
  defaultMaxTokens: positiveInt,
  countTokens: z.boolean(),
  serviceTiers: z.array(z.enum(SERVICE_TIERS)).refine((t) => t.includes("default"), "must include \"default\""),
  promptCaching: z.strictObject({ minTokens: positiveInt, ttlSeconds: positive, maxCheckpoints: positiveInt }).nullable(),
  accessGranted: z.boolean().default(true),
  output: z.strictObject({
    /** Median natural answer length, tokens (log-normal); the answer stops at maxTokens when longer. */
    medianTokens: positive,
    sigma,
  }),
  chunking: z.strictObject({ minTokens: positiveInt, maxTokens: positiveInt }).refine((c) => c.maxTokens >= c.minTokens, "maxTokens must be ≥ minTokens"),
  latency: z.strictObject({ standard: latencySchema, optimized: optimizedSchema.optional() }),
  quotas: quotaSchema,
});

const tierBehaviourSchema = z.strictObject({
  ttftMultiplier: positive,
  decodeMultiplier: positive,
  /** Mean of an exponential queueing delay added before the first token, ms. */
  queueDelayMeanMs: nonNegative,
});

export const profilesDocumentSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  version: z.literal(1),
  /** Region-wide latency adjustments (1 = the calibration region). */
  regions: z.record(regionName, z.strictObject({ ttftMultiplier: positive, decodeMultiplier: positive })),
  serviceTiers: z.strictObject({
    default: tierBehaviourSchema,
    priority: tierBehaviourSchema,
    flex: tierBehaviourSchema,
    reserved: tierBehaviourSchema,
  }),
  /**
   * Seconds of quota an idle bucket holds: a burst of that much passes at once. Under overload,
   * `perMinute × (1 + quotaBurstSeconds / 60)` pass in the first minute and `perMinute` in each later one.
   */
  quotaBurstSeconds: positive,
  models: z.array(modelProfileSchema).min(1),
});

export type LatencyProfile = z.infer<typeof latencySchema>;
export type OptimizedLatencyProfile = z.infer<typeof optimizedSchema>;
export type QuotaProfile = z.infer<typeof quotaSchema>;
export type ModelProfile = z.infer<typeof modelProfileSchema>;
export type TierBehaviour = z.infer<typeof tierBehaviourSchema>;
export type ProfilesDocument = z.infer<typeof profilesDocumentSchema>;

/** A profiles file or object that does not parse or validate; `problems` names the source and every bad field. */
export class ProfilesError extends InputError {
  override name = "ProfilesError";
}

export const DEFAULT_PROFILES_FILENAME = "emulator-profiles.json";

/**
 * Finds the shipped `datasets/emulator-profiles.json` by walking up from this module (works from `lib/emulator/`
 * sources and from the compiled `lib/dist/emulator/`).
 */
export function defaultProfilesPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "datasets", DEFAULT_PROFILES_FILENAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ProfilesError(`Cannot find the shipped emulator profiles`, [
    { file: `datasets/${DEFAULT_PROFILES_FILENAME}`, field: "", value: "", expected: `a file in a datasets/ folder above ${__dirname}` },
  ]);
}

/**
 * Every problem of a profiles document (schema and cross-field rules), with field paths prefixed by `fieldPrefix`
 * (e.g. `emulator.profiles`); empty when the document is valid.
 */
export function profileProblems(value: unknown, source: string, fieldPrefix = ""): InputProblem[] {
  const join = (field: string): string => (fieldPrefix === "" ? field : field === "" ? fieldPrefix : field.startsWith("[") ? `${fieldPrefix}${field}` : `${fieldPrefix}.${field}`);
  const result = profilesDocumentSchema.safeParse(value);
  if (!result.success) {
    return problemsFromIssues(result.error.issues, value, { file: source }, knownProfileKeys).map((p) => ({ ...p, field: join(p.field) }));
  }
  const doc = result.data;
  const problems: InputProblem[] = [];
  const at = (field: string, bad: unknown, expected: string): void => {
    problems.push({ file: source, field: join(field), value: describeValue(bad), expected });
  };
  const seen = new Set<string>();
  doc.models.forEach((model, i) => {
    const base = `models[${i}]`;
    if (seen.has(model.modelId)) at(`${base}.modelId`, model.modelId, "a model ID not listed before (duplicate)");
    seen.add(model.modelId);
    if (model.defaultMaxTokens > model.maxOutputTokens) {
      at(`${base}.defaultMaxTokens`, model.defaultMaxTokens, `at most maxOutputTokens (${model.maxOutputTokens})`);
    }
    if (model.onDemandRegions.length === 0 && model.inferenceProfiles.length === 0) {
      at(`${base}.inferenceProfiles`, model.inferenceProfiles, "at least one geography when onDemandRegions is empty (else the model could never be invoked)");
    }
    model.onDemandRegions.forEach((region, j) => {
      if (!(region in model.regions)) at(`${base}.onDemandRegions[${j}]`, region, "one of the model's regions");
    });
    for (const region of Object.keys(model.regions)) {
      if (!(region in doc.regions)) at(`${base}.regions.${region}`, region, 'a region listed in the top-level "regions"');
    }
    (model.latency.optimized?.regions ?? []).forEach((region, j) => {
      if (!(region in model.regions)) at(`${base}.latency.optimized.regions[${j}]`, region, "one of the model's regions");
    });
  });
  return problems;
}

/** Validates a parsed document; `source` names it in errors. Throws `ProfilesError` listing every problem. */
export function parseProfiles(value: unknown, source: string): ProfilesDocument {
  const problems = profileProblems(value, source);
  if (problems.length > 0) throw new ProfilesError(`Emulator profiles ${source} are invalid`, problems);
  return profilesDocumentSchema.parse(value);
}

/** Reads and validates a profiles file. */
export function loadProfiles(file: string): ProfilesDocument {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ProfilesError(`Cannot read emulator profiles ${path}`, [{ file: path, field: "", value: "", expected: `a readable JSON file (${code})` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProfilesError(`Emulator profiles ${path} are not valid JSON`, [
      { file: path, field: "", value: "", expected: `valid JSON (${(err as Error).message})` },
    ]);
  }
  return parseProfiles(value, path);
}

let cachedDefaults: ProfilesDocument | undefined;

/** The shipped default profiles (a fresh deep copy each call, so callers may modify it). */
export function loadDefaultProfiles(): ProfilesDocument {
  cachedDefaults ??= loadProfiles(defaultProfilesPath());
  return structuredClone(cachedDefaults);
}

/** Accepted keys of the object at a path shape (for "did you mean" hints on unknown fields). */
function knownProfileKeys(shape: string): readonly string[] {
  const pick = (schema: z.ZodType): readonly string[] => {
    const inner = schema as unknown as { shape?: Record<string, unknown>; def?: { innerType?: z.ZodType; in?: z.ZodType } };
    if (inner.shape) return Object.keys(inner.shape);
    if (inner.def?.innerType) return pick(inner.def.innerType);
    if (inner.def?.in) return pick(inner.def.in);
    return [];
  };
  if (shape === "") return pick(profilesDocumentSchema);
  if (shape === "serviceTiers") return SERVICE_TIERS;
  if (/^serviceTiers\.\w+$/.test(shape)) return pick(tierBehaviourSchema);
  if (/^regions\.[^.]+$/.test(shape)) return ["ttftMultiplier", "decodeMultiplier"];
  if (shape === "models[]") return pick(modelProfileSchema);
  if (/^models\[\]\.regions\.[^.]+$/.test(shape)) return pick(regionOverrideSchema);
  if (/^models\[\]\.regions\.[^.]+\.quotas$/.test(shape)) return pick(quotaSchema);
  if (shape === "models[].quotas") return pick(quotaSchema);
  if (shape === "models[].latency") return ["standard", "optimized"];
  if (shape === "models[].latency.standard") return pick(latencySchema);
  if (shape === "models[].latency.optimized") return pick(optimizedSchema);
  if (/^models\[\]\.latency\.\w+\.ttft$/.test(shape)) return ["medianMs", "sigma", "prefillMsPerThousandTokens", "cacheReadMsPerThousandTokens"];
  if (/^models\[\]\.latency\.\w+\.decode$/.test(shape)) return ["medianTokensPerSecond", "sigma", "chunkJitterSigma"];
  if (shape === "models[].output") return ["medianTokens", "sigma"];
  if (shape === "models[].chunking") return ["minTokens", "maxTokens"];
  if (shape === "models[].promptCaching") return ["minTokens", "ttlSeconds", "maxCheckpoints"];
  return [];
}
