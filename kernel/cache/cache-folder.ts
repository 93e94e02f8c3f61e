import { existsSync } from "node:fs";
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
