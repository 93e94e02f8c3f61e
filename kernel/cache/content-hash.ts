import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { walk } from "../export/report";

/** A short, stable name for any JSON-able value: the SHA-256 of its JSON text. */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/**
 * The SHA-256 of a folder's files, names and bytes, in sorted order, so the
 * same build gives the same hash wherever it lies and whenever it was written
 * (modification times are left out on purpose: `tsc -b` rewrites files
 * without changing them). Only files `counts` accepts are read (source maps
 * change with every moved line and change no output). A missing folder hashes
 * as "missing", not as an error: an engine without a display part is still an engine.
 */
export async function hashFolder(folder: string, counts: (file: string) => boolean = (file) => !file.endsWith(".map")): Promise<string> {
  const hash = createHash("sha256");
  const files = await walk(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (files === undefined) return "missing";
  for (const file of files.filter(counts)) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(folder, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}
