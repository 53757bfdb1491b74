import { test } from "node:test";
import assert from "node:assert/strict";
import { markdownTable, markdownText } from "../../lib/report/markdown";

test("user text renders as itself: HTML as entities, Markdown punctuation escaped, one line", () => {
  assert.equal(markdownText("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert.equal(markdownText("a & b"), "a &amp; b");
  assert.equal(markdownText("*bold* _it_ `code` [x](y) a|b ~~s~~ back\\slash"), "\\*bold\\* \\_it\\_ \\`code\\` \\[x\\](y) a\\|b \\~\\~s\\~\\~ back\\\\slash");
  assert.equal(markdownText("line one\nline two\r\nthree"), "line one line two three");
  // only a leading heading or list marker is escaped; model IDs and numbers stay readable
  assert.equal(markdownText("# not a heading"), "\\# not a heading");
  assert.equal(markdownText("- not a list"), "\\- not a list");
  assert.equal(markdownText("1. not a list"), "1\\. not a list");
  assert.equal(markdownText("us.anthropic.claude-3-5-haiku-20241022-v1:0"), "us.anthropic.claude-3-5-haiku-20241022-v1:0");
  assert.equal(markdownText("49.1 min"), "49.1 min");
  assert.equal(markdownText(null), "");
});

test("tables escape every cell and align numbers right", () => {
  assert.equal(
    markdownTable(["name", "n"], [["a|b", "1"], ["", "22"]], ["left", "right"]),
    ["| name | n |", "|---|---:|", "| a\\|b | 1 |", "|   | 22 |"].join("\n"),
  );
});
