import { inspect } from "node:util";
import type { CompiledCell, Diagnostic } from "./engine";
import { originalPosition } from "./source-map";

/** An `error` message's content, also what a failed execute_reply carries. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/**
 * The ename of a TypeScript diagnostic (ts-node's name for it): a type error
 * is not a runtime `TypeError`, and the cell did not run at all.
 */
export const TYPESCRIPT_ERROR = "TSError";
/** The ename of an interrupted cell, as ipykernel names it, so frontends and graders recognise it. */
export const INTERRUPTED = "KeyboardInterrupt";

const RULE = "-".repeat(75);
/** Lines shown around the failing line, as IPython's traceback shows them. */
const CONTEXT_LINES = 2;

/** Finds the cell a script name (a stack frame's file) stands for. */
export type CellLookup = (scriptName: string) => CompiledCell | undefined;

/** tslab's executor rejects an await that an interrupt cut short with this message (executor.js). */
const ASYNC_INTERRUPT = "Interrupted asynchronously";

function isInterrupt(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED" || error.message === ASYNC_INTERRUPT;
}

/** A thrown value as ipykernel shows an exception: name, message, and the frames of the cells and libraries it went through. */
export function thrownError(error: unknown, cellOf: CellLookup): ErrorContent {
  if (isInterrupt(error)) return { ename: INTERRUPTED, evalue: "the cell was interrupted", traceback: [header(INTERRUPTED), `${INTERRUPTED}: the cell was interrupted`] };
  const { ename, evalue } = describe(error);
  const frames = error instanceof Error && typeof error.stack === "string" ? userFrames(error.stack, cellOf) : [];
  // A stack lists the innermost call first; a traceback reads "most recent call last".
  return { ename, evalue, traceback: [header(ename), ...frames.reverse(), `${ename}: ${evalue}`] };
}

/** TypeScript's diagnostics for a cell: one block each, with the line:column in the cell and the code (TS2322). */
export function diagnosticsError(diagnostics: Diagnostic[], cell: { label: string; lines: string[] }): ErrorContent {
  const first = diagnostics[0]!;
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
  const evalue = `TS${first.code}: ${first.messageText}${more}`;
  const blocks = diagnostics.map((diagnostic) => {
    const line = diagnostic.start.line + 1;
    const column = diagnostic.start.character + 1;
    const where = diagnostic.fileName ? `File ${diagnostic.fileName}, line ${line}, column ${column}` : `${cell.label}, line ${line}, column ${column}`;
    const context = diagnostic.fileName ? "" : `\n${sourceContext(cell.lines, line, column)}`;
    return `${where}: error TS${diagnostic.code}: ${diagnostic.messageText}${context}`;
  });
  return { ename: TYPESCRIPT_ERROR, evalue, traceback: [header(TYPESCRIPT_ERROR), ...blocks, `${TYPESCRIPT_ERROR}: ${evalue}`] };
}

function header(ename: string): string {
  return `${RULE}\n${ename.padEnd(42)}Traceback (most recent call last)`;
}

function describe(error: unknown): { ename: string; evalue: string } {
  if (error instanceof Error) return { ename: error.name || error.constructor?.name || "Error", evalue: error.message };
  // `throw "text"` or `throw { ... }`: JavaScript lets a cell throw anything.
  if (typeof error === "string") return { ename: "Error", evalue: error };
  return { ename: "Error", evalue: `a non-Error value was thrown: ${inspect(error, { colors: false, depth: 2 })}` };
}

/** `    at name (file:line:column)` or `    at file:line:column`, as V8 writes a frame. */
const FRAME = /^\s+at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Frames the kernel itself adds (the executor, vm, Node's internals, this folder): never the user's concern. */
function isKernelInternal(file: string): boolean {
  return file.startsWith("node:") || file.startsWith(__dirname) || /[\\/]tslab[\\/]dist[\\/]/.test(file) || file.startsWith("evalmachine.") || file === "<anonymous>";
}

function userFrames(stack: string, cellOf: CellLookup): string[] {
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, rawName, file, lineText, columnText] = match as unknown as [string, string | undefined, string, string, string];
    const name = rawName?.replace(/^async /, "");
    const cell = cellOf(file);
    if (cell) {
      const frame = cellFrame(cell, Number(lineText), Number(columnText), name);
      if (frame) frames.push(frame);
    } else if (!isKernelInternal(file)) {
      frames.push(`File ${file}:${lineText}${name ? `, in ${name}` : ""}`);
    }
  }
  return frames;
}

/** A frame in a cell, on the cell's own line, with the lines around it; undefined for the executor's wrapper around the cell. */
function cellFrame(cell: CompiledCell, line: number, column: number, name: string | undefined): string | undefined {
  if (line > cell.generatedLines || !cell.mappings) return undefined;
  const generatedColumn = column - 1 - (line === 1 ? cell.firstLineShift : 0);
  const original = originalPosition(cell.mappings, line - 1, Math.max(0, generatedColumn));
  // tslab compiles the cell after a one-line prefix ("export {};"), so its line 1 is the map's line 1 (0-based).
  const cellLine = original ? original.line : -1;
  if (cellLine < 1 || cellLine > cell.lines.length) return undefined;
  const where = name && name !== "Object.<anonymous>" ? `, in ${name}` : "";
  return `${cell.label}, line ${cellLine}${where}\n${sourceContext(cell.lines, cellLine)}`;
}

/** The cell's lines around `line` (1-based), the failing one marked as IPython marks it, with a caret under `column` if given. */
function sourceContext(lines: string[], line: number, column?: number): string {
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const marker = number === line ? "----> " : "      ";
    out.push(`${marker}${String(number).padStart(width)} ${lines[number - 1] ?? ""}`.trimEnd());
    if (number === line && column !== undefined) out.push(`${" ".repeat(6 + width + column)}^`);
  }
  return out.join("\n");
}
