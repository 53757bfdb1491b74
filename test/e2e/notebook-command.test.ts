// `bedrock-bench notebook`: any notebook headless with a params file, exported to HTML; its errors and exit codes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveNotebook } from "../../lib/cli/notebook-command";
import { CliError } from "../../lib/cli/cli-error";
import { runCli } from "../helpers/cli";
import { withTempDir } from "../helpers/temp-dir";

const ROOT = join(__dirname, "..", "..");

describe("bedrock-bench notebook", () => {
  test("--help names the argument, every option, examples and the exit codes", async () => {
    const r = await runCli(["notebook", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["<notebook>", "--params <file>", "--out <dir>", "--timeout <sec>", "--verbose", "--json", "--no-color"]) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
    assert.match(r.stdout, /BB_PARAM_<NAME>/);
    assert.match(r.stdout, /Exit codes: 0 every cell ran; 2 bad input .*; 1 a cell failed/);
  });

  test("a notebook is found by name, file name or path; anything else is a usage error", () => {
    const expected = join(ROOT, "notebooks", "00_environment_check.ipynb");
    assert.equal(resolveNotebook("00_environment_check", ROOT), expected);
    assert.equal(resolveNotebook("00_environment_check.ipynb", ROOT), expected);
    assert.equal(resolveNotebook(expected, ROOT), expected);
    assert.throws(() => resolveNotebook("99_missing", ROOT), (err: unknown) => err instanceof CliError && err.exitCode === 2 && /no notebook '99_missing'/.test(err.message));
  });

  test("runs a notebook and prints the HTML it wrote (--json)", async () => {
    await withTempDir(async (dir) => {
      const r = await runCli(["notebook", "00_environment_check", "--out", dir, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { notebook: string; html: string };
      assert.equal(out.notebook, join(ROOT, "notebooks", "00_environment_check.ipynb"));
      assert.match(out.html, /00_environment_check_\d{8}_\d{6}\.html$/);
      assert.ok(existsSync(out.html));
    });
  });

  test("a wrong parameter fails the first cell: exit 1, the parameter named, the partial notebook kept", async () => {
    await withTempDir(async (dir) => {
      const params = join(dir, "params.json");
      writeFileSync(params, JSON.stringify({ minSamples: "many" }));
      const r = await runCli(["notebook", "02_analyze_results", "--params", params, "--out", dir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^bedrock-bench: Notebook 02_analyze_results\.ipynb failed/m);
      assert.match(r.stderr, /parameter 'minSamples' is "many" \(string\); expected a number/);
      assert.ok(readdirSync(dir).some((f) => /^02_analyze_results_\d{8}_\d{6}_FAILED\.html$/.test(f)), readdirSync(dir).join(", "));
    });
  });

  test("unreadable parameters exit 2 before Jupyter starts", async () => {
    await withTempDir(async (dir) => {
      const params = join(dir, "params.json");
      writeFileSync(params, "[1, 2]");
      const r = await runCli(["notebook", "02_analyze_results", "--params", params, "--out", dir]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `bedrock-bench: ${params}: expected a JSON object of parameters\n`);
      assert.deepEqual(readdirSync(dir), ["params.json"]);
    });
  });
});
