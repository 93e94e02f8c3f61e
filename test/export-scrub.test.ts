import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figureBundle } from "../kernel/display/bundle";
import { exportNbconvert } from "../kernel/export/nbconvert";
import { BROWSER_WAIT_MS, fileUrl, launchChromium, openWatchedPage, type Session, siteInChromium, skipBrowser } from "./export-chromium";
import { scrubFigure, scrubToTheEnd } from "./helpers/scrub-figure";
import { needTools } from "./helpers/tools";

// The scrub-through-training figure on the exported course site and in nbconvert HTML, in headless
// Chromium: the slider is moved to its last step and the drawn edges and the marked loss are read back.
// (test/display-jupyterlab-rendermime.test.ts does the same in JupyterLab's output area.)

/** One notebook whose only output is the figure exactly as the kernel's display bridge sends it. */
function writeCourse(folder: string): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    cells: [
      { cell_type: "markdown", id: "title", metadata: {}, source: "# Scrub through training\n\nThe seed network over 30 steps." },
      {
        cell_type: "code",
        id: "scrub",
        metadata: {},
        execution_count: 1,
        source: 'show(scrubTraining(run, { show: "weight" }));',
        outputs: [{ output_type: "display_data", metadata: {}, data: figureBundle(scrubFigure, "scrub-figure") }],
      },
    ],
  };
  writeFileSync(path.join(folder, "01-scrub.ipynb"), JSON.stringify(notebook, null, 1));
}

describe.skipIf(skipBrowser)("scrub figure on the course site in Chromium", () => {
  const work = mkdtempSync(path.join(tmpdir(), "gl-scrub-"));
  const notebooks = path.join(work, "notebooks");
  mkdirSync(notebooks);
  writeCourse(notebooks);
  const site = siteInChromium(notebooks);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("moves the drawn edges and the marked loss to the last step when the slider goes to its end", async () => {
    const w = await site.open("01-scrub.html", 1);
    await scrubToTheEnd(w.page);
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

// nbconvert HTML draws from the bundle's text/html part, the same HTML the classic Notebook runs.
const tools = needTools("nbconvert scrub test", ["chromium", "jupyter", "jupyter-nbconvert"]);

describe.skipIf(tools.skip)("scrub figure in nbconvert HTML in Chromium", () => {
  let work: string;
  let session: Session;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "gl-scrub-nbconvert-"));
    writeCourse(work);
    session = await launchChromium();
  });
  afterAll(async () => {
    await session?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("moves the drawn edges and the marked loss to the last step from the figure's own HTML", async () => {
    const html = await exportNbconvert({ notebook: path.join(work, "01-scrub.ipynb"), outDir: path.join(work, "html"), template: "classic", jupyter: tools.path("jupyter") });
    const w = await openWatchedPage(session.browser);
    await w.page.goto(fileUrl(html), { waitUntil: "load" });
    await w.page.waitForFunction(() => document.querySelector(".js-plotly-plot .main-svg") !== null, undefined, { timeout: BROWSER_WAIT_MS });
    await scrubToTheEnd(w.page);
    expect(w.pageErrors).toEqual([]);
    await w.page.close();
  });
});
