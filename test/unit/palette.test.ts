import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_COLORS, Palette, errorClassColor, hashKey, modelPalette, seriesColor, seriesDash, seriesSymbol, shade } from "../../lib/report/palette";

test("shades mix with white or black by the given amount", () => {
  // 0x80 = 128: halfway to white is 128 + 127·0.5 = 191.5 → 192 = 0xC0; halfway to black 64 = 0x40
  assert.equal(shade("#808080", 0.5), "#C0C0C0");
  assert.equal(shade("#808080", -0.5), "#404040");
  assert.equal(shade("#0072B2", 0), "#0072B2");
});

test("a key's colour is deterministic and independent of the order keys are given in", () => {
  const models = ["us.meta.llama3-1-70b-instruct-v1:0", "amazon.nova-micro-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"];
  const a = new Palette(models);
  const b = new Palette([...models].reverse());
  for (const m of models) assert.equal(a.color(m), b.color(m));
  assert.equal(hashKey("abc"), hashKey("abc"));
  assert.notEqual(hashKey("abc"), hashKey("abd"));
});

test("up to 16 models get 16 different hues; more reuse a lightened hue", () => {
  const keys = Array.from({ length: 16 }, (_, i) => `model-${i}`);
  const palette = new Palette(keys);
  assert.equal(new Set(keys.map((k) => palette.color(k))).size, 16);
  assert.deepEqual(new Set(keys.map((k) => palette.color(k))), new Set(BASE_COLORS));
  const crowdedKeys = [...keys, "model-16"];
  const crowded = new Palette(crowdedKeys);
  const colors = crowdedKeys.map((k) => crowded.color(k));
  assert.equal(colors.filter((c) => !BASE_COLORS.includes(c)).length, 1);
});

test("series colours: the model's hue, darker when optimized, lighter for flex", () => {
  const palette = modelPalette([{ model: "m" }]);
  const base = palette.color("m");
  assert.equal(seriesColor(palette, { model: "m", performanceConfig: "standard", serviceTier: "default" }), base);
  assert.equal(seriesColor(palette, { model: "m", performanceConfig: "optimized", serviceTier: "default" }), shade(base, -0.3));
  assert.equal(seriesColor(palette, { model: "m", performanceConfig: "standard", serviceTier: "flex" }), shade(base, 0.4));
  assert.equal(errorClassColor("ThrottlingException"), "#E69F00");
  assert.equal(errorClassColor("SomethingNew"), errorClassColor("SomethingNew"));
});

test("configurations differ by line dash and marker symbol too, not by shade alone", () => {
  const key = (performanceConfig: string, serviceTier: string) => ({ performanceConfig, serviceTier });
  const combos = [key("standard", "default"), key("optimized", "default"), key("standard", "priority"), key("optimized", "priority"), key("standard", "flex"), key("optimized", "flex")];
  assert.deepEqual(combos.map(seriesDash), ["solid", "dash", "dot", "longdash", "dashdot", "longdashdot"]);
  assert.deepEqual(combos.map(seriesSymbol), ["circle", "diamond", "square", "square-open", "triangle-up", "triangle-up-open"]);
  assert.equal(seriesDash(key("standard", "")), "solid", "no tier recorded: as default");
  assert.equal(new Set(combos.map(seriesDash)).size, combos.length);
});

test("no two base hues are near-duplicates (Euclidean RGB distance ≥ 40)", () => {
  const rgb = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  for (let i = 0; i < BASE_COLORS.length; i++) {
    for (let j = i + 1; j < BASE_COLORS.length; j++) {
      const [a, b] = [rgb(BASE_COLORS[i]!), rgb(BASE_COLORS[j]!)];
      const d = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
      assert.ok(d >= 40, `${BASE_COLORS[i]} and ${BASE_COLORS[j]} are ${d.toFixed(0)} apart`);
    }
  }
});
