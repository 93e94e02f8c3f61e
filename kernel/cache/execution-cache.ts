import { mkdir, readdir, rm, stat, utimes } from "node:fs/promises";
import { readCacheEntry } from "./cache-folder";
import { basename, dirname, join, resolve } from "node:path";
import type { KernelSpec } from "../kernelspec";
import { formatNotebook, joinText, parseNotebook, writeFileAtomically, type Notebook } from "../notebook/nbformat";
import { hashValue } from "./content-hash";
import { engineBuildHash } from "./engine-build";
import { executionKey, type Builds } from "./execution-key";
import { kernelBuildHash } from "./kernel-build";

/** Entries kept per notebook name: enough for a few `-p` variants, not one per edit ever made. */
const ENTRIES_PER_NOTEBOOK = 4;

export interface ExecutionCacheOptions {
  /** Where entries live (cache-folder.ts gives the default). */
  folder: string;
  /** False for `run --force`: everything executes, and the fresh results replace the stored ones. */
  reuse?: boolean;
  /** One line per unusable entry or failed write; the run goes on either way. */
  warn?: (line: string) => void;
}

/**
 * Executed notebooks stored by execution key (execution-key.ts), so `run`
 * reuses the outputs of a notebook whose code, parameters, engine and kernel
 * are what they were. An entry is an .ipynb file written whole (temporary file,
 * then rename); one that cannot be read back is a miss with a warning. Only
 * the runner holds one: `gradient-lab test` executes through the regression
 * harness, which has no way to be given a cache.
 */
export class ExecutionCache {
  readonly folder: string;
  readonly reuse: boolean;
  private readonly warn: (line: string) => void;
  /** Hashing a build reads every file of it: once per folder per run. */
  private readonly builds = new Map<string, Promise<Builds>>();

  constructor(options: ExecutionCacheOptions) {
    this.folder = resolve(options.folder);
    this.reuse = options.reuse ?? true;
    this.warn = options.warn ?? ((line) => console.error(line));
  }

  /** The notebook's key, or undefined (with a warning) when a build cannot be read: the notebook then simply executes. */
  async keyFor(notebook: Notebook, file: string, spec?: KernelSpec): Promise<string | undefined> {
    const folder = dirname(resolve(file));
    const memo = `${folder}\0${JSON.stringify(spec ?? null)}`;
    let builds = this.builds.get(memo);
    if (!builds) {
      builds = Promise.all([engineBuildHash(folder), kernelBuildHash(folder, spec)]).then(([engine, kernel]) => ({ engine, kernel }));
      this.builds.set(memo, builds);
    }
    try {
      return executionKey(notebook, file, await builds);
    } catch (error) {
      this.warn(`gradient-lab: cannot hash the builds ${file} runs on (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); executing it without the cache`);
      return undefined;
    }
  }

  /** The notebook with its stored outputs on its own cells (its current Markdown kept), or undefined. */
  async lookup(key: string, notebook: Notebook, file: string): Promise<Notebook | undefined> {
    if (!this.reuse) return undefined;
    const entry = this.entryPath(key, file);
    const text = await readCacheEntry(entry, (reason) => this.warn(`gradient-lab: cache entry ${entry} cannot be read (${reason}); executing ${file} again`));
    if (text === undefined) return undefined;
    try {
      const reused = withStoredOutputs(notebook, parseNotebook(text, entry));
      // Marks the entry as in use, so pruning keeps it.
      const now = new Date();
      await utimes(entry, now, now).catch(() => undefined);
      return reused;
    } catch (error) {
      this.warn(`gradient-lab: cache entry ${entry} is unusable (${(error as Error).message.replace(`${entry}: `, "")}); executing ${file} again`);
      return undefined;
    }
  }

  /** Stores a cleanly executed notebook; a failed write is a warning, never a failed run. */
  async store(key: string, executed: Notebook, file: string): Promise<void> {
    const entry = this.entryPath(key, file);
    try {
      await mkdir(dirname(entry), { recursive: true });
      await writeFileAtomically(entry, formatNotebook(executed));
      await this.prune(file, entry);
    } catch (error) {
      this.warn(`gradient-lab: could not store ${file} in the cache at ${entry} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  private entryPath(key: string, file: string): string {
    return join(this.folder, "executed", `${entryPrefix(file)}${key}.ipynb`);
  }

  /** Keeps the most recently used entries of this notebook name. */
  private async prune(file: string, keep: string): Promise<void> {
    const folder = dirname(keep);
    const prefix = entryPrefix(file);
    const names = (await readdir(folder)).filter((name) => name.startsWith(prefix) && name.endsWith(".ipynb"));
    const dated = await Promise.all(names.map(async (name) => ({ path: join(folder, name), used: (await stat(join(folder, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => b.used - a.used);
    for (const old of dated.slice(ENTRIES_PER_NOTEBOOK)) if (old.path !== keep) await rm(old.path, { force: true });
  }
}

/**
 * `notebooks/05-training-loop.ipynb` -> `05-training-loop.<folder hash>.`:
 * entries read as the notebook they belong to, and pruning one notebook's
 * entries never touches a namesake's in another folder (a scratch copy).
 */
function entryPrefix(file: string): string {
  return `${basename(file, ".ipynb").replace(/[^A-Za-z0-9_-]+/g, "-")}.${hashValue(dirname(resolve(file))).slice(0, 8)}.`;
}

/**
 * The current notebook (its Markdown, metadata and cell ids) with a stored
 * run's outputs on its code cells, which must be the same code in the same
 * order: anything else means the entry is not what its name says.
 */
export function withStoredOutputs(current: Notebook, stored: Notebook): Notebook {
  const storedCode = stored.cells.filter((cell) => cell.cell_type === "code");
  const currentCode = current.cells.filter((cell) => cell.cell_type === "code");
  if (storedCode.length !== currentCode.length) throw new Error(`it holds ${storedCode.length} code cells, the notebook ${currentCode.length}`);
  const reused = structuredClone(current);
  let at = 0;
  for (const cell of reused.cells) {
    if (cell.cell_type !== "code") continue;
    const from = storedCode[at++]!;
    if (from.cell_type !== "code" || joinText(from.source) !== joinText(cell.source)) throw new Error(`its code cell ${at} differs from the notebook's`);
    cell.outputs = from.outputs;
    cell.execution_count = from.execution_count;
  }
  return reused;
}
