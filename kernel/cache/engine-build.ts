import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, parse } from "node:path";
import { hashFolder, hashValue } from "./content-hash";

/** The package name notebooks import the engine by. */
const ENGINE_PACKAGE = "gradient-lab";

/** The built folders a notebook's `gradient-lab` and `gradient-lab/display` imports load (and tslab type-checks against). */
const ENGINE_FOLDERS = ["dist/src", "dist/kernel/display"];

/**
 * Where the kernel finds `gradient-lab` from a notebook's folder: Node's own
 * lookup from that folder (tslab's cells `require` through
 * `Module.createRequire(<folder>/src.js)`), so a package's self-reference wins
 * over `node_modules`, as it does at run time. The repository's own notebooks
 * resolve to the repository itself both ways (the self-reference through
 * package.json's `exports`, and the `node_modules/gradient-lab -> ..` link).
 * Undefined when the notebook cannot import the engine at all.
 */
export function resolveEnginePackage(notebookFolder: string): string | undefined {
  return resolvePackageJson(createRequire(join(notebookFolder, "src.js")), ENGINE_PACKAGE);
}

/** A package's package.json as `require` finds the package, also when its `exports` map hides the file. */
function resolvePackageJson(require: NodeRequire, name: string): string | undefined {
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
    const manifest = readManifest(join(folder, "package.json"));
    if (manifest?.name === name) return join(folder, "package.json");
  }
  return undefined;
}

/** Read from disk each time, not through `require`, whose cache would keep an old version within one process. */
function readManifest(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The engine build a notebook in `notebookFolder` imports, as one hash: the
 * package.json fields that steer resolution (name, version, entry points),
 * the built files, and the installed version of each dependency (mathjs and
 * plotly.js shape outputs too). Rebuilding with a change changes the hash;
 * `tsc -b` rewriting the same bytes does not.
 */
export async function engineBuildHash(notebookFolder: string): Promise<string> {
  const manifestFile = resolveEnginePackage(notebookFolder);
  if (manifestFile === undefined) return "no-engine";
  const root = dirname(manifestFile);
  const manifest = readManifest(manifestFile) ?? {};
  const dependencies = Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}).sort();
  const requireFromEngine = createRequire(manifestFile);
  return hashValue({
    root,
    manifest: [manifest.name, manifest.version, manifest.main, manifest.types, manifest.exports, manifest.typesVersions],
    files: await Promise.all(ENGINE_FOLDERS.map((folder) => hashFolder(join(root, folder)))),
    dependencies: dependencies.map((name) => [name, installedVersion(requireFromEngine, name)]),
  });
}

/** A dependency's installed version, found the way the engine's own `require` finds it. */
function installedVersion(requireFromEngine: NodeRequire, name: string): string {
  const manifestFile = resolvePackageJson(requireFromEngine, name);
  const version = manifestFile === undefined ? undefined : readManifest(manifestFile)?.version;
  return typeof version === "string" ? version : "unresolved";
}
