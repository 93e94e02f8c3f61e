import { describe, expect, it } from "vitest";
import { compareNotebooks } from "../kernel/regression/harness";
import type { Notebook, Output } from "../kernel/notebook/nbformat";
import { siteInChromium, skipBrowser, type WatchedPage } from "./export-chromium";
import { courseFolder, courseNotebookNames, loadCourseNotebook } from "./helpers/stored-notebook";

// Issue 23: the course site's cells run in the reader's browser. Each course
// page, opened from file:// with every other request blocked, runs all its
// code cells in the page's worker; the outputs must match the kernel's stored
// ones by the regression harness's own comparison.

declare const window: { gradientLabLive?: { runAll(): Promise<Record<number, Output[]>> } };

async function runAllInPage(w: WatchedPage): Promise<Record<number, Output[]>> {
  await w.page.waitForFunction(() => window.gradientLabLive !== undefined);
  return w.page.evaluate(() => window.gradientLabLive!.runAll());
}

/** The stored notebook with each code cell's outputs replaced by what the page produced (a cell the page did not run keeps none). */
function withPageOutputs(stored: Notebook, outputs: Record<number, Output[]>): Notebook {
  return { ...stored, cells: stored.cells.map((cell, i) => (cell.cell_type === "code" ? { ...cell, outputs: outputs[i + 1] ?? [] } : cell)) };
}

describe.skipIf(skipBrowser)("the course's cells run in the page's worker (issue 23)", () => {
  const site = siteInChromium(courseFolder);

  for (const notebook of courseNotebookNames()) {
    it(`${notebook}: every code cell's outputs match the kernel's, nothing fetched`, async () => {
      const w = await site.open(notebook.replace(/\.ipynb$/, ".html"), 0);
      try {
        const outputs = await runAllInPage(w);
        const stored = loadCourseNotebook(notebook);
        const mismatches = compareNotebooks(stored, withPageOutputs(stored, outputs));
        expect(mismatches.map((m) => `cell ${m.cellNumber} (${m.firstLine}):\n${m.diff}`).join("\n\n")).toBe("");
        expect(w.blockedRequests).toEqual([]);
        expect(w.pageErrors).toEqual([]);
      } finally {
        await w.page.close();
      }
    });
  }
});

