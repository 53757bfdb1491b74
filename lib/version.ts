import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The library's version, read from its package.json so it cannot drift. Found by walking up from this module
 * (`lib/dist/` when compiled, `lib/` when run from sources with tsx) to the package named `bedrock-bench`.
 */
function readVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "bedrock-bench" && typeof pkg.version === "string") return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the bedrock-bench package.json above ${__dirname}`);
}

export const VERSION: string = readVersion();
