import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { readCacheEntry } from "./cache-folder";
import { join, resolve } from "node:path";
import { walk } from "../export/report";
import { listNotebooks, writeFileAtomically } from "../notebook/nbformat";
import { hashValue } from "./content-hash";
import { exportBuildHash } from "./export-build";

/** What `export --html` was asked for: every option that changes a page. */
export interface SiteRequest {
  from: string;
  out: string;
  code: string;
  title?: string;
  /** Markdown shown above the chapter list on the index page. */
  intro?: string;
  trustMarked: boolean;
}

/** What the cache remembers of an export: its inputs' key, the lines it printed, and the files it left on disk. */
interface SiteEntry {
  key: string;
  summary: string;
  files: Record<string, [size: number, modifiedMs: number]>;
}

/**
 * Lets `export --html` skip a rebuild whose result is already on disk: same
 * executed notebooks (by content), same options, same export code and
 * assets, and the site folder still holding exactly the files that export
 * wrote (same names, sizes and modification times), so a page edited or
 * deleted by hand is rebuilt. With `npm start` after `run` reused every
 * notebook, the executed copies are byte for byte the same and the export is
 * a few file reads.
 */
export class SiteCache {
  private readonly folder: string;
  private readonly warn: (line: string) => void;

  constructor(options: { folder: string; warn?: (line: string) => void }) {
    this.folder = join(resolve(options.folder), "site");
    this.warn = options.warn ?? ((line) => console.error(line));
  }

  /** The inputs' key, or undefined when they cannot be read (the export itself then says why). */
  async keyFor(request: SiteRequest): Promise<string | undefined> {
    try {
      const notebooks = await listNotebooks(request.from);
      const contents = await Promise.all(notebooks.map(async (file) => [file, createHash("sha256").update(await readFile(file)).digest("hex")]));
      return hashValue({
        format: 1,
        request: { ...request, from: resolve(request.from), out: resolve(request.out) },
        notebooks: contents,
        build: await exportBuildHash(),
      });
    } catch {
      return undefined;
    }
  }

  /** The lines the export printed last time, if its site is still on disk as it left it. */
  async unchanged(key: string, out: string): Promise<string | undefined> {
    const file = this.entryPath(out);
    const unusable = (reason: string) => this.warn(`gradient-lab: cache entry ${file} is unusable (${reason}); exporting again`);
    const text = await readCacheEntry(file, unusable);
    if (text === undefined) return undefined;
    let entry: SiteEntry;
    try {
      entry = JSON.parse(text) as SiteEntry;
      if (typeof entry.key !== "string" || typeof entry.summary !== "string" || typeof entry.files !== "object" || entry.files === null) throw new Error("not a site entry");
    } catch (error) {
      unusable((error as Error).message);
      return undefined;
    }
    if (entry.key !== key) return undefined;
    const onDisk = await filesOf(resolve(out)).catch(() => undefined);
    return onDisk !== undefined && JSON.stringify(onDisk) === JSON.stringify(entry.files) ? entry.summary : undefined;
  }

  /** Remembers a finished export; a failed write is a warning, never a failed export. */
  async store(key: string, out: string, summary: string): Promise<void> {
    const file = this.entryPath(out);
    try {
      const entry: SiteEntry = { key, summary, files: await filesOf(resolve(out)) };
      await mkdir(this.folder, { recursive: true });
      await writeFileAtomically(file, JSON.stringify(entry));
    } catch (error) {
      this.warn(`gradient-lab: could not store the export in the cache at ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  /** One entry per site folder: exports to different places do not replace each other's. */
  private entryPath(out: string): string {
    return join(this.folder, `${hashValue(resolve(out)).slice(0, 32)}.json`);
  }
}

async function filesOf(site: string): Promise<SiteEntry["files"]> {
  const files: SiteEntry["files"] = {};
  for (const file of await walk(site)) {
    const stats = await stat(join(site, file));
    files[file] = [stats.size, stats.mtimeMs];
  }
  return files;
}
