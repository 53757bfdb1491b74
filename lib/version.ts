import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The library's version, read from its package.json so it cannot drift: the nearest `package.json` named
 * `bedrock-bench` above this module (`lib/` when run from sources, `lib/dist/` when compiled).
 */
function readVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "bedrock-bench" && typeof pkg.version === "string") return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of bedrock-bench above ${__dirname}`);
  }
}

export const VERSION: string = readVersion();
