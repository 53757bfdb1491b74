import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_COLORS, Palette, errorClassColor, hashKey, modelPalette, seriesColor, shade } from "../lib/palette";

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
