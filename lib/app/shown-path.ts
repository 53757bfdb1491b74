import { relative } from "node:path";

/**
 * A path as the user would type it from `from` (default: the working directory): relative when it lies inside,
 * as given otherwise. Every path the CLI prints and the notebooks show goes through here.
 */
export function shownPath(path: string, from: string = process.cwd()): string {
  const rel = relative(from, path);
  return rel !== "" && !rel.startsWith("..") ? rel : path;
}
