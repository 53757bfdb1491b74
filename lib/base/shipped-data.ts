import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Files shipped in the project's `datasets/` folder (pricing, example datasets and experiments), found by walking
 * up from this module so it works from `lib/` sources and from the compiled `lib/dist/`.
 */
export function shippedDataPath(relative: string): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "datasets", relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find datasets/${relative} above ${__dirname}`);
}
