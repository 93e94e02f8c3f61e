import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * tslab 1.0.22 compiles cells with no `types` option, so TypeScript puts
 * every package under each `node_modules/@types` above the notebook into
 * every cell's program, imported or not. npm hoists there the `@types` that
 * other packages depend on, too: here thirteen that the project never
 * declared (@types/react with csstype, chai, emscripten, ...: 1.3 MB of
 * declarations, a quarter of what notebook 01's first cell reads), parsed
 * and bound before the kernel answers its first request, though no cell
 * uses them.
 *
 * The kernel keeps the automatic inclusion for the `@types` packages the
 * course itself declares (dependencies of any kind in a package.json from
 * the notebook's folder up), and for `@types/node` (cells need `console`,
 * `require`, `process`): what a `types` list in the course's tsconfig would
 * say. A cell that imports a package still finds its `@types` by module
 * resolution, declared or not; only the globals of an undeclared `@types`
 * package (one that came in as another package's dependency) are left out.
 * With no package.json above the notebook nothing is filtered.
 *
 * tslab gives TypeScript a `sys` made by `Object.create(ts.sys)`, and
 * TypeScript lists a type root's packages with `sys.getDirectories`
 * (getAutomaticTypeDirectiveNames); the filter goes on `ts.sys` itself, so
 * nothing inside node_modules is edited.
 */

/** The part of TypeScript's `ts.sys` this patch touches. */
export interface DirectorySystem {
  getDirectories(path: string): string[];
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];
const PATCHED = Symbol.for("gradient-lab.automatic-types");

/** True for a folder `.../node_modules/@types`, where TypeScript looks for automatic type packages. */
export function isTypeRoot(path: string): boolean {
  return /(^|[\\/])node_modules[\\/]@types[\\/]?$/.test(path);
}

/**
 * The `@types` package names (without the scope) declared by the package.json
 * files from `folder` up to the file-system root, plus "node"; undefined when
 * there is no package.json at all (then nothing is filtered).
 */
export function declaredTypePackages(folder: string): Set<string> | undefined {
  const names = new Set<string>(["node"]);
  let found = false;
  for (let current = folder; ; current = dirname(current)) {
    const manifest = readManifest(join(current, "package.json"));
    if (manifest !== undefined) {
      found = true;
      for (const field of DEPENDENCY_FIELDS) {
        const dependencies = manifest[field];
        if (typeof dependencies !== "object" || dependencies === null) continue;
        for (const name of Object.keys(dependencies)) if (name.startsWith("@types/")) names.add(name.slice("@types/".length));
      }
    }
    if (dirname(current) === current) break;
  }
  return found ? names : undefined;
}

function readManifest(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const manifest: unknown = JSON.parse(text);
    return typeof manifest === "object" && manifest !== null ? (manifest as Record<string, unknown>) : undefined;
  } catch {
    // A package.json that does not parse declares nothing (npm refuses it anyway).
    return undefined;
  }
}

/** Lists only the declared `@types` packages (see declaredTypePackages) in every `node_modules/@types` folder. */
export function onlyDeclaredTypesAutomatically(sys: DirectorySystem & { [PATCHED]?: true }, folder: string): void {
  if (sys[PATCHED]) return;
  const declared = declaredTypePackages(folder);
  if (declared === undefined) return;
  sys[PATCHED] = true;
  const getDirectories = sys.getDirectories;
  sys.getDirectories = function (path) {
    const folders = getDirectories.call(this, path);
    return isTypeRoot(path) ? folders.filter((name) => declared.has(name)) : folders;
  };
}

/** The parts of a TypeScript watch compiler host and of TypeScript that `listAutomaticTypesOnce` uses. */
interface WatchHostWithOptions {
  options: { types?: string[] };
}
interface AutomaticTypeNames {
  getAutomaticTypeDirectiveNames(options: object, host: object): string[];
}

/**
 * TypeScript lists the automatic type packages (each type root's folders,
 * less those whose package.json says `"typings": null`) for every program
 * it cannot reuse whole, which is every cell whose imports differ from the
 * last one's, reading and parsing each listed package's package.json again
 * (@types/node's: about 7 ms a cell, kernel/README.md "Per-cell
 * compilation"). The list is made once here, by TypeScript's own function
 * on the watch host (so through the filter above), and given to the cell
 * compiler as its `types` option, which TypeScript then takes as it is. Like
 * the course's declared `@types`, the list is read when the kernel starts.
 */
export function listAutomaticTypesOnce<Host extends WatchHostWithOptions>(typescript: AutomaticTypeNames, host: Host): Host {
  if (host.options.types) return host;
  host.options = { ...host.options, types: typescript.getAutomaticTypeDirectiveNames(host.options, host) };
  return host;
}
