/**
 * Requests grouped for analysis (model × region × served performance config × served tier × concurrency × …),
 * accumulated column by column as records stream in, so a million records never need to exist as objects at once.
 *
 * Latency samples keep only successful, non-warm-up requests; warm-ups, failures and aborts are counted, not measured
 * (warm-ups join the requests when grouped with `includeWarmup`; "non-warm-up" below then means "every").
 */
import { type RequestRecord, isServiceError, isThrottle } from "../records/request-record";
import { sortedFinite } from "./stats";
import { BEDROCK_BENCH_SOURCE } from "../records/aws-notebook-import";

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

/**
 * The default grouping: what an experiment varies (model, region, served performance config and tier, concurrency,
 * load model: closed or open loop), the scenario tags, and where the numbers come from (target, source). Dimensions
 * with a single value in the data change nothing. Task type and run are opt-in: the AWS notebook's summary pools task
 * types, and several runs of the same configuration pool their samples.
 */
export const DEFAULT_GROUP_DIMENSIONS: readonly GroupDimension[] = Object.freeze(GROUP_DIMENSIONS.filter((d) => d !== "taskType" && d !== "runId"));

/** How records are counted into groups. */
export interface GroupingOptions {
  /**
   * Treat warm-up requests as ordinary requests in every statistic (default false: they are counted in
   * `warmups` and their cost in `warmupCostUsd`, nothing else).
   */
  includeWarmup?: boolean;
}

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
  /** Task types of the group's requests (one when grouped by task type), sorted. */
  taskTypes: string[];
  /** Distinct tag sets of the group's requests (each joined with `;`; one when grouped by tags), sorted. */
  tagSets: string[];
  /** Performance configs asked for by the group's requests (they may differ from the served one). */
  performanceConfigsAsked: string[];
  serviceTiersAsked: string[];
  /** Non-warm-up requests (every request with `includeWarmup`). */
  requests: number;
  /** Warm-up requests seen (included in `requests` and the statistics only with `includeWarmup`). */
  warmups: number;
  successes: number;
  /** Failed requests (status error or timeout). */
  failures: number;
  /** Requests aborted by the user (not counted as failures). */
  aborted: number;
  throttles: number;
  /** Failures with status `timeout` (the client's timeout fired). */
  timeouts: number;
  /** Service-side failures other than throttles: 5xx responses and in-stream exceptions (`isServiceError`). */
  serviceErrors: number;
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

/** A sample column of a group (`ttftMs`, `totalMs`, …). */
export type SampleMetric = keyof RequestGroup["samples"];

const sortedColumns = new WeakMap<Float64Array, Float64Array>();

/**
 * The finite values of one of a group's sample columns, sorted ascending. Sorted once and cached (a group's columns
 * never change once built), so the summary, the comparisons and the charts share one sort. Do not modify the result.
 */
export function sortedSample(group: RequestGroup, metric: SampleMetric): Float64Array {
  const column = group.samples[metric];
  let sorted = sortedColumns.get(column);
  if (!sorted) sortedColumns.set(column, (sorted = sortedFinite(column)));
  return sorted;
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


/**
 * Strings the groups keep (keys, error classes, run ids), each stored once as its own flat copy. A CSV parser's cells
 * are slices of the chunk of text they were read from; keeping one slice keeps its whole chunk alive, and a million-row
 * file would stay in memory through the few cells kept from each chunk.
 */
class StringPool {
  private readonly pool = new Map<string, string>();
  own(value: string): string {
    let owned = this.pool.get(value);
    if (owned === undefined) {
      owned = JSON.parse(JSON.stringify(value)) as string; // a new, unshared string
      this.pool.set(owned, owned);
    }
    return owned;
  }
}

function increment(map: Map<string, number>, key: string, pool: StringPool): void {
  const count = map.get(key);
  if (count === undefined) map.set(pool.own(key), 1);
  else map.set(key, count + 1);
}

function addOwned(set: Set<string>, value: string, pool: StringPool): void {
  if (!set.has(value)) set.add(pool.own(value));
}

/** `asked → served → count`, counted without building a string per request. */
class Transitions {
  private readonly byAsked = new Map<string, Map<string, number>>();
  add(asked: string, served: string, pool: StringPool): void {
    let byServed = this.byAsked.get(asked);
    if (!byServed) this.byAsked.set(pool.own(asked), (byServed = new Map()));
    increment(byServed, served, pool);
  }
  /** As `asked→served` keys. */
  toMap(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [asked, byServed] of this.byAsked) for (const [served, n] of byServed) out.set(`${asked}→${served}`, n);
    return out;
  }
}

