import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * The parts of an nbformat 4 notebook the export reads. Anything else in the
 * file is ignored, so notebooks from newer minor versions still export.
 */
export type MimeBundle = Record<string, unknown>;

export type Output =
  | { output_type: "stream"; name: string; text: string }
  | { output_type: "display_data" | "execute_result"; data: MimeBundle }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export type Cell =
  | { cell_type: "markdown"; source: string; attachments?: Attachments }
  | { cell_type: "code"; source: string; outputs: Output[] }
  | { cell_type: "raw"; source: string };

/** A markdown cell's pasted images: name -> MIME type -> base64 data, as nbformat stores them. */
export type Attachments = Record<string, Record<string, string>>;

export interface Notebook {
  /** Where the notebook came from, for error messages and the report. */
  file: string;
  cells: Cell[];
  /** `metadata.language_info.name`, used to pick the highlighter. */
  language: string;
  /** True when the notebook carries the trust marker (see `isMarkedTrusted`). */
  markedTrusted: boolean;
}

/**
 * The trust marker: notebook metadata `"gradient-lab": {"trusted": true}` (the same
 * object that holds the regression harness's settings).
 * It only has an effect when whoever runs the export also opts in (the
 * `trustMarked` option), because anyone can write the marker into a file.
 */
export function isMarkedTrusted(metadata: unknown): boolean {
  const lab = (metadata as { "gradient-lab"?: { trusted?: unknown } } | undefined)?.["gradient-lab"];
  return lab?.trusted === true;
}

/** nbformat stores multiline strings either as one string or as a list of lines. */
function joinSource(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((line) => typeof line === "string")) return value.join("");
  throw new Error(`${where}: expected a string or a list of strings`);
}

function parseOutput(raw: unknown, where: string): Output {
  if (typeof raw !== "object" || raw === null) throw new Error(`${where}: not an object`);
  const o = raw as Record<string, unknown>;
  switch (o.output_type) {
    case "stream":
      return { output_type: "stream", name: String(o.name ?? "stdout"), text: joinSource(o.text, `${where}.text`) };
    case "display_data":
    case "execute_result": {
      if (typeof o.data !== "object" || o.data === null) throw new Error(`${where}.data: expected an object`);
      const data: MimeBundle = {};
      // Text MIME types may be stored as line lists too; JSON types stay as they are.
      for (const [mime, value] of Object.entries(o.data as Record<string, unknown>)) {
        data[mime] = mime.endsWith("json") || mime.includes("+json") ? value : joinSource(value, `${where}.data["${mime}"]`);
      }
      return { output_type: o.output_type, data };
    }
    case "error":
      return {
        output_type: "error",
        ename: String(o.ename ?? "Error"),
        evalue: String(o.evalue ?? ""),
        traceback: Array.isArray(o.traceback) ? o.traceback.map(String) : [],
      };
    default:
      throw new Error(`${where}: unknown output_type ${JSON.stringify(o.output_type)}`);
  }
}

function parseAttachments(raw: unknown, where: string): Attachments {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${where}: expected an object of name -> MIME bundle`);
  const attachments: Attachments = {};
  for (const [name, bundle] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) throw new Error(`${where}["${name}"]: expected a MIME bundle object`);
    const decoded: Record<string, string> = {};
    for (const [mime, data] of Object.entries(bundle as Record<string, unknown>)) {
      decoded[mime] = joinSource(data, `${where}["${name}"]["${mime}"]`);
    }
    attachments[name] = decoded;
  }
  return attachments;
}

function parseCell(raw: unknown, where: string): Cell {
  if (typeof raw !== "object" || raw === null) throw new Error(`${where}: not an object`);
  const c = raw as Record<string, unknown>;
  const source = joinSource(c.source ?? "", `${where}.source`);
  switch (c.cell_type) {
    case "markdown": {
      if (c.attachments === undefined) return { cell_type: "markdown", source };
      return { cell_type: "markdown", source, attachments: parseAttachments(c.attachments, `${where}.attachments`) };
    }
    case "raw":
      return { cell_type: c.cell_type, source };
    case "code": {
      const outputs = c.outputs ?? [];
      if (!Array.isArray(outputs)) throw new Error(`${where}.outputs: expected a list`);
      return { cell_type: "code", source, outputs: outputs.map((o, i) => parseOutput(o, `${where}.outputs[${i}]`)) };
    }
    default:
      throw new Error(`${where}: unknown cell_type ${JSON.stringify(c.cell_type)}`);
  }
}

/** Parses notebook JSON text; errors name the file and the cell. */
export function parseNotebook(text: string, file: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const nb = json as { nbformat?: unknown; cells?: unknown; metadata?: Record<string, unknown> };
  if (nb.nbformat !== 4) throw new Error(`${file}: nbformat ${JSON.stringify(nb.nbformat)} is not supported (need 4)`);
  if (!Array.isArray(nb.cells)) throw new Error(`${file}: "cells" is missing or not a list`);
  const languageInfo = nb.metadata?.language_info as { name?: unknown } | undefined;
  return {
    file,
    cells: nb.cells.map((cell, i) => parseCell(cell, `${file}: cell ${i + 1}`)),
    language: typeof languageInfo?.name === "string" ? languageInfo.name : "typescript",
    markedTrusted: isMarkedTrusted(nb.metadata),
  };
}

export async function readNotebook(file: string): Promise<Notebook> {
  return parseNotebook(await fs.readFile(file, "utf8"), file);
}

/** The `.ipynb` files of a folder in course order (by file name: 01-…, 02-…). */
export async function listNotebooks(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new Error(`notebook folder ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const notebooks = names.filter((n) => n.endsWith(".ipynb") && !n.startsWith(".")).sort();
  if (notebooks.length === 0) throw new Error(`notebook folder ${dir} holds no .ipynb files`);
  return notebooks.map((n) => path.join(dir, n));
}
