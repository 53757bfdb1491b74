/**
 * Output files that never overwrite: a user's earlier summaries and reports are kept, a new one gets a suffix.
 */
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

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
  await mkdir(dir, { recursive: true });
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
  await mkdir(parent, { recursive: true });
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
