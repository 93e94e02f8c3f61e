import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PLOTLY_MIME } from "../kernel/display/names";
import { leftOutNote, untrustedFigure } from "../kernel/display/untrusted-figure";
import { NOTEBOOK_KERNELSPEC } from "../kernel/kernelspec";
import { formatNotebook, type Notebook } from "../kernel/notebook/nbformat";
import { skipBrowser } from "./export-chromium";
import { HOSTILE_FIGURES, TRACKER_HOST } from "./helpers/hostile-figures";
import { FRONTEND_TEST_TIMEOUT_MS, realJupyter, realJupyterMissing, type Frontend, type NotebookPage } from "./helpers/real-jupyter";
import { courseFolder, loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";

/**
 * Issue 27 in the real JupyterLab 4.6 and Notebook 7.6 with our extension: a
 * notebook from anyone, opened untrusted, makes the reader's browser call no
 * address outside the page, and each figure draws what it may keep with its
 * note; trusted, the geographic figures draw from the maps kernel install
 * shipped, with every request outside the page refused. And the course:
 * notebook 05 opened, run and scrolled raises no error from our renderer,
 * and an untouched course notebook opens unmodified.
 */
const FRONTENDS: Frontend[] = ["JupyterLab", "Notebook 7"];
const GEOGRAPHIC = ["scattergeo", "choropleth", "choropleth with remote GeoJSON"];
const COURSE_NOTEBOOK = "05-training-loop.ipynb";

const folder = mkdtempSync(join(tmpdir(), "gradient-lab-hostile-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * The hostile figures as stored outputs, one cell each, in cell order: a
 * notebook someone sent. Each test gets its own copy with its own title:
 * Jupyter trusts a notebook by its content's signature, so trusting one copy
 * would trust every identical one.
 */
function hostileNotebook(title: string): string {
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: NOTEBOOK_KERNELSPEC, title },
    cells: Object.entries(HOSTILE_FIGURES).map(([name, figure], index) => ({
      cell_type: "code",
      id: `hostile-${index}`,
      source: `// ${name}`,
      metadata: {},
      execution_count: index + 1,
      outputs: [{ output_type: "display_data", data: { [PLOTLY_MIME]: figure, "text/plain": name }, metadata: {} }],
    })),
  };
  const file = join(folder, `${title}.ipynb`);
  writeFileSync(file, formatNotebook(notebook));
  return file;
}
const FIGURES = Object.keys(HOSTILE_FIGURES).length;

/** Each figure's note under it, in cell order. */
const notes = (notebook: NotebookPage): Promise<string[]> =>
  notebook.page.evaluate(() => Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .gradient-lab-plotly-output")).map((output) => output.querySelector(".gradient-lab-plotly-note")?.textContent ?? "(none)"));

/** How many geographic figures have drawn a map (coastlines, or a region's countries). */
const mapsDrawn = (notebook: NotebookPage, count: number) =>
  notebook.page.waitForFunction((count) => document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .geo :is(.coastlines, .countries) path:first-child").length >= count, count);

/** Errors on the page that come from figures: plotly.js's own (a resize of a hidden plot...) or our renderer's. */
const ourErrors = (notebook: NotebookPage): string[] => [...notebook.pageErrors, ...notebook.consoleErrors].filter((line) => /plot|resize|figure|gradient-lab/i.test(line));

const skip = skipBrowser || realJupyterMissing("untrusted figures in the real JupyterLab and Notebook 7");

describe.skipIf(skip)("hostile figures in the real JupyterLab 4.6 and Notebook 7.6", () => {
  const jupyter = realJupyter();

  for (const frontend of FRONTENDS) {
    it(`${frontend}: untrusted, nothing is requested outside the page, and each figure draws what it may keep, with its note`, async () => {
      const path = jupyter.serve(hostileNotebook(`${frontend.replace(/\W/g, "")}-untrusted`));
      const page = await jupyter.open(frontend, path);
      try {
        expect(await page.trustedCodeCells()).toBe(0);
        await page.waitForFigures(FIGURES, "all");
        expect(await page.drawnFigures("all")).toBe(FIGURES);
        await mapsDrawn(page, GEOGRAPHIC.length);
        const expected = Object.values(HOSTILE_FIGURES).map((figure) => {
          const { leftOut } = untrustedFigure(figure, "/maps/");
          return leftOut.length > 0 ? leftOutNote(leftOut) : "";
        });
        expect(await notes(page)).toEqual(expected);
        expect(page.outside).toEqual([]);
        // Notebook 7.6 raises one of its own on opening ("Cannot read properties of undefined (reading 'schema')").
        expect(ourErrors(page)).toEqual([]);
      } finally {
        await page.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);

    it(`${frontend}: trusted, the geographic figures draw from the shipped maps with every request outside the page refused`, async () => {
      const path = jupyter.serve(hostileNotebook(`${frontend.replace(/\W/g, "")}-trusted`));
      jupyter.trust(path);
      const page = await jupyter.open(frontend, path);
      try {
        expect(await page.trustedCodeCells()).toBe(FIGURES);
        // Not the choropleth with remote GeoJSON: trusted, it keeps its URL, which is refused here.
        await mapsDrawn(page, 2);
        expect(await notes(page)).toEqual(Object.keys(HOSTILE_FIGURES).map(() => ""));
        // A figure that cannot be drawn says why in one line instead of an empty output.
        await page.page.waitForFunction(() => Array.from(document.querySelectorAll(".gradient-lab-plotly")).some((plot) => plot.textContent?.startsWith("This figure could not be drawn: ")));
        // Trusted figures keep their addresses (so the payloads are real); refused, as every outside request here.
        await expect.poll(() => page.outside.filter((url) => new URL(url).hostname === TRACKER_HOST).length).toBeGreaterThan(0);
        expect(page.outside.filter((url) => url.includes("cdn.plot.ly"))).toEqual([]);
      } finally {
        await page.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);
  }

  it(`JupyterLab: ${COURSE_NOTEBOOK} opens unmodified, and opening, running and scrolling it raises no error from our renderer`, async () => {
    const path = jupyter.serve(join(courseFolder, COURSE_NOTEBOOK), `clean-${COURSE_NOTEBOOK}`);
    const page = await jupyter.open("JupyterLab", path);
    const dirty = () => page.page.evaluate(() => (window as unknown as { notebook: { context: { model: { dirty: boolean } } } }).notebook.context.model.dirty);
    try {
      const stored = storedFigureCount(loadCourseNotebook(COURSE_NOTEBOOK));
      await page.waitForFigures(stored, "all");
      // The kernel has answered kernel_info and JupyterLab has written its language_info and kernelspec by now.
      expect(await dirty(), "modified right after opening, with no edit").toBe(false);
      await page.startRunAll();
      await page.finishRun();
      await page.waitForFigures(stored, "fresh");
      // Scrolled from top to bottom and back: JupyterLab hides and detaches outputs out of view.
      await page.page.evaluate(async () => {
        const scroller = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer") as HTMLElement;
        const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        for (const top of [scroller.scrollHeight, 0, scroller.scrollHeight / 2, 0]) {
          scroller.scrollTop = top;
          await frame();
        }
      });
      expect(ourErrors(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, FRONTEND_TEST_TIMEOUT_MS);
});
