import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as dfd from "danfojs-node";
import { Display, tableRows } from "../../lib/notebook/display";

function capture(): { display: Display; outputs: string[] } {
  const outputs: string[] = [];
  return { display: new Display({ html: (h) => outputs.push(h) }), outputs };
}

const LIB_MARKER = "plotly.js, bundled by bedrock-bench";

describe("Display", () => {
  test("embeds plotly.js with the first chart only", () => {
    const { display, outputs } = capture();
    display.chart({ data: [{ type: "bar", x: ["a"], y: [1] }] });
    display.chart({ data: [{ type: "bar", x: ["b"], y: [2] }] });
    assert.equal(outputs.length, 2);
    assert.ok(outputs[0]!.includes(LIB_MARKER));
    assert.equal(outputs[1]!.includes(LIB_MARKER), false);
    assert.ok(outputs.every((o) => o.includes('class="bb-chart"')));
  });

  test("charts() embeds the library up front, then charts carry none", () => {
    const { display, outputs } = capture();
    display.charts();
    display.chart({ data: [] });
    assert.ok(outputs[0]!.includes(LIB_MARKER));
    assert.equal(outputs[1]!.includes(LIB_MARKER), false);
  });

  test("renders a danfo DataFrame as an escaped HTML table", () => {
    const { display, outputs } = capture();
    display.table(new dfd.DataFrame({ model: ["<x>", "y"], p50: [1.5, 2] }));
    assert.match(outputs[0]!, /<th>model<\/th><th>p50<\/th>/);
    assert.match(outputs[0]!, /&lt;x&gt;/);
    assert.match(outputs[0]!, />1\.500</);
  });

  test("a user string in chart data cannot end the script element", () => {
    const { display, outputs } = capture();
    display.charts();
    display.chart({ data: [{ type: "bar", name: "</script><script>alert(1)</script>", x: [1], y: [1] }] });
    assert.equal(outputs[1]!.includes("</script><script>alert"), false);
    assert.ok(outputs[1]!.includes("\\u003c/script\\u003e"));
  });
});

describe("tableRows", () => {
  test("keeps a DataFrame's column order and values", () => {
    const { rows, columns } = tableRows(new dfd.DataFrame({ b: [1, 2], a: ["x", "y"] }));
    assert.deepEqual(columns, ["b", "a"]);
    assert.deepEqual(rows, [
      { b: 1, a: "x" },
      { b: 2, a: "y" },
    ]);
  });
});
