import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
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
  attachments?: Record<string, unknown>;
}
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

/** A markdown cell's pasted images: name -> MIME type -> base64 text. */
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
 * Writes next to the target, then renames: a reader (or a crash) sees the old
 * file or the new one, never half of one.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function writeNotebook(file: string, notebook: Notebook): Promise<void> {
  await writeFileAtomically(file, formatNotebook(withCellIds(notebook)));
}

export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}
