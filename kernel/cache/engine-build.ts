import { dirname, join } from "node:path";
import { hashFolder, hashValue } from "./content-hash";
import { dependencyVersions, readManifest, resolvePackageJson } from "./installed-versions";

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
  return resolvePackageJson(join(notebookFolder, "src.js"), ENGINE_PACKAGE);
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
  return hashValue({
    root,
    manifest: [manifest.name, manifest.version, manifest.main, manifest.types, manifest.exports, manifest.typesVersions],
    files: await Promise.all(ENGINE_FOLDERS.map((folder) => hashFolder(join(root, folder)))),
    dependencies: dependencyVersions(manifestFile),
  });
}
