import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PLOTLY_MIME } from "../../kernel/display/names";
import { joinText, parseNotebook, type Notebook } from "../../kernel/notebook/nbformat";

/** The committed course notebooks, read as files (no kernel). */
export const courseFolder = join(__dirname, "../../notebooks");

/** The course notebooks' file names, in course order; read synchronously so test files can list them without top-level await. */
export function courseNotebookNames(): string[] {
  return readdirSync(courseFolder)
    .filter((name) => name.endsWith(".ipynb") && !name.startsWith("."))
    .sort();
}

/** The course notebooks' full paths, in course order. */
export function courseNotebookPaths(): string[] {
  return courseNotebookNames().map((name) => join(courseFolder, name));
}

export function loadCourseNotebook(file: string): Notebook {
  return parseNotebook(readFileSync(join(courseFolder, file), "utf8"), file);
}

/** Every text a notebook's code cells printed or displayed, except figures. */
export function outputText(notebook: Notebook): string {
  return notebook.cells
    .flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []))
    .map((output) => {
      if (output.output_type === "stream") return joinText(output.text);
      if (output.output_type === "display_data") {
        const data = output.data as Record<string, unknown>;
        return joinText((data["text/markdown"] ?? data["text/plain"] ?? "") as string | string[]);
      }
      return "";
    })
    .join("\n");
}

/** How many figures (Plotly bundles) a notebook's stored outputs show. */
export function storedFigureCount(notebook: Notebook): number {
  return notebook.cells
    .flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []))
    .filter((output) => (output.output_type === "display_data" || output.output_type === "execute_result") && PLOTLY_MIME in (output.data as object)).length;
}
