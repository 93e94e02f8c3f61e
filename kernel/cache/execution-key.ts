import { dirname, resolve } from "node:path";
import { cellTags, joinText, type Notebook } from "../notebook/nbformat";
import { hashValue } from "./content-hash";

/** The builds a notebook runs against, hashed once per folder (engine-build.ts, kernel-build.ts). */
export interface Builds {
  engine: string;
  kernel: string;
}

/**
 * Everything that decides what executing a notebook prints, as one hash:
 * each code cell's source and tags in order (an injected-parameters cell is
 * a code cell too, so `-p` values count), the kernel the notebook asks for,
 * the folder it runs in, and the engine and kernel builds. Markdown, cell ids
 * and the timeout are left out: they change no output.
 */
export function executionKey(notebook: Notebook, file: string, builds: Builds): string {
  const kernelspec = notebook.metadata.kernelspec as { name?: unknown; language?: unknown } | undefined;
  return hashValue({
    format: 1,
    folder: dirname(resolve(file)),
    kernelspec: [kernelspec?.name ?? null, kernelspec?.language ?? null],
    code: notebook.cells.flatMap((cell) => (cell.cell_type === "code" ? [[joinText(cell.source), cellTags(cell)]] : [])),
    builds,
  });
}

export function codeCellSources(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell) => (cell.cell_type === "code" ? [joinText(cell.source)] : []));
}
