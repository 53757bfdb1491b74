import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as dfd from "danfojs-node";
import { Display, NO_MATH_CLASSES, notebookHtml, tableRows } from "../../lib/notebook/display";

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

describe("no math typesetting in notebook outputs", () => {
  // JupyterLab typesets any `$…$` pair in HTML output as LaTeX: notebook 01's run summary showed
  // "measured $0.0948, estimated $0.101" as math (test/e2e/jupyterlab.test.ts sees it in a live JupyterLab).
  const COST = "measured $0.0948, estimated $0.101";

  test("the wrapper carries the class JupyterLab 4's MathJax skips (mathjax_ignore) and the classic Notebook's (tex2jax_ignore)", () => {
    assert.deepEqual(NO_MATH_CLASSES.split(" ").sort(), ["mathjax_ignore", "tex2jax_ignore"]);
    assert.equal(notebookHtml("<p>x</p>"), '<div class="mathjax_ignore tex2jax_ignore"><p>x</p></div>');
  });

  test("every output of a Display is wrapped, and its dollar signs are left as they are", () => {
    const { display, outputs } = capture();
    display.html(`<p>${COST}</p>`);
    display.text(COST);
    display.table([{ item: "cost", value: COST }]);
    display.charts();
    display.chart({ data: [{ type: "bar", name: COST, x: ["a"], y: [1] }] });
    assert.equal(outputs.length, 5);
    for (const out of outputs) {
      assert.ok(out.startsWith('<div class="mathjax_ignore tex2jax_ignore">'), out.slice(0, 80));
      assert.ok(out.endsWith("</div>"));
    }
    assert.equal(outputs[1], notebookHtml(`<p>${COST}</p>`), "text: one paragraph inside the wrapper");
    assert.ok(outputs[2]!.includes(`<td style="text-align:left">${COST}</td>`), "a table cell keeps its `$` (MathJax reads text, not markup)");
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
