import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

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
  quotaBurstSeconds: positive,
  models: z.array(modelProfileSchema).min(1),
});

export type LatencyProfile = z.infer<typeof latencySchema>;
export type OptimizedLatencyProfile = z.infer<typeof optimizedSchema>;
export type QuotaProfile = z.infer<typeof quotaSchema>;
export type ModelProfile = z.infer<typeof modelProfileSchema>;
export type TierBehaviour = z.infer<typeof tierBehaviourSchema>;
export type ProfilesDocument = z.infer<typeof profilesDocumentSchema>;

/** A profiles file that does not parse or validate; the message names the file and every bad field. */
export class ProfilesError extends Error {
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
  throw new ProfilesError(`cannot find datasets/${DEFAULT_PROFILES_FILENAME} above ${__dirname}`);
}

/** Validates a parsed document; `source` names it in errors. Checks cross-field rules zod cannot express alone. */
export function parseProfiles(value: unknown, source: string): ProfilesDocument {
  const result = profilesDocumentSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      const got = describeValue(valueAt(value, issue.path));
      return `  ${path || "(document)"}: ${issue.message}${got === undefined ? "" : ` (got ${got})`}`;
    });
    throw new ProfilesError(`${source}: invalid emulator profiles:\n${lines.join("\n")}`);
  }
  const doc = result.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  doc.models.forEach((model, i) => {
    const at = `models[${i}] (${model.modelId})`;
    if (seen.has(model.modelId)) problems.push(`  ${at}.modelId: duplicate model ID`);
    seen.add(model.modelId);
    if (model.defaultMaxTokens > model.maxOutputTokens) {
      problems.push(`  ${at}.defaultMaxTokens: ${model.defaultMaxTokens} exceeds maxOutputTokens ${model.maxOutputTokens}`);
    }
    if (model.onDemandRegions.length === 0 && model.inferenceProfiles.length === 0) {
      problems.push(`  ${at}: neither onDemandRegions nor inferenceProfiles is set, so the model could never be invoked`);
    }
    for (const region of model.onDemandRegions) {
      if (!(region in model.regions)) problems.push(`  ${at}.onDemandRegions: ${region} is not one of the model's regions`);
    }
    for (const region of Object.keys(model.regions)) {
      if (!(region in doc.regions)) problems.push(`  ${at}.regions.${region}: region is not listed in the top-level "regions"`);
    }
    for (const region of model.latency.optimized?.regions ?? []) {
      if (!(region in model.regions)) problems.push(`  ${at}.latency.optimized.regions: ${region} is not one of the model's regions`);
    }
  });
  if (problems.length > 0) throw new ProfilesError(`${source}: invalid emulator profiles:\n${problems.join("\n")}`);
  return doc;
}

/** Reads and validates a profiles file. */
export function loadProfiles(file: string): ProfilesDocument {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ProfilesError(`${path}: cannot read emulator profiles: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProfilesError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  return parseProfiles(value, path);
}

let cachedDefaults: ProfilesDocument | undefined;

/** The shipped default profiles (a fresh deep copy each call, so callers may modify it). */
export function loadDefaultProfiles(): ProfilesDocument {
  cachedDefaults ??= loadProfiles(defaultProfilesPath());
  return structuredClone(cachedDefaults);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value !== null && typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${JSON.stringify(value)} (${value === null ? "null" : typeof value})`;
}
