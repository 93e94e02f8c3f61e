import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { cacheFolder } from "../cache/cache-folder";
import { projectRoot } from "../project-root";
import { declaredTypePackages } from "./automatic-types";
import { tslabRequire } from "./tslab-modules";

/**
 * The kernel's V8 start-up snapshot (snapshot-entry.ts says what it holds):
 * a file of about 60 MB that `node --snapshot-blob <file> main.js` restores
 * instead of loading TypeScript and parsing the standard library's
 * declarations, the slow part of a start (kernel/README.md, "Start-up").
 *
 * A blob fits one Node binary and one TypeScript: Node refuses (and
 * crashes on) one built by another version, or one damaged on disk, before
 * any code of ours runs, so the choice is made before the kernel is
 * started. The blob's name is a hash of Node (version, architecture, path),
 * tslab's typescript.js (path, size, time), the entry script and the
 * `@types` packages the folder declares; it is written whole (a temporary
 * file, restored once as a check, then renamed) beside a note of its size.
 * A kernelspec names it only when it exists with that size; otherwise the
 * kernel starts the usual way. Declarations changed since the build are
 * parsed anew by the restored kernel (snapshot-entry.ts compares texts).
 */

export interface SnapshotPlace {
  /** where `import "gradient-lab"` of the snapshot's sample cell resolves (default: the project's notebooks/) */
  folder?: string;
  /** where blobs are kept (default: the project's cache, `node_modules/.cache/gradient-lab/kernel-snapshot/`) */
  cache?: string;
}

function resolvePlace(place: SnapshotPlace = {}) {
  const root = projectRoot();
  const folder = place.folder ?? join(root, "notebooks");
  const entry = join(root, "dist", "kernel", "tslab", "snapshot-entry.js");
  const typescript = tslabRequire(folder).resolve("@tslab/typescript-for-tslab");
  const types = [...(declaredTypePackages(folder) ?? ["node"])].sort();
  const stat = statSync(typescript);
  const key = createHash("sha256")
    .update(JSON.stringify([process.version, process.arch, process.execPath, typescript, stat.size, stat.mtimeMs, readFileSync(entry, "utf8"), folder, types]))
    .digest("hex")
    .slice(0, 16);
  const blob = join(place.cache ?? join(cacheFolder(root), "kernel-snapshot"), `kernel-${key}.blob`);
  return { folder, entry, typescript, types, blob };
}

/** The note beside a blob: its size, checked before a kernelspec names it. */
const noteOf = (blob: string) => `${blob}.json`;

/** The blob a kernel may start from, or undefined (none built for this Node and TypeScript, or not whole): start it the usual way. */
export function usableSnapshot(place?: SnapshotPlace): string | undefined {
  try {
    const { blob } = resolvePlace(place);
    const { size } = JSON.parse(readFileSync(noteOf(blob), "utf8")) as { size: number };
    return statSync(blob).size === size ? blob : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the blob unless a usable one exists (a few seconds of CPU, once
 * per Node, TypeScript and kernel build); resolves to its path. A failure
 * is an error naming the step and Node's output: the caller may go on
 * without a snapshot.
 */
export async function buildKernelSnapshot(place?: SnapshotPlace): Promise<string> {
  const existing = usableSnapshot(place);
  if (existing) return existing;
  const { folder, entry, typescript, types, blob } = resolvePlace(place);
  const temporary = `${blob}.${process.pid}.tmp`;
  // Node 20 runs the builder script with `require` but no `exports`, which TypeScript's CommonJS output writes to.
  const script = `${temporary}.js`;
  mkdirSync(dirname(blob), { recursive: true });
  try {
    writeFileSync(script, `var exports = {};\n${readFileSync(entry, "utf8")}`);
    const env = { ...process.env, GRADIENT_LAB_SNAPSHOT_TYPESCRIPT: typescript, GRADIENT_LAB_SNAPSHOT_FOLDER: folder, GRADIENT_LAB_SNAPSHOT_TYPES: types.join(",") };
    await node(["--snapshot-blob", temporary, "--build-snapshot", script], env, "building the kernel's start-up snapshot");
    // Restored once before it is named anywhere: a blob Node cannot restore must never reach a kernelspec.
    await node(["--snapshot-blob", temporary, entry], process.env, "restoring the kernel's start-up snapshot");
    writeFileSync(noteOf(blob), `${JSON.stringify({ size: statSync(temporary).size, node: process.version, typescript })}\n`);
    renameSync(temporary, blob);
    removeOtherBlobs(blob);
    return blob;
  } finally {
    rmSync(script, { force: true });
    rmSync(temporary, { force: true });
  }
}

/**
 * The project's blob (built if need be) copied into `folder`, for a
 * kernelspec there: a copy, so clearing the project's cache cannot break
 * an installed kernel, and removing the kernelspec's folder removes it.
 */
export async function copyKernelSnapshot(folder: string): Promise<string> {
  const source = await buildKernelSnapshot();
  const target = join(folder, basename(source));
  mkdirSync(folder, { recursive: true });
  copyFileSync(source, `${target}.${process.pid}.tmp`);
  copyFileSync(noteOf(source), noteOf(target));
  renameSync(`${target}.${process.pid}.tmp`, target);
  removeOtherBlobs(target);
  return target;
}

/** Blobs of an earlier Node, TypeScript or kernel build in the same folder: 60 MB each, never used again. */
function removeOtherBlobs(current: string): void {
  const folder = dirname(current);
  for (const name of readdirSync(folder)) {
    if (/^kernel-[0-9a-f]{16}\.blob(\.json)?$/.test(name) && !current.endsWith(name.replace(/\.json$/, ""))) rmSync(join(folder, name), { force: true });
  }
}

function node(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().split("\n").slice(-5).join(" | ")}`));
    });
  });
}
