/**
 * The architecture of ARCHITECTURE.md, checked: the layer rule of eslint.config.mjs rejects every wrong-way import and
 * accepts every allowed one, lib/ holds nothing but its layers and the public API, and the public API is a list of
 * names (no `export *`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";

const ROOT = join(__dirname, "..", "..");
const LIB = join(ROOT, "lib");

async function layers(): Promise<Record<string, string[]>> {
  const config = (await import(pathToFileURL(join(ROOT, "eslint.config.mjs")).href)) as { LAYERS: Record<string, string[]> };
  return config.LAYERS;
}

/** A real module of each layer folder, to import in a probe (the resolver needs a file that exists). */
function moduleOf(layer: string): string {
  if (layer === "api") return "index";
  const file = readdirSync(join(LIB, layer)).filter((f) => f.endsWith(".ts")).sort()[0];
  assert.ok(file, `lib/${layer}/ holds at least one module`);
  return `${layer}/${file.replace(/\.ts$/, "")}`;
}

test("the layer rule rejects each wrong-way import and accepts each allowed one", async () => {
  const allowed = await layers();
  const names = Object.keys(allowed);
  assert.deepEqual(names, ["base", "records", "emulator", "inputs", "engine", "analysis", "report", "app", "notebook", "cli", "api"]);
  // Only the layer rule, without type information: probes are files that do not exist (the rule classifies by path).
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      languageOptions: { parserOptions: { project: null, projectService: false } },
      rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off" },
    },
  });
  for (const from of names) {
    const probe = from === "api" ? join(LIB, "index.ts") : join(LIB, from, "layer-probe.ts");
    const prefix = from === "api" ? "./" : "../";
    const targets = names.filter((to) => to !== from && to !== "api");
    // One probe per layer: line i + 1 imports targets[i].
    const text = targets.map((to) => `import "${prefix}${moduleOf(to)}";`).join("\n") + "\n";
    const [result] = await eslint.lintText(text, { filePath: probe });
    const rejected = new Set(
      result!.messages.filter((m) => m.ruleId === "boundaries/dependencies").map((m) => targets[m.line - 1]),
    );
    const expected = new Set(targets.filter((to) => !allowed[from]!.includes(to)));
    assert.deepEqual([...rejected].sort(), [...expected].sort(), `imports rejected from lib/${from === "api" ? "index.ts" : from}`);
    if (expected.size > 0) {
      const message = result!.messages.find((m) => m.ruleId === "boundaries/dependencies")!.message;
      assert.match(message, new RegExp(`from elements of type "${from}" to elements of type "`));
    }
  }
});

test("the lowest layers import no other layer, and nothing imports the command line or the notebook views but the API", async () => {
  const allowed = await layers();
  assert.deepEqual(allowed["base"], []);
  for (const [layer, deps] of Object.entries(allowed)) {
    if (layer !== "api") assert.ok(!deps.includes("cli") && !deps.includes("api"), `${layer} may not import cli or api`);
    if (layer !== "api") assert.ok(!deps.includes("notebook"), `${layer} may not import the notebook views`);
  }
  assert.ok(!allowed["analysis"]!.includes("report"), "analysis returns numbers: it may not import the report layer");
  assert.ok(!allowed["engine"]!.includes("analysis"), "the engine records; it does not analyse");
});

test("lib/ holds the layer folders, the public API and the package files, nothing else", async () => {
  const allowed = await layers();
  const folders = Object.keys(allowed).filter((l) => l !== "api");
  const expected = new Set([...folders, "index.ts", "package.json", "bin", "dist", "node_modules"]);
  const extra = readdirSync(LIB).filter((e) => !expected.has(e));
  assert.deepEqual(extra, []);
  for (const folder of folders) assert.ok(statSync(join(LIB, folder)).isDirectory(), `lib/${folder}/`);
});

test("the public API lists its names: no `export *` in lib/index.ts", () => {
  const index = readFileSync(join(LIB, "index.ts"), "utf8");
  assert.doesNotMatch(index, /export \*/);
  assert.match(index, /export \{[^}]*\brunExperiment\b/);
  assert.match(index, /export \{[^}]*\banalyzeResults\b/);
});

/** Names lib/index.ts exports, read from its `export { … }` lists. */
function publicNames(): Set<string> {
  const index = readFileSync(join(LIB, "index.ts"), "utf8");
  const names = new Set<string>();
  for (const m of index.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()!.trim();
      if (name !== "") names.add(name);
    }
  }
  return names;
}

/** Names imported from "bedrock-bench" in a text (README code blocks, notebook cells). */
function importedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*\\?"bedrock-bench\\?"/g)) {
    for (const part of m[1]!.replace(/\\n/g, " ").split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.push(name); // not the prose's "import { … }"
    }
  }
  return names;
}

test("every name the README and the notebooks import from bedrock-bench is in the public API", () => {
  const exported = publicNames();
  assert.ok(exported.size > 50, `read ${exported.size} names from lib/index.ts`);
  const sources = [join(ROOT, "README.md"), ...readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => join(ROOT, "notebooks", f))];
  let seen = 0;
  for (const file of sources) {
    const names = importedNames(readFileSync(file, "utf8"));
    seen += names.length;
    const missing = names.filter((n) => !exported.has(n));
    assert.deepEqual(missing, [], `${file} imports names bedrock-bench does not export`);
  }
  assert.ok(seen >= 20, `found ${seen} imported names`);
});

test("every module ARCHITECTURE.md names exists", () => {
  const text = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  const named = [...text.matchAll(/`(?:lib\/)?((?:base|records|inputs|engine|analysis|report|app|notebook|cli|emulator)\/[\w/-]+\.ts)`/g)].map((m) => m[1]!);
  assert.ok(named.length >= 40, `found ${named.length} module paths`);
  const missing = [...new Set(named)].filter((p) => {
    try {
      return !statSync(join(LIB, p)).isFile();
    } catch {
      return true;
    }
  });
  assert.deepEqual(missing, []);
});
