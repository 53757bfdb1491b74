import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  EXPERIMENT_FIELDS,
  OPEN_LOOP_DEFAULT_CONCURRENCY,
  experimentWithOverrides,
  loadExperiment,
  parseExperiment,
  rawFromExperiment,
  readExperimentFile,
} from "../../lib/inputs/experiment";
import { ExperimentConfigError, formatProblem } from "../../lib/base/input-error";
import { withTempDir } from "../helpers/temp-dir";

function problemsOf(value: unknown): string[] {
  try {
    parseExperiment(value, "exp.json");
  } catch (err) {
    assert.ok(err instanceof ExperimentConfigError);
    return err.problems.map(formatProblem);
  }
  assert.fail("the configuration was accepted");
}

describe("parseExperiment: defaults", () => {
  test("an empty object resolves every field, closed loop at concurrency 1, no retries, HTTP/2", () => {
    const e = parseExperiment({ seed: 7 });
    assert.deepEqual(e, {
      name: "",
      target: "emulator",
      invocationsPerScenario: 1,
      repeats: 1,
      order: "shuffled",
      seed: 7,
      loadModel: "closed",
      concurrency: 1,
      arrivals: null,
      durationSec: null,
      sleepBetweenMs: 0,
      warmupRequests: 0,
      maxAttempts: 1,
      retryMode: "standard",
      firstByteTimeoutMs: 60_000,
      totalTimeoutMs: 600_000,
      httpHandler: "http2",
      maxSockets: null,
      maxCostUsd: null,
      outputDir: "results",
      endpoint: null,
      emulator: {},
    });
    assert.ok(Object.isFrozen(e) && Object.isFrozen(e.emulator));
  });

  test("a seed is drawn when none is given, and recorded", () => {
    const seeds = new Set(Array.from({ length: 5 }, () => parseExperiment({}).seed));
    assert.ok(seeds.size > 1, "seeds are drawn at random");
    for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  });

  test("open loop: arrivals make the run open, cap in-flight requests at a default, constant unless poisson", () => {
    const e = parseExperiment({ arrivals: { ratePerSec: 20 }, seed: 1 });
    assert.equal(e.loadModel, "open");
    assert.equal(e.concurrency, OPEN_LOOP_DEFAULT_CONCURRENCY);
    assert.deepEqual(e.arrivals, { ratePerSec: 20, distribution: "constant" });
    assert.equal(parseExperiment({ arrivals: { ratePerSec: 2, distribution: "poisson" } }).arrivals?.distribution, "poisson");
  });

  test("http1 gets a socket pool at least as large as the concurrency", () => {
    assert.equal(parseExperiment({ httpHandler: "http1", concurrency: 10 }).maxSockets, 50);
    assert.equal(parseExperiment({ httpHandler: "http1", concurrency: 200 }).maxSockets, 200);
    assert.equal(parseExperiment({ httpHandler: "http1", concurrency: 10, maxSockets: 12 }).maxSockets, 12);
  });

  test("a total timeout shorter than a large first-byte timeout is raised to it", () => {
    assert.equal(parseExperiment({ firstByteTimeoutMs: 900_000 }).totalTimeoutMs, 900_000);
  });
});

describe("parseExperiment: invalid and contradictory configurations", () => {
  test("every contradiction is named with the value and what would make sense", () => {
    assert.deepEqual(
      problemsOf({
        arrivals: { ratePerSec: 5 },
        sleepBetweenMs: 10,
        maxSockets: 4,
        httpHandler: "http1",
        concurrency: 8,
        retryMode: "adaptive",
        firstByteTimeoutMs: 5000,
        totalTimeoutMs: 1000,
        target: "aws",
        emulator: {},
      }),
      [
        `exp.json: field 'sleepBetweenMs' is 10 (number); expected no sleep with open-loop "arrivals" (arrivals set the pace; remove one of them)`,
        "exp.json: field 'maxSockets' is 4 (number); expected at least the concurrency (8), or requests would queue behind the socket pool inside the measured latency",
        "exp.json: field 'firstByteTimeoutMs' is 5000 (number); expected at most totalTimeoutMs (1000)",
        `exp.json: field 'retryMode' is "adaptive" (string); expected no retry mode with maxAttempts 1 (no retries); set maxAttempts > 1 to retry`,
        `exp.json: field 'emulator' is {} (object); expected no emulator options with target "aws"`,
      ],
    );
    assert.deepEqual(problemsOf({ maxSockets: 64 }), [
      `exp.json: field 'maxSockets' is 64 (number); expected no socket limit with httpHandler "http2" (it applies to "http1" only)`,
    ]);
    assert.deepEqual(problemsOf({ emulator: { seed: 1 }, endpoint: "http://127.0.0.1:1" }), [
      `exp.json: field 'emulator' is {"seed":1} (object); expected no emulator options with an "endpoint" (the emulator there is already configured)`,
    ]);
  });

  test("bad values and unknown fields, with suggestions", () => {
    assert.deepEqual(problemsOf({ concurency: 3, arrivals: { rate: 3 }, seed: -1, name: "a b", target: "prod", concurrency: 0 }), [
      "exp.json: field 'name' is \"a b\" (string); expected a name of 1–64 letters, digits, '.', '_' or '-'",
      `exp.json: field 'target' is "prod" (string); expected one of "emulator", "aws"`,
      "exp.json: field 'seed' is -1 (number); expected an integer from 0 to 2147483647",
      "exp.json: field 'concurrency' is 0 (number); expected an integer from 1 to 10000",
      "exp.json: field 'arrivals.ratePerSec' is missing; expected a number > 0 and ≤ 100000",
      "exp.json: field 'arrivals.rate' is 3 (number); unknown field, did you mean 'ratePerSec'?; expected one of the known fields (ratePerSec, distribution)",
      `exp.json: field 'concurency' is 3 (number); unknown field, did you mean 'concurrency'?; expected one of the known fields (${EXPERIMENT_FIELDS.join(", ")})`,
    ]);
    assert.deepEqual(problemsOf(null), ["exp.json: the value is null; expected a JSON object"]);
    assert.deepEqual(problemsOf({ endpoint: "localhost:4010", maxCostUsd: -1 }), [
      `exp.json: field 'maxCostUsd' is -1 (number); expected a number of US dollars ≥ 0`,
      `exp.json: field 'endpoint' is "localhost:4010" (string); expected an http(s) URL such as "http://127.0.0.1:4010"`,
    ]);
  });
});