class GroupAccumulator {
  readonly runIds = new Set<string>();
  readonly taskTypes = new Set<string>();
  readonly tagSets = new Set<string>();
  readonly configsAsked = new Set<string>();
  readonly tiersAsked = new Set<string>();
  readonly windows = new Map<string, { start: number; end: number }>();
  requests = 0;
  warmups = 0;
  successes = 0;
  failures = 0;
  aborted = 0;
  throttles = 0;
  timeouts = 0;
  serviceErrors = 0;
  readonly failuresByClass = new Map<string, number>();
  readonly failuresBySide = new Map<string, number>();
  readonly errorMessages = new Map<string, Map<string, number>>();
  retriedRequests = 0;
  retries = 0;
  retryDelayMsTotal = 0;
  performanceConfigFallbacks = 0;
  serviceTierFallbacks = 0;
  readonly configTransitions = new Transitions();
  readonly tierTransitions = new Transitions();
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
    private readonly includeWarmup: boolean,
    private readonly pool: StringPool,
  ) {}

  add(r: RequestRecord): void {
    const pool = this.pool;
    addOwned(this.runIds, r.runId, pool);
    if (r.warmup) {
      this.warmups++;
      if (r.costUsd !== null) {
        this.warmupCostUsd += r.costUsd;
        this.warmupCostedRequests++;
      }
      if (!this.includeWarmup) return;
    }
    this.requests++;
    addOwned(this.taskTypes, r.taskType, pool);
    addOwned(this.tagSets, r.tags, pool);
    addOwned(this.configsAsked, r.performanceConfigAsked || "standard", pool);
    addOwned(this.tiersAsked, r.serviceTierAsked || "default", pool);
    if (r.performanceConfigServed !== "" && r.performanceConfigAsked !== "" && r.performanceConfigServed !== r.performanceConfigAsked) {
      this.performanceConfigFallbacks++;
    }
    if (r.serviceTierServed !== "" && r.serviceTierAsked !== "" && r.serviceTierServed !== r.serviceTierAsked) this.serviceTierFallbacks++;
    if (r.performanceConfigServed !== "") this.configTransitions.add(r.performanceConfigAsked || "standard", r.performanceConfigServed, pool);
    if (r.serviceTierServed !== "") this.tierTransitions.add(r.serviceTierAsked || "default", r.serviceTierServed, pool);
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
      this.windows.set(pool.own(r.runId), { start: r.sendOffsetMs, end });
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
    const errorClass = pool.own(r.errorClass || r.status);
    if (isThrottle(errorClass, r.httpStatus)) this.throttles++;
    if (r.status === "timeout") this.timeouts++;
    if (isServiceError(r.status, errorClass, r.faultSide, r.httpStatus)) this.serviceErrors++;
    increment(this.failuresByClass, errorClass, pool);
    increment(this.failuresBySide, r.faultSide || "unknown", pool);
    let messages = this.errorMessages.get(errorClass);
    if (!messages) this.errorMessages.set(errorClass, (messages = new Map()));
    if (messages.has(r.errorMessage) || messages.size < MESSAGES_PER_CLASS) increment(messages, r.errorMessage, pool);
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
      taskTypes: [...this.taskTypes].sort(),
      tagSets: [...this.tagSets].sort(),
      performanceConfigsAsked: [...this.configsAsked].sort(),
      serviceTiersAsked: [...this.tiersAsked].sort(),
      requests: this.requests,
      warmups: this.warmups,
      successes: this.successes,
      failures: this.failures,
      aborted: this.aborted,
      throttles: this.throttles,
      timeouts: this.timeouts,
      serviceErrors: this.serviceErrors,
      failuresByClass: this.failuresByClass,
      failuresBySide: this.failuresBySide,
      errorMessages: this.errorMessages,
      retriedRequests: this.retriedRequests,
      retries: this.retries,
      retryDelayMsTotal: this.retryDelayMsTotal,
      performanceConfigFallbacks: this.performanceConfigFallbacks,
      serviceTierFallbacks: this.serviceTierFallbacks,
      performanceConfigTransitions: this.configTransitions.toMap(),
      serviceTierTransitions: this.tierTransitions.toMap(),
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
  private readonly includeWarmup: boolean;
  private readonly pool = new StringPool();

  constructor(dimensions: readonly GroupDimension[] = DEFAULT_GROUP_DIMENSIONS, options: GroupingOptions = {}) {
    this.includeWarmup = options.includeWarmup ?? false;
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
    const model = d.has("model") ? record.modelId : "";
    const region = d.has("region") ? record.region : "";
    const performanceConfig = d.has("performanceConfig") ? record.performanceConfigServed || record.performanceConfigAsked || "standard" : "";
    const serviceTier = d.has("serviceTier") ? record.serviceTierServed || record.serviceTierAsked || "default" : "";
    const concurrency = d.has("concurrency") ? record.concurrency : null;
    const loadModel = d.has("loadModel") ? record.loadModel : "";
    const taskType = d.has("taskType") ? record.taskType : "";
    const tags = d.has("tags") ? record.tags : "";
    const target = d.has("target") ? record.target : "";
    const from = d.has("source") ? source : "";
    const runId = d.has("runId") ? record.runId : "";
    // The lookup key: one concatenation per record (the JSON id is built once per group).
    const lookup =
      `${model}\u001f${region}\u001f${performanceConfig}\u001f${serviceTier}\u001f${concurrency ?? ""}\u001f${loadModel}` +
      `\u001f${taskType}\u001f${tags}\u001f${target}\u001f${from}\u001f${runId}`;
    let group = this.groups.get(lookup);
    if (!group) {
      const own = (value: string) => this.pool.own(value);
      const key: GroupKey = {
        model: own(model),
        region: own(region),
        performanceConfig: own(performanceConfig),
        serviceTier: own(serviceTier),
        concurrency,
        loadModel: own(loadModel),
        taskType: own(taskType),
        tags: own(tags),
        target: own(target),
        source: own(from),
        runId: own(runId),
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
      group = new GroupAccumulator(key, id, this.includeWarmup, this.pool);
      this.groups.set(this.pool.own(lookup), group);
    }
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
  options: GroupingOptions & { dimensions?: readonly GroupDimension[]; sourceOf?: (record: RequestRecord) => string } = {},
): RequestGroup[] {
  const builder = new RequestGroupsBuilder(options.dimensions, options);
  for (const r of records) builder.add(r, options.sourceOf?.(r) ?? BEDROCK_BENCH_SOURCE);
  return builder.build();
}
