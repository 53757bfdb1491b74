import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The library's package.json: the nearest one above this module named `bedrock-bench` (lib/ from sources, lib/dist/ built). */
function libraryPackageJson(): { version: string } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: string; version: string };
      if (pkg.name === "bedrock-bench") return pkg;
    }
    if (dirname(dir) === dir) throw new Error(`No bedrock-bench package.json above ${__dirname}`);
  }
}

/** The library's version, read from its package.json so it cannot drift. */
export const VERSION: string = libraryPackageJson().version;
