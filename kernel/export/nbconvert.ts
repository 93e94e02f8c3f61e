import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { minifiedPlotlyPath } from "../display/plotly-source";
import { projectRoot } from "../project-root";

/**
 * The nbconvert path: `jupyter nbconvert --to html` with our templates in
 * kernel/nbconvert/templates, which inline plotly.js once in <head>. The
 * figures' `text/html` parts wait for `window.Plotly`, so the plots then draw
 * with no network. "lab" and "classic" follow nbconvert's own two looks.
 */
export type NbconvertTemplate = "lab" | "classic";

const templateName = (t: NbconvertTemplate): string => (t === "lab" ? "gradient-lab" : "gradient-lab-classic");

export function nbconvertTemplatesDir(): string {
  return path.join(projectRoot(), "kernel", "nbconvert", "templates");
}

/** The arguments after `jupyter`; README shows the same command for people who call nbconvert themselves. */
export function nbconvertArgs(notebook: string, outDir: string, template: NbconvertTemplate = "lab"): string[] {
  return [
    "nbconvert",
    "--to",
    "html",
    "--template",
    templateName(template),
    `--TemplateExporter.extra_template_basedirs=${nbconvertTemplatesDir()}`,
    // The template's include_js("plotly.min.js") looks the file up on this path.
    `--TemplateExporter.extra_template_paths=${path.dirname(minifiedPlotlyPath())}`,
    "--output-dir",
    outDir,
    notebook,
  ];
}

export interface NbconvertOptions {
  notebook: string;
  /** Default: next to the notebook, as nbconvert does. */
  outDir?: string;
  template?: NbconvertTemplate;
  /** The jupyter executable; default `$JUPYTER` or `jupyter` on PATH. */
  jupyter?: string;
}

/** Runs nbconvert and returns the path of the HTML file it wrote. */
export async function exportNbconvert(options: NbconvertOptions): Promise<string> {
  const outDir = options.outDir ?? path.dirname(options.notebook);
  const jupyter = options.jupyter ?? process.env.JUPYTER ?? "jupyter";
  try {
    await promisify(execFile)(jupyter, nbconvertArgs(options.notebook, outDir, options.template), { maxBuffer: 1 << 24 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error(`${jupyter} not found: install jupyter-nbconvert (Debian) or set JUPYTER`);
    throw new Error(`nbconvert failed on ${options.notebook}:\n${(e.stderr ?? e.message).trim()}`);
  }
  return path.join(outDir, `${path.basename(options.notebook, ".ipynb")}.html`);
}
