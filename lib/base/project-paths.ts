import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The project checkout this library runs from: the nearest folder above the library that holds `notebooks/` and
 * `scripts/setup-jupyter.sh`. Throws if the library runs outside a checkout (installed on its own from a registry).
 */
export function projectRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "notebooks")) && existsSync(join(dir, "scripts", "setup-jupyter.sh"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`No bedrock-bench project folder (with notebooks/ and scripts/setup-jupyter.sh) above ${from}`);
    }
    dir = parent;
  }
}
