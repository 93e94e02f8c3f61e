import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, parse, resolve } from "node:path";

/** A package's package.json as `require` from `from` finds the package, also when its `exports` map hides the file. */
export function resolvePackageJson(from: string, name: string): string | undefined {
  const require = createRequire(resolve(from));
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    // An `exports` map without "./package.json": find the entry point, then the package.json above it.
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return undefined;
  }
  for (let folder = dirname(entry); folder !== parse(folder).root; folder = dirname(folder)) {
    if (readManifest(join(folder, "package.json"))?.name === name) return join(folder, "package.json");
  }
  return undefined;
}

/** Read from disk each time, not through `require`, whose cache would keep an old version within one process. */
export function readManifest(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The installed version of each dependency a package.json lists, found the
 * way that package's own `require` finds it: what the package really runs
 * with, whatever its version ranges allow.
 */
export function dependencyVersions(manifestFile: string): Array<[string, string]> {
  const dependencies = Object.keys((readManifest(manifestFile)?.dependencies as Record<string, string> | undefined) ?? {}).sort();
  return dependencies.map((name) => [name, installedVersion(manifestFile, name) ?? "unresolved"]);
}

/** The version of `name` that `require` from `from` loads, or undefined when it finds none. */
export function installedVersion(from: string, name: string): string | undefined {
  const manifest = resolvePackageJson(from, name);
  const version = manifest === undefined ? undefined : readManifest(manifest)?.version;
  return typeof version === "string" ? version : undefined;
}
