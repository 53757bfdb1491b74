import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { csvLine } from "../../lib/records/csv-line";

const TRICKY: readonly string[] = [
  "", "plain", "a b", " lead", "trail ", "tab\there", "x;y", "'q'", "=1+1", "#c", "null", "-0", "1e-7",
  'a"b', '"', '""', '"quoted"', ",", "a,b", ",lead", "trail,", "\n", "a\nb", "\r", "a\r\nb", 'Too many, "quoted", with\nnewline',
  "é€😀", "a\u2028b", "\u0000", "🙂,\"🙂\"",
];

test("csvLine writes what csv-stringify writes, byte for byte, on every character class that matters", () => {
  for (const cell of TRICKY) assert.equal(csvLine([cell]), stringify([[cell]]), JSON.stringify(cell));
  assert.equal(csvLine(TRICKY), stringify([TRICKY]));
  assert.equal(csvLine([]), stringify([[]]));
});

test("csvLine agrees with csv-stringify on random rows, and csv-parse reads the rows back unchanged", () => {
  const alphabet = ['"', ",", "\n", "\r", " ", "a", "Z", "0", ";", "\t", "'", "é", "😀", "="];
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 48271) % 2147483647; // Park–Miller: products stay below 2^53, exact in doubles
    return Math.floor((seed / 2147483647) * n);
  };
  const rows: string[][] = [];
  for (let r = 0; r < 500; r++) {
    const row: string[] = [];
    const width = 1 + next(6);
    for (let c = 0; c < width; c++) {
      let cell = "";
      for (let k = next(8); k > 0; k--) cell += alphabet[next(alphabet.length)];
      row.push(cell);
    }
    // csv-parse cannot tell a lone empty field from an empty line; every row here has a non-empty first field.
    row[0] = `r${r}${row[0]}`;
    rows.push(row);
    assert.equal(csvLine(row), stringify([row]), JSON.stringify(row));
  }
  const cells = rows.flat();
  assert.ok(cells.filter((c) => c.length > 1).length > cells.length / 2, "most cells have content");
  for (const ch of alphabet) assert.ok(cells.some((c) => c.includes(ch)), `some cell holds ${JSON.stringify(ch)}`);
  const text = rows.map(csvLine).join("");
  assert.deepEqual(parse(text, { relax_column_count: true }), rows);
});
