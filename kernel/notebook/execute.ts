import { dirname, resolve } from "node:path";
import { CellTimeoutError, Kernel, KernelGoneError, MessageTooLargeError } from "../kernel";
import type { IopubListener } from "../wire/client";
import type { KernelSpec } from "../kernelspec";
import { cellTags, joinText, type CodeCell, type Notebook, type Output } from "./nbformat";
import { OutputCollector } from "./outputs";
import { clipLine } from "../clip";

/** Tags understood the way nbval understands them. */
export const TAG_SKIP = "nbval-skip";
export const TAG_IGNORE_OUTPUT = "nbval-ignore-output";
export const RAISES_TAGS = ["raises-exception", "nbval-raises-exception"];

export type ProgressEvent =
  | { kind: "kernel-started"; file: string; pid: number | undefined }
  | { kind: "cell"; file: string; cellNumber: number; cellCount: number; elapsedMs: number }
  /** The runner found the notebook's outputs in its execution cache and started no kernel. */
  | { kind: "reused"; file: string };

export interface CellFailure {
  /** 1-based position of the cell in the notebook, markdown cells counted. */
  cellNumber: number;
  firstLine: string;
  reason: "error" | "timeout" | "kernel-died" | "aborted" | "too-large";
  /** The kernel's own words: the error's name and message. */
  message: string;
}

export interface ExecuteOptions {
  /** Per-cell limit; the kernel is killed when a cell passes it. */
  timeoutMs?: number;
  /** Cells carrying one of these tags are not run (the harness passes nbval-skip). */
  skipTags?: string[];
  spec?: KernelSpec;
  onProgress?: (event: ProgressEvent) => void;
  /** Each message a cell sends on iopub but its status, as it arrives (bench/first-output.ts times the first). */
  onIopub?: IopubListener;
}

export interface ExecuteResult {
  /** A new notebook with fresh outputs; the input is left as it was. */
  notebook: Notebook;
  failure?: CellFailure;
}

export const DEFAULT_CELL_TIMEOUT_MS = 120_000;
/** How long a kernel may take to load its compiler (Kernel.start allows as long for its first answer). */
const KERNEL_START_TIMEOUT_MS = 180_000;

/**
 * Runs every code cell in order on a fresh kernel started in the notebook's
 * folder. Stops at the first cell that fails unless it is tagged to raise.
 */
export async function executeNotebook(source: Notebook, file: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const notebook: Notebook = structuredClone(source);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  const skipTags = options.skipTags ?? [];
  const started = Date.now();
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === "code").length;
  if (codeCells === 0) return { notebook };

  const kernel = await Kernel.start({ cwd: dirname(resolve(file)), spec: options.spec });
  options.onProgress?.({ kind: "kernel-started", file, pid: kernel.pid });
  // As nbclient does. JupyterLab writes the kernel's language_info into a notebook it opens, and marks the
  // notebook modified unless the stored one is the same: an untouched course notebook must open clean.
  const languageInfo = kernel.info.content.language_info;
  if (typeof languageInfo === "object" && languageInfo !== null) notebook.metadata.language_info = languageInfo;
  const collector = new OutputCollector();
  let executionCount = 0;
  try {
    // A cell's time limit starts once the kernel can compile: the first cell must not pay for TypeScript's load.
    await kernel.waitForCompiler(KERNEL_START_TIMEOUT_MS);
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const tags = cellTags(cell);
      if (tags.some((tag) => skipTags.includes(tag))) continue;
      const cellNumber = index + 1;
      options.onProgress?.({ kind: "cell", file, cellNumber, cellCount: notebook.cells.length, elapsedMs: Date.now() - started });
      cell.outputs = collector.startCell();
      cell.execution_count = null;
      const code = joinText(cell.source);
      const failure = (reason: CellFailure["reason"], message: string): CellFailure => ({
        cellNumber,
        firstLine: firstLine(code),
        reason,
        message,
      });
      let status: string;
      try {
        const onOutput: IopubListener = (message) => {
          collector.add(message);
          options.onIopub?.(message);
        };
        const limitMs = cellTimeoutMs(cell, cellNumber) ?? timeoutMs;
        const reply = await kernel.execute(code, onOutput, limitMs);
        const content = reply.content as { status?: string; execution_count?: number };
        status = content.status ?? "error";
        cell.execution_count = content.execution_count ?? ++executionCount;
        executionCount = cell.execution_count;
      } catch (error) {
        if (error instanceof CellTimeoutError) return { notebook, failure: failure("timeout", `${error.message}; the kernel was killed`) };
        if (error instanceof KernelGoneError) return { notebook, failure: failure("kernel-died", `the kernel died: ${error.message}`) };
        if (error instanceof MessageTooLargeError) return { notebook, failure: failure("too-large", error.message) };
        throw error;
      }
      if (status === "ok") continue;
      // The kernel aborts only requests queued behind a failed one; this runner sends one at a time, so none should be.
      if (status === "aborted" || status === "abort") return { notebook, failure: failure("aborted", "the kernel aborted the request") };
      if (!tags.some((tag) => RAISES_TAGS.includes(tag))) {
        return { notebook, failure: failure("error", errorText(cell)) };
      }
    }
    return { notebook };
  } finally {
    await kernel.shutdown();
  }
}

/**
 * A cell may set its own limit, `metadata["gradient-lab"].timeout` in seconds,
 * for work known to be long (or, in tests, a loop meant to be cut short).
 */
function cellTimeoutMs(cell: CodeCell, cellNumber: number): number | undefined {
  const own = (cell.metadata["gradient-lab"] as { timeout?: unknown } | undefined)?.timeout;
  if (own === undefined) return undefined;
  if (typeof own !== "number" || !(own > 0)) throw new Error(`cell ${cellNumber}: metadata "gradient-lab".timeout must be a positive number of seconds, got ${JSON.stringify(own)}`);
  return own * 1000;
}

function firstLine(code: string): string {
  return code.split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
}

/** The error as the kernel told it, without stack frames that only name kernel internals. */
export function errorText(cell: CodeCell): string {
  const parts = cell.outputs.flatMap((output: Output) => {
    if (output.output_type === "error") return [`${output.ename}: ${output.evalue}`];
    if (output.output_type === "stream" && output.name === "stderr") return [joinText(output.text)];
    return [];
  });
  const text = parts
    .join("\n")
    .split("\n")
    .filter((line) => !/^\s+at /.test(line))
    .map(clipLine)
    .join("\n")
    .trim();
  return text || "the cell failed without an error message";
}
