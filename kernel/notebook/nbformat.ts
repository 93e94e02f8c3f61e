import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The parts of nbformat 4.5 this project reads and writes. */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: Attachments;
}

/** A markdown cell's pasted images: name -> MIME type -> base64 data, as nbformat stores them. */
export type Attachments = Record<string, Record<string, MultilineString>>;
export type Cell = CodeCell | TextCell;

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** A notebook file that cannot be used, with the file and the problem named. */
export class NotebookFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export function joinText(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Checks the shape this project relies on; the first problem found is thrown. */
export function parseNotebook(text: string, file: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new NotebookFormatError(file, "not a notebook: the JSON is not an object");
  }
  const nb = value as Record<string, unknown>;
  if (nb.nbformat !== 4) {
    throw new NotebookFormatError(file, `wrong nbformat ${JSON.stringify(nb.nbformat)}, only nbformat 4 is supported`);
  }
  if (!Array.isArray(nb.cells)) throw new NotebookFormatError(file, 'missing "cells" (it must be an array)');
  nb.cells.forEach((cell, index) => checkCell(cell, index, file));
  return {
    nbformat: 4,
    nbformat_minor: typeof nb.nbformat_minor === "number" ? nb.nbformat_minor : 0,
    metadata: isObject(nb.metadata) ? nb.metadata : {},
    cells: nb.cells as Cell[],
  };
}

function checkCell(cell: unknown, index: number, file: string): void {
  const where = `cell ${index + 1}`;
  if (!isObject(cell)) throw new NotebookFormatError(file, `${where} is not an object`);
  if (!["code", "markdown", "raw"].includes(cell.cell_type as string)) {
    throw new NotebookFormatError(file, `${where} has cell_type ${JSON.stringify(cell.cell_type)}`);
  }
  if (!(typeof cell.source === "string" || (Array.isArray(cell.source) && cell.source.every((s) => typeof s === "string")))) {
    throw new NotebookFormatError(file, `${where} has no source text`);
  }
  if (!isObject(cell.metadata)) cell.metadata = {};
  if (cell.cell_type === "code") {
    if (cell.outputs === undefined) cell.outputs = [];
    if (!Array.isArray(cell.outputs)) throw new NotebookFormatError(file, `${where} has outputs that are not an array`);
    cell.outputs.forEach((output, at) => checkOutput(output, `${where} output ${at + 1}`, file));
    if (cell.execution_count === undefined) cell.execution_count = null;
  }
  if (cell.attachments !== undefined) checkAttachments(cell.attachments, where, file);
}

const isText = (value: unknown): boolean => typeof value === "string" || (Array.isArray(value) && value.every((line) => typeof line === "string"));

/** Each output kind with the fields the runner, the harness and the export read; metadata may be left out. */
function checkOutput(output: unknown, where: string, file: string): void {
  if (!isObject(output)) throw new NotebookFormatError(file, `${where} is ${JSON.stringify(output)}, not an output object`);
  switch (output.output_type) {
    case "stream":
      if (output.name !== "stdout" && output.name !== "stderr") throw new NotebookFormatError(file, `${where} is a stream named ${JSON.stringify(output.name)}, not stdout or stderr`);
      if (!isText(output.text)) throw new NotebookFormatError(file, `${where} is a stream without text`);
      return;
    case "display_data":
    case "execute_result":
      if (!isObject(output.data)) throw new NotebookFormatError(file, `${where} is ${output.output_type} without a "data" object`);
      if (!isObject(output.metadata)) output.metadata = {};
      if (output.output_type === "execute_result" && output.execution_count === undefined) output.execution_count = null;
      return;
    case "error":
      if (typeof output.ename !== "string" || typeof output.evalue !== "string") throw new NotebookFormatError(file, `${where} is an error without ename and evalue strings`);
      if (!Array.isArray(output.traceback)) output.traceback = [];
      output.traceback = (output.traceback as unknown[]).map(String);
      return;
    default:
      throw new NotebookFormatError(file, `${where} has output_type ${JSON.stringify(output.output_type)}`);
  }
}

function checkAttachments(attachments: unknown, where: string, file: string): void {
  if (!isObject(attachments)) throw new NotebookFormatError(file, `${where} has attachments that are not an object of name -> MIME bundle`);
  for (const [name, bundle] of Object.entries(attachments)) {
    if (!isObject(bundle)) throw new NotebookFormatError(file, `${where} attachment ${JSON.stringify(name)} is not a MIME bundle object`);
    for (const [mime, data] of Object.entries(bundle)) {
      if (!isText(data)) throw new NotebookFormatError(file, `${where} attachment ${JSON.stringify(name)} has ${mime} data that is not text`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new NotebookFormatError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseNotebook(text, file);
}

/**
 * The `.ipynb` entries of a folder, sorted by name (the course's chapter
 * order: 01-…, 02-…); hidden ones (editor and checkpoint copies) are left out.
 * An entry that is not a readable notebook is listed all the same, so the
 * caller reports it by name when it reads it.
 */
export async function listNotebooks(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new Error(`notebook folder ${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return names
    .filter((name) => name.endsWith(".ipynb") && !name.startsWith("."))
    .sort()
    .map((name) => join(folder, name));
}

/** nbformat 4.5 wants an id on every cell; old notebooks get fresh ones. */
export function withCellIds(notebook: Notebook): Notebook {
  const used = new Set<string>();
  const cells = notebook.cells.map((cell) => {
    let id = cell.id;
    while (!id || used.has(id)) id = randomBytes(4).toString("hex");
    used.add(id);
    return { ...cell, id };
  });
  return { ...notebook, nbformat_minor: Math.max(notebook.nbformat_minor, 5), cells };
}

/** The layout Jupyter itself writes: one-space indent and a final newline. */
export function formatNotebook(notebook: Notebook): string {
  return JSON.stringify(notebook, null, 1) + "\n";
}

/**
 * Our temporary files: `.<name>.gradient-lab-<pid>-<random>.tmp` beside the
 * file they replace, so a later write can tell the leftovers of a run that
 * was killed (its pid gone) from anything else in the folder.
 */
const temporaryName = (name: string): string => `.${name}.gradient-lab-${process.pid}-${randomBytes(3).toString("hex")}.tmp`;
const TEMPORARY = /^\.(.+)\.gradient-lab-(\d+)-[0-9a-f]+\.tmp$/;

/** Temporary files being written now; removed if this process exits (Ctrl-C, SIGTERM) before the rename. */
const pending = new Set<string>();
process.once("exit", () => {
  for (const file of pending) rmSync(file, { force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporary copies of `name` that a run killed mid-write (SIGKILL) left in `folder`. */
async function removeLeftovers(folder: string, name: string): Promise<void> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = TEMPORARY.exec(entry);
    if (match && match[1] === name && !isAlive(Number(match[2]))) await rm(join(folder, entry), { force: true });
  }
}

/**
 * Writes next to the target, then renames: a reader (or a crash) sees the old
 * file or the new one, never half of one. A symlink is written through (its
 * target is replaced, the link stays) and an existing file keeps its mode.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const target = await realpath(file).catch(() => file);
  const folder = dirname(target);
  await removeLeftovers(folder, basename(target));
  const mode = await stat(target).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  );
  const temporary = join(folder, temporaryName(basename(target)));
  pending.add(temporary);
  try {
    // Private while it is written; the original's mode is set before it takes the original's place.
    await writeFile(temporary, text, mode === undefined ? {} : { mode: 0o600 });
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

export async function writeNotebook(file: string, notebook: Notebook): Promise<void> {
  await writeFileAtomically(file, formatNotebook(withCellIds(notebook)));
}

export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}
