import { mkdir, readdir, rm } from "node:fs/promises";
import { readCacheEntry } from "./cache-folder";
import { join, resolve } from "node:path";
import type { RenderedNotebook } from "../export/page";
import { writeFileAtomically, type Notebook } from "../notebook/nbformat";
import { hashValue } from "./content-hash";
import { exportBuildHash } from "./export-build";

/** What a page's rendering depends on besides the notebook itself. */
export interface PageRequest {
  /** The page's file name in the site (also the entry's name). */
  page: string;
  source: string;
  fallbackTitle: string;
  code: string;
  trusted: boolean;
}

/**
 * Rendered notebook pages (Markdown, math, highlighted code, outputs as HTML)
 * stored by a key of the notebook's content, the rendering options and the
 * export build, so an export after one notebook changed renders that page
 * only. Entries are written whole; an unreadable one is rendered again, with
 * a warning; each page keeps only the entry it last used.
 */
export class PageCache {
  private readonly folder: string;
  private readonly warn: (line: string) => void;

  constructor(options: { folder: string; warn?: (line: string) => void }) {
    this.folder = join(resolve(options.folder), "pages");
    this.warn = options.warn ?? ((line) => console.error(line));
  }

  async rendered(notebook: Notebook, request: PageRequest, render: () => RenderedNotebook): Promise<RenderedNotebook> {
    const key = hashValue({ format: 1, notebook, request, build: await exportBuildHash() });
    const prefix = `${request.page}.`;
    const entry = join(this.folder, `${prefix}${key}.json`);
    const stored = await readCacheEntry(entry, (reason) => this.warn(`gradient-lab: cache entry ${entry} is unusable (${reason}); rendering ${request.source} again`));
    if (stored !== undefined) {
      try {
        return checkRendered(JSON.parse(stored));
      } catch (error) {
        this.warn(`gradient-lab: cache entry ${entry} is unusable (${(error as Error).message}); rendering ${request.source} again`);
      }
    }
    const page = render();
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFileAtomically(entry, JSON.stringify(page));
      for (const name of await readdir(this.folder)) if (name.startsWith(prefix) && join(this.folder, name) !== entry) await rm(join(this.folder, name), { force: true });
    } catch (error) {
      this.warn(`gradient-lab: could not store the page of ${request.source} in the cache at ${entry} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return page;
  }
}

function checkRendered(value: unknown): RenderedNotebook {
  const page = value as Partial<RenderedNotebook> | null;
  const texts = page && [page.title, page.titleHtml, page.summaryHtml, page.body].every((text) => typeof text === "string");
  if (!texts || !Array.isArray(page.headings) || typeof page.figures !== "number") throw new Error("not a rendered page");
  return page as RenderedNotebook;
}