describe("experiment files and overrides", () => {
  test("loadExperiment names the line of a JSON syntax error, and a missing file", async () => {
    await withTempDir((dir) => {
      const path = join(dir, "e.json");
      writeFileSync(path, '{\n  "name": "x",\n  "concurrency": 2\n  "repeats": 1\n}\n');
      assert.throws(() => loadExperiment(path), (err: ExperimentConfigError) => {
        assert.match(formatProblem(err.problems[0]!), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4: expected valid JSON \\(`));
        return true;
      });
      writeFileSync(path, "[1]");
      assert.throws(() => readExperimentFile(path), /expected a JSON object/);
      assert.throws(() => loadExperiment(join(dir, "none.json")), /expected a readable JSON file \(ENOENT\)/);
      writeFileSync(path, '\uFEFF{"name": "bom", "seed": 3}');
      assert.equal(loadExperiment(path).name, "bom");
    });
  });

  test("overrides on the raw file resolve dependent defaults from the merged object", () => {
    const raw = { name: "base", concurrency: undefined, seed: 3 };
    const open = experimentWithOverrides(raw, { arrivals: { ratePerSec: 4 }, name: undefined }, "flags");
    assert.equal(open.name, "base", "undefined overrides are ignored");
    assert.equal(open.concurrency, OPEN_LOOP_DEFAULT_CONCURRENCY);
    assert.throws(() => experimentWithOverrides(raw, { concurrency: -2 }, "exp.json + flags"), /exp\.json \+ flags: field 'concurrency' is -2/);
  });

  test("switching a file made for the emulator to aws (or an endpoint) drops its emulator options; a file saying aws keeps refusing them", () => {
    const raw = { name: "demo", seed: 5, emulator: { seed: 7, timeScale: 0.5 } };
    const aws = experimentWithOverrides(raw, { target: "aws" }, "demo.json + target");
    assert.equal(aws.target, "aws");
    assert.deepEqual(aws.emulator, {});
    assert.equal(aws.seed, 5);
    const endpoint = experimentWithOverrides(raw, { endpoint: "http://127.0.0.1:4010" }, "demo.json + endpoint");
    assert.deepEqual(endpoint.emulator, {});
    assert.equal(endpoint.endpoint, "http://127.0.0.1:4010");
    assert.equal(experimentWithOverrides(raw, {}, "demo.json").emulator?.["seed"], 7, "kept without the switch");
    assert.throws(() => parseExperiment({ ...raw, target: "aws" }, "mixed.json"), /mixed\.json: field 'emulator' .*no emulator options with target "aws"/);
  });

  test("rawFromExperiment reproduces a resolved experiment exactly", () => {
    const configs = [
      { seed: 1 },
      { seed: 2, name: "n", arrivals: { ratePerSec: 3, distribution: "poisson" }, durationSec: 10, maxCostUsd: 1.5 },
      { seed: 3, httpHandler: "http1", concurrency: 80, maxAttempts: 3, retryMode: "adaptive", emulator: { timeScale: 0.1 } },
      { seed: 4, target: "aws", endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com" },
    ];
    for (const c of configs) {
      const e = parseExperiment(c);
      assert.deepEqual(parseExperiment(rawFromExperiment(e)), e);
      assert.deepEqual(experimentWithOverrides(e, {}, "same"), e);
    }
  });
});

describe("parseExperiment: target aws refuses cleartext endpoints (issue 18, defect 5)", () => {
  test("http:// to a remote host is refused on field endpoint, before anything is sent", () => {
    assert.deepEqual(problemsOf({ target: "aws", endpoint: "http://example.com" }), [
      'exp.json: field \'endpoint\' is "http://example.com" (string); expected an https:// endpoint for target "aws" (http:// sends credentials in cleartext; it is allowed only to a loopback host: 127.0.0.0/8, ::1, localhost)',
    ]);
    assert.equal(problemsOf({ target: "aws", endpoint: "http://10.0.0.5:8080/bedrock" }).length, 1);
    assert.throws(() => experimentWithOverrides({ target: "aws" }, { endpoint: "http://bedrock.example.net" }, "flags"), ExperimentConfigError);
  });

  test("https:// anywhere and http:// to a loopback host are accepted", () => {
    for (const endpoint of [
      "https://bedrock-runtime.us-east-1.amazonaws.com",
      "https://vpce-123.bedrock-runtime.us-east-1.vpce.amazonaws.com",
      "http://127.0.0.1:4010",
      "http://127.5.6.7",
      "http://localhost:4010",
      "http://[::1]:4010",
    ]) {
      assert.equal(parseExperiment({ target: "aws", endpoint }).endpoint, endpoint);
    }
    // The emulator target is not concerned: its endpoint is the emulator's.
    assert.equal(parseExperiment({ target: "emulator", endpoint: "http://example.com" }).endpoint, "http://example.com");
  });
});
