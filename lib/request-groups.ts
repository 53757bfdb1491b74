/**
 * Requests grouped for analysis (model × region × served performance config × served tier × concurrency × …),
 * accumulated column by column as records stream in, so a million records never need to exist as objects at once.
 *
 * Latency samples keep only successful, non-warm-up requests; warm-ups, failures and aborts are counted, not measured.
 */
import type { RequestRecord } from "./records";
import { BEDROCK_BENCH_SOURCE } from "./aws-notebook-import";

/** What requests can be grouped by. */
export type GroupDimension =
  | "model"
  | "region"
  | "performanceConfig"
  | "serviceTier"
  | "concurrency"
  | "loadModel"
  | "taskType"
  | "tags"
  | "target"
  | "source"
  | "runId";

export const GROUP_DIMENSIONS: readonly GroupDimension[] = Object.freeze([
  "model",
  "region",
  "performanceConfig",
  "serviceTier",
  "concurrency",
  "loadModel",
  "taskType",
  "tags",
  "target",
  "source",
  "runId",
]);

/** Every dimension but the run: several runs of the same configuration pool their samples. */
export const DEFAULT_GROUP_DIMENSIONS: readonly GroupDimension[] = Object.freeze(GROUP_DIMENSIONS.filter((d) => d !== "runId"));

/** A group's identity. Dimensions not grouped by are "" (or null for concurrency). */
export interface GroupKey {
  model: string;
  region: string;
  /** Served performance config (what was asked when nothing was served, e.g. a failure before the stream). */
  performanceConfig: string;
  /** Served service tier, likewise ("default" when none was asked or served). */
  serviceTier: string;
  concurrency: number | null;
  loadModel: string;
  taskType: string;
  tags: string;
  target: string;
  /** `bedrock-bench` or `aws-notebook`. */
  source: string;
  runId: string;
}

/** One group's counts and samples. Sample columns are aligned: index i is the same successful request everywhere. */
export interface RequestGroup {
  key: GroupKey;
  /** Stable identifier built from the key. */
  id: string;
  /** Short unique label for tables and charts (only the dimensions that vary between groups). */
  label: string;
  runIds: string[];
  /** Performance configs asked for by the group's requests (they may differ from the served one). */
  performanceConfigsAsked: string[];
  serviceTiersAsked: string[];
  /** Non-warm-up requests. */
  requests: number;
  warmups: number;
  successes: number;
  /** Failed requests (status error or timeout). */
  failures: number;
  /** Requests aborted by the user (not counted as failures). */
  aborted: number;
  throttles: number;
  /** Failures by error class (status when no class). */
  failuresByClass: Map<string, number>;
  /** Failures by side: before-stream, mid-stream, client, or "unknown". */
  failuresBySide: Map<string, number>;
  /** Up to five distinct messages per error class, with counts. */
  errorMessages: Map<string, Map<string, number>>;
  retriedRequests: number;
  /** Σ (attempts − 1). */
  retries: number;
  retryDelayMsTotal: number;
  /** Requests whose served performance config differs from the one asked (both known), e.g. optimized → standard. */
  performanceConfigFallbacks: number;
  /** Requests whose served tier differs from the one asked (both known). */
  serviceTierFallbacks: number;
  /** Non-warm-up requests whose served performance config is known, by `asked→served` (e.g. `optimized→standard`). */
  performanceConfigTransitions: Map<string, number>;
  /** Likewise for service tiers (asked "" counts as `default`). */
  serviceTierTransitions: Map<string, number>;
  /** Cost of non-warm-up requests with a known cost. */
  costUsdTotal: number;
  /** Non-warm-up requests with a cost. */
  costedRequests: number;
  warmupCostUsd: number;
  /** Warm-up requests with a cost. */
  warmupCostedRequests: number;
  /** Tokens of successful non-warm-up requests. */
  inputTokensTotal: number;
  outputTokensTotal: number;
  cacheReadInputTokensTotal: number;
  cacheWriteInputTokensTotal: number;
  /** Σ over runs of (last completion − first send) of non-warm-up, non-aborted requests, monotonic ms. */
  windowMs: number;
  /** Successful non-warm-up requests, aligned; NaN where the record had no value. */
  samples: {
    ttftMs: Float64Array;
    totalMs: Float64Array;
    outputTokensPerSecond: Float64Array;
    outputTokensPerSecondE2E: Float64Array;
    interTokenLatencyMs: Float64Array;
    serverLatencyMs: Float64Array;
    inputTokens: Float64Array;
    outputTokens: Float64Array;
    queueWaitMs: Float64Array;
    scheduleLagMs: Float64Array;
    /** Wall-clock send time, epoch ms. */
    startEpochMs: Float64Array;
  };
  /** Failed non-warm-up requests, aligned. */
  failed: {
    startEpochMs: Float64Array;
    totalMs: Float64Array;
    errorClass: string[];
  };
}

