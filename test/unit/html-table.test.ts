import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cellNumber, tableHtml } from "../../lib/report/html-table";
import { escapeHtml, jsonForScript } from "../../lib/base/html";

describe("escapeHtml", () => {
  test("escapes markup characters and quotes", () => {
    assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    assert.equal(escapeHtml(null), "");
    assert.equal(escapeHtml(42), "42");
  });
});

describe("jsonForScript", () => {
  test("cannot close a script element and round-trips through JSON.parse", () => {
    const value = { prompt: "</script><script>alert(1)</script>", sep: "a\u2028b", amp: "x&y" };
    const json = jsonForScript(value);
    assert.equal(json.includes("</script"), false);
    assert.equal(json.includes("<"), false);
    assert.deepEqual(JSON.parse(json), value);
  });
});

describe("cellNumber", () => {
  test("rounds only non-integers, and leaves non-finite values empty", () => {
    assert.equal(cellNumber(12), "12");
    assert.equal(cellNumber(0.123456), "0.123");
    assert.equal(cellNumber(2.5, 0), "3");
    assert.equal(cellNumber(Number.NaN), "");
  });
});

describe("tableHtml", () => {
  test("renders headers and cells in column order, escaping user text", () => {
    const html = tableHtml([{ model: "<b>m</b>", ttftMs: 412.34567, n: 5 }], ["n", "model", "ttftMs"]);
    assert.match(html, /<th>n<\/th><th>model<\/th><th>ttftMs<\/th>/);
    assert.match(html, /&lt;b&gt;m&lt;\/b&gt;/);
    assert.match(html, />412\.346</);
    assert.equal(html.includes("<b>m</b>"), false);
  });
  test("says how many rows were left out", () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ i }));
    const html = tableHtml(rows, undefined, { maxRows: 2 });
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.match(html, /3 more rows not shown \(of 5\)/);
  });
});
