import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/**
 * Where gradient-lab keeps what it may reuse: `node_modules/.cache/gradient-lab`
 * of the project around `cwd` (the nearest folder with a package.json), the
 * convention of find-cache-dir, babel-loader and eslint, so `rm -rf
 * node_modules` clears it and git never sees it. `CACHE_DIR` moves it, as
 * find-cache-dir allows. Outside any project: `build/.cache/gradient-lab`.
 */
export function cacheFolder(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const moved = env.CACHE_DIR;
  if (moved && !["true", "false", "1", "0"].includes(moved)) return join(resolve(moved), "gradient-lab");
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return join(folder, "node_modules", ".cache", "gradient-lab");
    if (dirname(folder) === folder) return join(resolve(cwd), "build", ".cache", "gradient-lab");
  }
}

/**
 * A cache entry's text, or undefined when there is none. One that cannot be
 * read (permissions, a folder in its place) is a miss too, never an error:
 * `unreadable` gets the reason, for the caller's one-line warning.
 */
export async function readCacheEntry(file: string, unreadable: (reason: string) => void): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== "ENOENT") unreadable(code ?? message);
    return undefined;
  }
}
