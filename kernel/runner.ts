import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { mkdir, stat } from "node:fs/promises";
import type { ExecutionCache } from "./cache/execution-cache";
import { executeNotebook, type CellFailure, type ExecuteOptions } from "./notebook/execute";
import { NotebookFormatError, readNotebook, writeNotebook, type Notebook } from "./notebook/nbformat";

export interface NotebookOutcome {
  file: string;
  /** Where the executed copy went; absent when nothing was written. */
  written?: string;
  /** Why the notebook could not be used, or the cell that failed. */
  problem?: { kind: "format"; message: string } | { kind: "cell"; failure: CellFailure } | { kind: "crash"; message: string };
  executed?: Notebook;
  /** The outputs came from the execution cache: nothing that decides them had changed. */
  reused?: boolean;
}

export interface RunOptions extends ExecuteOptions {
  /** Folder for executed copies (default build/notebooks). */
  outDir?: string;
  /** Write the outputs back into the source notebook instead. */
  inPlace?: boolean;
  /** Execute only; write nothing (the regression harness). */
  dryRun?: boolean;
  jobs?: number;
  /** Changes the notebook before it runs (run -p injects its parameters here); the source file is never touched. */
  prepare?: (source: Notebook, file: string) => Notebook;
  /** Changes the executed notebook before it is written (run -p closes papermill's metadata here). */
  finish?: (executed: Notebook, file: string) => Notebook;
  /** Reuses outputs of unchanged notebooks and stores fresh clean runs (`run`; never `test`). */
  cache?: ExecutionCache;
}

/** Where `run` writes a notebook's executed copy. */
export function executedCopyPath(file: string, options: Pick<RunOptions, "outDir" | "inPlace">): string {
  return options.inPlace ? file : join(resolve(options.outDir ?? DEFAULT_OUT_DIR), basename(file));
}

export const DEFAULT_OUT_DIR = "build/notebooks";

/**
 * Checks, before any kernel starts, that the folder for executed copies can
 * be made: a file in its place (or above it) fails at once, not after the
 * run. Nothing is created here; a run whose notebooks all fail writes nothing.
 */
export async function checkOutDir(dir = DEFAULT_OUT_DIR): Promise<void> {
  for (let folder = resolve(dir); ; folder = dirname(folder)) {
    const stats = await stat(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new Error(`cannot use ${folder} for the executed notebooks (${error.code ?? error.message})`);
    });
    if (stats?.isDirectory()) return;
    if (stats) throw new Error(`${folder} is a file, not a folder for the executed notebooks`);
    if (dirname(folder) === folder) return;
  }
}

/** At least one, never more than the machine's cores or the work there is. */
export function boundJobs(requested: number | undefined, work: number): number {
  // NaN would slip through Math.min/max and start no worker at all.
  if (Number.isNaN(requested)) throw new RangeError("jobs must be a number of parallel kernels, got NaN");
  return Math.max(1, Math.floor(Math.min(requested ?? availableParallelism(), availableParallelism(), work)));
}

/**
 * Executes every notebook on its own kernel, `jobs` at a time. A failure in
 * one notebook never stops the others; the outcomes come back in input order.
 */
export async function runNotebooks(files: string[], options: RunOptions = {}): Promise<NotebookOutcome[]> {
  const outcomes: NotebookOutcome[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      outcomes[index] = await runOne(files[index]!, options);
    }
  };
  await Promise.all(Array.from({ length: boundJobs(options.jobs, files.length) }, worker));
  return outcomes;
}

async function runOne(file: string, options: RunOptions): Promise<NotebookOutcome> {
  let source: Notebook;
  try {
    source = await readNotebook(file);
  } catch (error) {
    if (error instanceof NotebookFormatError) return { file, problem: { kind: "format", message: error.message } };
    throw error;
  }
  try {
    const prepared = options.prepare ? options.prepare(source, file) : source;
    const cache = options.cache;
    // The key is taken from the prepared notebook, so injected parameters are part of it.
    const key = await cache?.keyFor(prepared, file, options.spec);
    let executed = cache && key ? await cache.lookup(key, prepared, file) : undefined;
    const reused = executed !== undefined;
    if (executed) {
      options.onProgress?.({ kind: "reused", file });
    } else {
      const run = await executeNotebook(prepared, file, options);
      if (run.failure) return { file, executed: run.notebook, problem: { kind: "cell", failure: run.failure } };
      executed = run.notebook;
      if (cache && key) await cache.store(key, executed, file);
    }
    const notebook = options.finish ? options.finish(executed, file) : executed;
    if (options.dryRun) return { file, executed: notebook, reused };
    const target = executedCopyPath(file, options);
    await mkdir(dirname(target), { recursive: true });
    await writeNotebook(target, notebook);
    return { file, executed: notebook, written: target, reused };
  } catch (error) {
    return { file, problem: { kind: "crash", message: (error as Error).message } };
  }
}

/** One line (plus the kernel's error text, indented) per failed notebook. */
export function describeProblem(outcome: NotebookOutcome): string | undefined {
  const problem = outcome.problem;
  if (!problem) return undefined;
  if (problem.kind === "format") return problem.message;
  if (problem.kind === "crash") return `${outcome.file}: ${problem.message}`;
  const { cellNumber, firstLine, message } = problem.failure;
  const indented = message.split("\n").map((line) => `    ${line}`).join("\n");
  return `${outcome.file}: cell ${cellNumber} (${firstLine}) failed:\n${indented}`;
}
