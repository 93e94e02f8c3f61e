import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";

/** A short, stable name for any JSON-able value: the SHA-256 of its JSON text. */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/**
 * The SHA-256 of a folder's files, names and bytes, in sorted order, so the
 * same build gives the same hash wherever it lies and whenever it was written
 * (modification times are left out on purpose: `tsc -b` rewrites files
 * without changing them). A missing folder hashes as "missing", not as an error:
 * an engine without a display part is still an engine.
 */
export async function hashFolder(folder: string): Promise<string> {
  const hash = createHash("sha256");
  const files = await listFiles(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (files === undefined) return "missing";
  for (const file of files.sort()) {
    hash.update(`${relative(folder, file)}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? listFiles(path) : Promise.resolve(entry.isFile() || entry.isSymbolicLink() ? [path] : []);
    }),
  );
  return nested.flat();
}
