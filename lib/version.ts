import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The library's version, read from its package.json so it cannot drift. */
export const VERSION: string = (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;