/** A Float64Array that grows by doubling. */
class Column {
  private data = new Float64Array(16);
  length = 0;
  push(value: number | null): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value === null ? Number.NaN : value;
  }
  values(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

const MESSAGES_PER_CLASS = 5;

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

class GroupAccumulator {
  readonly runIds = new Set<string>();
  readonly configsAsked = new Set<string>();
  readonly tiersAsked = new Set<string>();
  readonly windows = new Map<string, { start: number; end: number }>();
  requests = 0;
  warmups = 0;
  successes = 0;
  failures = 0;
  aborted = 0;
  throttles = 0;
  readonly failuresByClass = new Map<string, number>();
  readonly failuresBySide = new Map<string, number>();
  readonly errorMessages = new Map<string, Map<string, number>>();
  retriedRequests = 0;
  retries = 0;
  retryDelayMsTotal = 0;
  performanceConfigFallbacks = 0;
  serviceTierFallbacks = 0;
  readonly configTransitions = new Map<string, number>();
  readonly tierTransitions = new Map<string, number>();
  costUsdTotal = 0;
  costedRequests = 0;
  warmupCostUsd = 0;
  warmupCostedRequests = 0;
  inputTokensTotal = 0;
  outputTokensTotal = 0;
  cacheReadInputTokensTotal = 0;
  cacheWriteInputTokensTotal = 0;
  readonly ttftMs = new Column();
  readonly totalMs = new Column();
  readonly decode = new Column();
  readonly e2e = new Column();
  readonly itl = new Column();
  readonly server = new Column();
  readonly inputTokens = new Column();
  readonly outputTokens = new Column();
  readonly queueWait = new Column();
  readonly scheduleLag = new Column();
  readonly start = new Column();
  readonly failedStart = new Column();
  readonly failedTotal = new Column();
  readonly failedClass: string[] = [];

  constructor(
    readonly key: GroupKey,
    readonly id: string,
  ) {}

  add(r: RequestRecord): void {
    this.runIds.add(r.runId);
    if (r.warmup) {
      this.warmups++;
      if (r.costUsd !== null) {
        this.warmupCostUsd += r.costUsd;
        this.warmupCostedRequests++;
      }
      return;
    }
    this.requests++;
    this.configsAsked.add(r.performanceConfigAsked || "standard");
    this.tiersAsked.add(r.serviceTierAsked || "default");
    if (r.performanceConfigServed !== "" && r.performanceConfigAsked !== "" && r.performanceConfigServed !== r.performanceConfigAsked) {
      this.performanceConfigFallbacks++;
    }
    if (r.serviceTierServed !== "" && r.serviceTierAsked !== "" && r.serviceTierServed !== r.serviceTierAsked) this.serviceTierFallbacks++;
    if (r.performanceConfigServed !== "") increment(this.configTransitions, `${r.performanceConfigAsked || "standard"}→${r.performanceConfigServed}`);
    if (r.serviceTierServed !== "") increment(this.tierTransitions, `${r.serviceTierAsked || "default"}→${r.serviceTierServed}`);
    if (r.attempts > 1) {
      this.retriedRequests++;
      this.retries += r.attempts - 1;
    }
    this.retryDelayMsTotal += r.retryDelayMs;
    if (r.costUsd !== null) {
      this.costUsdTotal += r.costUsd;
      this.costedRequests++;
    }
    if (r.status === "aborted") {
      this.aborted++;
      return;
    }
    const end = r.sendOffsetMs + (r.totalMs ?? 0);
    const window = this.windows.get(r.runId);
    if (window) {
      if (r.sendOffsetMs < window.start) window.start = r.sendOffsetMs;
      if (end > window.end) window.end = end;
    } else {
      this.windows.set(r.runId, { start: r.sendOffsetMs, end });
    }
    const startEpochMs = Date.parse(r.startTimeIso);
    if (r.status === "success") {
      this.successes++;
      this.inputTokensTotal += r.inputTokens ?? 0;
      this.outputTokensTotal += r.outputTokens ?? 0;
      this.cacheReadInputTokensTotal += r.cacheReadInputTokens ?? 0;
      this.cacheWriteInputTokensTotal += r.cacheWriteInputTokens ?? 0;
      this.ttftMs.push(r.ttftMs);
      this.totalMs.push(r.totalMs);
      this.decode.push(r.outputTokensPerSecond);
      this.e2e.push(r.outputTokensPerSecondE2E);
      this.itl.push(r.interTokenLatencyMs);
      this.server.push(r.serverLatencyMs);
      this.inputTokens.push(r.inputTokens);
      this.outputTokens.push(r.outputTokens);
      this.queueWait.push(r.queueWaitMs);
      this.scheduleLag.push(r.scheduleLagMs);
      this.start.push(startEpochMs);
      return;
    }
    this.failures++;
    const errorClass = r.errorClass || r.status;
    if (errorClass === "ThrottlingException") this.throttles++;
    increment(this.failuresByClass, errorClass);
    increment(this.failuresBySide, r.faultSide || "unknown");
    let messages = this.errorMessages.get(errorClass);
    if (!messages) this.errorMessages.set(errorClass, (messages = new Map()));
    if (messages.has(r.errorMessage) || messages.size < MESSAGES_PER_CLASS) increment(messages, r.errorMessage);
    this.failedStart.push(startEpochMs);
    this.failedTotal.push(r.totalMs);
    this.failedClass.push(errorClass);
  }

  finish(label: string): RequestGroup {
    let windowMs = 0;
    for (const w of this.windows.values()) windowMs += Math.max(0, w.end - w.start);
    return {
      key: this.key,
      id: this.id,
      label,
      runIds: [...this.runIds].sort(),
      performanceConfigsAsked: [...this.configsAsked].sort(),
      serviceTiersAsked: [...this.tiersAsked].sort(),
      requests: this.requests,
      warmups: this.warmups,
      successes: this.successes,
      failures: this.failures,
      aborted: this.aborted,
      throttles: this.throttles,
      failuresByClass: this.failuresByClass,
      failuresBySide: this.failuresBySide,
      errorMessages: this.errorMessages,
      retriedRequests: this.retriedRequests,
      retries: this.retries,
      retryDelayMsTotal: this.retryDelayMsTotal,
      performanceConfigFallbacks: this.performanceConfigFallbacks,
      serviceTierFallbacks: this.serviceTierFallbacks,
      performanceConfigTransitions: this.configTransitions,
      serviceTierTransitions: this.tierTransitions,
      costUsdTotal: this.costUsdTotal,
      costedRequests: this.costedRequests,
      warmupCostUsd: this.warmupCostUsd,
      warmupCostedRequests: this.warmupCostedRequests,
      inputTokensTotal: this.inputTokensTotal,
      outputTokensTotal: this.outputTokensTotal,
      cacheReadInputTokensTotal: this.cacheReadInputTokensTotal,
      cacheWriteInputTokensTotal: this.cacheWriteInputTokensTotal,
      windowMs,
      samples: {
        ttftMs: this.ttftMs.values(),
        totalMs: this.totalMs.values(),
        outputTokensPerSecond: this.decode.values(),
        outputTokensPerSecondE2E: this.e2e.values(),
        interTokenLatencyMs: this.itl.values(),
        serverLatencyMs: this.server.values(),
        inputTokens: this.inputTokens.values(),
        outputTokens: this.outputTokens.values(),
        queueWaitMs: this.queueWait.values(),
        scheduleLagMs: this.scheduleLag.values(),
        startEpochMs: this.start.values(),
      },
      failed: { startEpochMs: this.failedStart.values(), totalMs: this.failedTotal.values(), errorClass: this.failedClass },
    };
  }
}

/** A model ID without ARN, geography prefix (us., eu., apac., global.) or provider: `claude-3-5-haiku-20241022-v1:0`. */
export function shortModelName(modelId: string): string {
  const lastSegment = modelId.includes("/") ? modelId.slice(modelId.lastIndexOf("/") + 1) : modelId;
  const parts = lastSegment.split(".");
  if (parts.length > 1 && /^(us|eu|apac|global|us-gov|ca|jp|au)$/.test(parts[0]!)) parts.shift();
  if (parts.length > 1) parts.shift();
  return parts.join(".") || modelId;
}

const CONFIG_ORDER = ["standard", "optimized"];
const TIER_ORDER = ["default", "priority", "flex"];

function orderOf(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i === -1 ? order.length : i;
}

/** Orders groups by model, region, config (standard first), tier, concurrency, then the rest. */
export function compareGroupKeys(a: GroupKey, b: GroupKey): number {
  return (
    a.model.localeCompare(b.model) ||
    a.region.localeCompare(b.region) ||
    orderOf(CONFIG_ORDER, a.performanceConfig) - orderOf(CONFIG_ORDER, b.performanceConfig) ||
    a.performanceConfig.localeCompare(b.performanceConfig) ||
    orderOf(TIER_ORDER, a.serviceTier) - orderOf(TIER_ORDER, b.serviceTier) ||
    a.serviceTier.localeCompare(b.serviceTier) ||
    (a.concurrency ?? -1) - (b.concurrency ?? -1) ||
    a.loadModel.localeCompare(b.loadModel) ||
    a.taskType.localeCompare(b.taskType) ||
    a.tags.localeCompare(b.tags) ||
    a.target.localeCompare(b.target) ||
    a.source.localeCompare(b.source) ||
    a.runId.localeCompare(b.runId)
  );
}

function labelPart(dimension: GroupDimension, key: GroupKey, shortNames: boolean): string {
  switch (dimension) {
    case "model":
      return shortNames ? shortModelName(key.model) : key.model;
    case "concurrency":
      return key.concurrency === 0 ? "c=n/a" : `c=${String(key.concurrency)}`;
    case "serviceTier":
      return `tier ${key.serviceTier}`;
    case "tags":
      return key.tags === "" ? "no tags" : `tags ${key.tags}`;
    case "taskType":
      return key.taskType === "" ? "no task type" : key.taskType;
    default:
      return String(key[dimension]);
  }
}

/** Labels made of the dimensions that vary between groups; model IDs shortened unless that makes two labels equal. */
function labelGroups(keys: readonly GroupKey[], dimensions: readonly GroupDimension[]): string[] {
  const varying = dimensions.filter((d) => new Set(keys.map((k) => String(k[d]))).size > 1);
  if (!varying.includes("model") && dimensions.includes("model")) varying.unshift("model");
  if (!varying.includes("performanceConfig") && dimensions.includes("performanceConfig")) varying.splice(1, 0, "performanceConfig");
  const make = (short: boolean) => keys.map((k) => varying.map((d) => labelPart(d, k, short)).join(" · ") || "all requests");
  const short = make(true);
  return new Set(short).size === short.length ? short : make(false);
}

/** Collects records into groups. */
export class RequestGroupsBuilder {
  private readonly groups = new Map<string, GroupAccumulator>();
  private readonly dimensions: ReadonlySet<GroupDimension>;
  private readonly dimensionList: readonly GroupDimension[];

  constructor(dimensions: readonly GroupDimension[] = DEFAULT_GROUP_DIMENSIONS) {
    for (const d of dimensions) {
      if (!GROUP_DIMENSIONS.includes(d)) {
        throw new RangeError(`Unknown group dimension '${String(d)}'; expected one of ${GROUP_DIMENSIONS.join(", ")}`);
      }
    }
    this.dimensions = new Set(dimensions);
    this.dimensionList = GROUP_DIMENSIONS.filter((d) => this.dimensions.has(d));
  }

  /** Adds one record; `source` is where it came from ({@link BEDROCK_BENCH_SOURCE} by default). */
  add(record: RequestRecord, source: string = BEDROCK_BENCH_SOURCE): void {
    const d = this.dimensions;
    const key: GroupKey = {
      model: d.has("model") ? record.modelId : "",
      region: d.has("region") ? record.region : "",
      performanceConfig: d.has("performanceConfig") ? record.performanceConfigServed || record.performanceConfigAsked || "standard" : "",
      serviceTier: d.has("serviceTier") ? record.serviceTierServed || record.serviceTierAsked || "default" : "",
      concurrency: d.has("concurrency") ? record.concurrency : null,
      loadModel: d.has("loadModel") ? record.loadModel : "",
      taskType: d.has("taskType") ? record.taskType : "",
      tags: d.has("tags") ? record.tags : "",
      target: d.has("target") ? record.target : "",
      source: d.has("source") ? source : "",
      runId: d.has("runId") ? record.runId : "",
    };
    const id = JSON.stringify([
      key.model,
      key.region,
      key.performanceConfig,
      key.serviceTier,
      key.concurrency,
      key.loadModel,
      key.taskType,
      key.tags,
      key.target,
      key.source,
      key.runId,
    ]);
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = new GroupAccumulator(key, id)));
    group.add(record);
  }

  /** The groups, ordered and labelled. */
  build(): RequestGroup[] {
    const accumulators = [...this.groups.values()].sort((a, b) => compareGroupKeys(a.key, b.key));
    const labels = labelGroups(
      accumulators.map((a) => a.key),
      this.dimensionList,
    );
    return accumulators.map((a, i) => a.finish(labels[i]!));
  }
}

/** Groups records in one go (see {@link RequestGroupsBuilder}). */
export function groupRecords(
  records: Iterable<RequestRecord>,
  options: { dimensions?: readonly GroupDimension[]; sourceOf?: (record: RequestRecord) => string } = {},
): RequestGroup[] {
  const builder = new RequestGroupsBuilder(options.dimensions);
  for (const r of records) builder.add(r, options.sourceOf?.(r) ?? BEDROCK_BENCH_SOURCE);
  return builder.build();
}
