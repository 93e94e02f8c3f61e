import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { PageCache } from "../cache/page-cache";
import { writeAssets } from "./assets";
import { indexPage, notebookPage, type PageLink } from "./layout";
import { listNotebooks, NotebookFormatError, readNotebook, type Notebook } from "../notebook/nbformat";
import { newPageEnv, renderMarkdown } from "./markdown";
import { renderNotebook, type CodeMode, type RenderedNotebook } from "./page";
import { formatBytes, measureSite, type SiteMeasure } from "./report";

export type { CodeMode } from "./page";

export interface ExportOptions {
  /** Folder of executed notebooks (`*.ipynb`), exported in file-name order. */
  from: string;
  /** Folder for the site. Replaced whole if it holds an earlier export; refused if it holds anything else. */
  out: string;
  /** Code cells shown (default), folded, or hidden. */
  code?: CodeMode;
  /** Course title on the index page and in the top bar. */
  title?: string;
  /** Markdown for the top of the index page: who the course is for and what it assumes. Sanitized like any untrusted notebook. */
  intro?: string;
  /**
   * Honour the trust marker (`metadata["gradient-lab"].trusted: true`) and skip
   * sanitizing those notebooks. Off by default: anyone can write the marker,
   * so only the person exporting the lab's own notebooks should say yes.
   */
  trustMarked?: boolean;
  /** Pages rendered by an earlier export, reused while their notebook and the export build are unchanged. */
  pageCache?: PageCache;
}

export interface SitePage {
  /** The notebook it came from. */
  source: string;
  /** The page, relative to the site folder. */
  file: string;
  title: string;
  /** Figures the notebook displays (each becomes one interactive plot). */
  figures: number;
  trusted: boolean;
}

export interface SiteReport extends SiteMeasure {
  out: string;
  index: string;
  pages: SitePage[];
  /** Notebooks that could not be read, each with its problem ("file: problem"); the rest were exported. */
  skipped: string[];
  plotly: { file: string };
}

/**
 * The trust marker: notebook metadata `"gradient-lab": {"trusted": true}` (the
 * object that also holds the regression harness's settings). It counts only
 * when whoever exports also opts in (`trustMarked`), since anyone can write
 * the marker into a file.
 */
function isMarkedTrusted(nb: Notebook): boolean {
  const lab = nb.metadata["gradient-lab"] as { trusted?: unknown } | undefined;
  return lab?.trusted === true;
}

/** Marks a folder as ours, so a later export may replace it without deleting someone's files. */
const SITE_MARKER = ".gradient-lab-site";

/** `01-the-loss.ipynb` -> `01-the-loss.html`; anything odd in the name becomes "-". */
function pageFileName(notebook: string): string {
  return `${path.basename(notebook, ".ipynb").replace(/[^A-Za-z0-9._-]+/g, "-")}.html`;
}

/** Moves the finished site into place; only a folder an earlier export made (or an empty one) is replaced. */
async function replaceSite(built: string, out: string): Promise<void> {
  const existing = await fs.readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (existing !== undefined) {
    if (existing.length > 0 && !existing.includes(SITE_MARKER)) {
      throw new Error(`${out} already exists and is not a site made by gradient-lab export (no ${SITE_MARKER}); choose another --out or empty it`);
    }
    await fs.rm(out, { recursive: true, force: true });
  }
  await fs.rename(built, out);
}

/** Builds the whole course site from executed notebooks and reports its size. */
export async function exportSite(options: ExportOptions): Promise<SiteReport> {
  const code = options.code ?? "show";
  const courseTitle = options.title ?? "gradient-lab course";
  const sources = await listNotebooks(options.from);
  if (sources.length === 0) throw new Error(`notebook folder ${options.from} holds no .ipynb files`);

  const rendered: Array<{ source: string; file: string; trusted: boolean; page: RenderedNotebook }> = [];
  const skipped: string[] = [];
  const taken = new Map<string, string>();
  for (const source of sources) {
    let nb: Notebook;
    try {
      nb = await readNotebook(source);
    } catch (error) {
      // One unreadable notebook is named and left out; the course's other pages still export.
      if (!(error instanceof NotebookFormatError)) throw error;
      skipped.push(error.message);
      continue;
    }
    const file = pageFileName(source);
    const clash = taken.get(file);
    if (clash) throw new Error(`${source} and ${clash} would both become ${file}; rename one of them`);
    taken.set(file, source);
    const trusted = Boolean(options.trustMarked) && isMarkedTrusted(nb);
    const fallbackTitle = path.basename(source, ".ipynb");
    const render = () => renderNotebook(nb, source, fallbackTitle, code, trusted);
    const page = options.pageCache ? await options.pageCache.rendered(nb, { page: file, source, fallbackTitle, code, trusted }, render) : render();
    rendered.push({ source, file, trusted, page });
  }

  const out = path.resolve(options.out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  // Built in a folder beside the target and moved in whole at the end: no
  // reader sees half a site, and a failed export leaves the old one intact.
  const building = await fs.mkdtemp(`${out}.building-`);
  try {
    const assets = await writeAssets(building);
    const links: PageLink[] = rendered.map((r) => ({ file: r.file, titleHtml: r.page.titleHtml }));
    for (const [i, r] of rendered.entries()) {
      const html = notebookPage({
        courseTitle,
        title: r.page.title,
        headings: r.page.headings,
        body: r.page.body,
        figures: r.page.figures,
        prev: links[i - 1],
        next: links[i + 1],
      });
      await fs.writeFile(path.join(building, r.file), html);
    }
    const entries = rendered.map((r, i) => ({ ...links[i]!, summaryHtml: r.page.summaryHtml }));
    const introHtml = options.intro ? renderMarkdown(options.intro, newPageEnv(), false) : "";
    await fs.writeFile(path.join(building, "index.html"), indexPage(courseTitle, entries, introHtml));
    await fs.writeFile(path.join(building, SITE_MARKER), "Made by `gradient-lab export --html`; the next export replaces this folder.\n");

    const measure = await measureSite(building, assets.plotlySignature);
    await replaceSite(building, out);
    return {
      ...measure,
      out,
      index: "index.html",
      pages: rendered.map((r) => ({ source: r.source, file: r.file, title: r.page.title, figures: r.page.figures, trusted: r.trusted })),
      skipped,
      plotly: { file: assets.plotlyFile },
    };
  } catch (err) {
    await fs.rm(building, { recursive: true, force: true });
    throw err;
  }
}

/** The lines the export command prints. */
export function describeSite(report: SiteReport): string {
  const figures = report.pages.reduce((n, p) => n + p.figures, 0);
  return [
    `site: ${report.out}/index.html (${report.pages.length} pages, ${figures} figures)`,
    `total size: ${formatBytes(report.totalBytes)} in ${report.fileCount} files`,
    `largest page: ${report.largestPage.file} (${formatBytes(report.largestPage.bytes)})`,
    `live cells: ${report.live.files.join(" + ") || "none"}, ${formatBytes(report.live.bytes)} (${formatBytes(report.live.gzippedBytes)} gzipped), shared by every page`,
    `plotly.js: ${report.plotlyCopies.length} ${report.plotlyCopies.length === 1 ? "copy" : "copies"} (${report.plotlyCopies.join(", ") || "none"}, minified)`,
  ].join("\n");
}
