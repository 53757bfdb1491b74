/**
 * Output files that never overwrite: a user's earlier summaries and reports are kept, a new one gets a suffix.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { access, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { BenchError } from "./errors";

/**
 * An output folder that cannot be created or used (a regular file, a path under a file, no permission): refused before
 * anything is done, in one line naming the folder, the field it came from and what was expected. Kind `input`.
 */
export class OutputFolderError extends BenchError {
  override name = "OutputFolderError";
  override readonly kind = "input";
  constructor(
    /** The folder, absolute. */
    readonly path: string,
    /** Where it came from (`--out`, the experiment's `outputDir`, …). */
    readonly field: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${field} ${path} cannot be used: ${reason}; expected a folder that can be created (nothing was done)`, options);
  }
}

function folderProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EEXIST") return "it exists and is not a folder";
  if (code === "ENOTDIR") return "a part of its path is a file, not a folder";
  if (code === "EACCES" || code === "EPERM") return `no permission to create it (${code})`;
  if (code === "EROFS") return "it is on a read-only file system (EROFS)";
  return code ? `${(error as Error).message} (${code})` : (error as Error).message;
}

/**
 * Checks, without creating anything, that the output folder `path` exists as a folder or can be created: its nearest
 * existing ancestor is a writable folder. Returns its absolute path. The check before any work is done (an analysis, a
 * report); {@link prepareOutputFolder} creates the folder.
 * @throws OutputFolderError (kind `input`) naming the folder and `field`.
 */
export function checkOutputFolder(path: string, field: string): string {
  const dir = resolve(path);
  let at = dir;
  for (;;) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && dirname(at) !== at) {
        at = dirname(at);
        continue;
      }
      throw new OutputFolderError(dir, field, folderProblem(error), { cause: error });
    }
    if (!isFolder) {
      throw new OutputFolderError(dir, field, at === dir ? "it exists and is not a folder" : "a part of its path is a file, not a folder");
    }
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new OutputFolderError(dir, field, folderProblem(error), { cause: error });
    }
    return dir;
  }
}

/**
 * Creates the output folder `path` (and its parents) unless it exists as a folder, and checks it is one: the one place
 * where output folders are checked before a run, an analysis or a report does any work. Returns its absolute path.
 * @throws OutputFolderError (kind `input`) naming the folder and `field`.
 */
export function prepareOutputFolder(path: string, field: string): string {
  const dir = resolve(path);
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "EEXIST" });
  } catch (error) {
    throw new OutputFolderError(dir, field, folderProblem(error), { cause: error });
  }
  return dir;
}

/** Local time as YYYYMMDD_HHMMSS (the AWS notebook's file-name timestamp). */
export function fileTimestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/**
 * Writes `content` to `<dir>/<stem><extension>`, or `<stem>_2<extension>`, `_3`, … when taken, creating `dir`.
 * The file is created exclusively (`wx`), so a concurrent writer cannot be overwritten either. Returns the path.
 */
export async function writeNewFile(dir: string, stem: string, extension: string, content: string): Promise<string> {
  prepareOutputFolder(dir, "the output folder");
  for (let n = 1; ; n++) {
    const path = join(dir, `${stem}${n === 1 ? "" : `_${n}`}${extension}`);
    try {
      await writeFile(path, content, { flag: "wx" });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/**
 * The stems with the first common suffix (none, `_2`, `_3`, …) for which none of the files `<stem><suffix><extension>`
 * exists in `dir`, so files written together (a report, its Markdown twin, its summary CSV) share one timestamp and
 * suffix. Writing them with {@link writeNewFile} still never overwrites, should another writer take a name in between.
 */
export async function freeStem(dir: string, stems: readonly { stem: string; extension: string }[]): Promise<string[]> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : `_${n}`;
    const taken = await Promise.all(
      stems.map(({ stem, extension }) =>
        access(join(dir, `${stem}${suffix}${extension}`)).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!taken.some(Boolean)) return stems.map(({ stem }) => `${stem}${suffix}`);
  }
}

/**
 * Creates the folder `<parent>/<stem>`, or `<stem>_2`, `_3`, … when taken, creating `parent`; an existing folder is
 * never reused, so files written into the new one cannot overwrite anything. Returns its path.
 */
export async function createNewDir(parent: string, stem: string): Promise<string> {
  prepareOutputFolder(parent, "the output folder");
  for (let n = 1; ; n++) {
    const path = join(parent, `${stem}${n === 1 ? "" : `_${n}`}`);
    try {
      await mkdir(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}
