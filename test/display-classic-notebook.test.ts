import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "../kernel/kernelspec";
import { installPlotlyNbextension } from "../kernel/display/nbextension";
import { BROWSER_WAIT_MS, launchChromium } from "./export-chromium";
import { startJupyterServer, type RunningServer } from "./helpers/jupyter-server";
import { courseNotebookNames, loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";
import { needTools } from "./helpers/tools";

/**
 * The path a classic-Notebook user takes: Debian's Notebook server with our
 * kernelspec and the plotly.js nbextension, the fixture notebook opened in
 * headless Chromium and run; the figures' HTML must load plotly.js from the
 * server (requirejs, nbextensions/gradient-lab/plotly.min) and draw, with no
 * request leaving the machine.
 */
const ROOT = resolve(__dirname, "..");
const FIXTURE = join(ROOT, "test/fixtures/display/show-figure.ipynb");
const KERNEL = "gradient-lab-display-test";
const COURSE = join(ROOT, "notebooks");
const COURSE_NOTEBOOKS = courseNotebookNames();

const tools = needTools("classic Notebook test", ["chromium", "jupyter", "jupyter-notebook"]);

describe.skipIf(tools.skip)("figures in Debian's classic Notebook", () => {
  let jupyterHome: string;
  let notebooks: string;
  let server: RunningServer | undefined;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    jupyterHome = mkdtempSync(join(tmpdir(), "gradient-lab-classic-"));
    const data = join(jupyterHome, "data");
    mkdirSync(join(data, "kernels", KERNEL), { recursive: true });
    writeFileSync(
      join(data, "kernels", KERNEL, "kernel.json"),
      JSON.stringify({ argv: [join(ROOT, "node_modules/.bin/tslab"), "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript (display test)", language: "typescript" }),
    );
    // The course notebooks ask for the kernel `gradient-lab kernel install` writes; this data dir comes first on JUPYTER_PATH.
    await installKernelSpec(data);
    await installPlotlyNbextension(data);
    // The kernel starts in the notebook's folder and must find node_modules/gradient-lab above it; a link does that without copying into the repository.
    notebooks = join(jupyterHome, "notebooks");
    mkdirSync(notebooks);
    symlinkSync(join(ROOT, "node_modules"), join(jupyterHome, "node_modules"));
    cpSync(FIXTURE, join(notebooks, "show-figure.ipynb"));
    cpSync(COURSE, join(notebooks, "course"), { recursive: true, filter: (path) => !path.includes(".ipynb_checkpoints") });
    server = await startJupyterServer(
      tools.path("jupyter"),
      (port) => ["notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", "--NotebookApp.token=", "--NotebookApp.password=", "--NotebookApp.port_retries=0", `--notebook-dir=${notebooks}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])],
      { ...process.env, JUPYTER_PATH: data, JUPYTER_DATA_DIR: data, JUPYTER_CONFIG_DIR: join(jupyterHome, "config"), JUPYTER_RUNTIME_DIR: join(jupyterHome, "runtime") },
    );
    base = server.base;
    ({ browser } = await launchChromium());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(jupyterHome, { recursive: true, force: true });
  });

  it("runs the fixture notebook and draws both figures, offline", async () => {
    const result = await runInBrowser(`${base}/notebooks/show-figure.ipynb`, "/tmp/gradient-lab-classic-notebook.png", 2);
    expect(result.figures).toBe(2);
    expect(result.drawn, result.undrawn.join("\n")).toBe(2);
    expect(result.labels).toContain("W53 = 0.995");
    expect(result.markdown).toBe(1);
    expect(result.errors).toEqual([]);
    expect(result.outside).toEqual([]);
  }, 400_000);

  // The course's own notebooks (issue 4): every figure a notebook shows must draw, with no page error or outside request.
  it.each(COURSE_NOTEBOOKS)("runs the course notebook %s and draws every figure it shows", async (name) => {
    // As many figures as the committed copy stores (the same code on the same seeds), each one drawn.
    const stored = storedFigureCount(loadCourseNotebook(name));
    const result = await runInBrowser(`${base}/notebooks/course/${name}`, `/tmp/gradient-lab-classic-${name.replace(/\.ipynb$/, "")}.png`, stored);
    console.info(`${name}: ${result.drawn} of ${result.figures} figures drawn, ${stored} stored`);
    expect(result.figures).toBe(stored);
    expect(result.drawn, result.undrawn.join("\n")).toBe(stored);
    expect(result.errors).toEqual([]);
    expect(result.outside).toEqual([]);
    // A bound, not a speed goal: a kernel start, a run and a 10 MB plotly.js parse on a busy 2-core machine.
  }, 400_000);

  interface PageResult {
    figures: number;
    drawn: number;
    markdown: number;
    labels: string[];
    /** What each figure that did not draw says instead (its element's text), for the failure message. */
    undrawn: string[];
    errors: string[];
    outside: string[];
  }

  /**
   * Opens a notebook, runs all its cells, waits until the kernel is done and
   * `expected` figures have drawn (or a time bound passes), then counts them.
   */
  async function runInBrowser(url: string, screenshot: string, expected: number): Promise<PageResult> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(BROWSER_WAIT_MS);
      const outside: string[] = [];
      await page.route("**/*", (route) => {
        const target = new URL(route.request().url());
        if (target.hostname === "127.0.0.1" || target.hostname === "localhost" || target.protocol === "data:" || target.protocol === "blob:") return route.continue();
        outside.push(target.href);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(url);
      // The classic Notebook's page object (window.Jupyter.notebook), not an .ipynb: that one is kernel/notebook/nbformat.ts's Notebook.
      type ClassicNotebookObject = {
        kernel?: { is_connected(): boolean };
        events: { on(event: string, handler: () => void): void };
        execute_all_cells(): void;
        get_cells(): { cell_type: string; get_text(): string }[];
      };
      type Page = { Jupyter: { notebook: ClassicNotebookObject }; finishedCells: number };
      await page.waitForFunction(() => (window as unknown as Page).Jupyter?.notebook?.kernel?.is_connected() === true, undefined, { timeout: 90_000 });
      // A cell is finished when the kernel says idle for it on iopub, after all its outputs. (Its prompt number comes
      // with the reply on the shell channel, in no fixed order with the outputs: the last figure may not exist yet.)
      const cellsToRun = await page.evaluate(() => {
        const window_ = window as unknown as Page;
        window_.finishedCells = 0;
        window_.Jupyter.notebook.events.on("finished_execute.CodeCell", () => (window_.finishedCells += 1));
        window_.Jupyter.notebook.execute_all_cells();
        return window_.Jupyter.notebook.get_cells().filter((cell) => cell.cell_type === "code" && cell.get_text().trim() !== "").length;
      });
      await page.waitForFunction((cells) => (window as unknown as Page).finishedCells >= cells, cellsToRun, { timeout: 180_000 });
      // plotly.js may still be loading; a shortfall is then reported by the assertions below, not by this wait.
      await page
        .waitForFunction((count) => Array.from(document.querySelectorAll(".gradient-lab-figure")).filter((figure) => figure.querySelector(".main-svg")).length >= count, expected, {
          timeout: BROWSER_WAIT_MS,
        })
        .catch(() => undefined);
      await page.screenshot({ path: screenshot, fullPage: true });
      return {
        figures: await page.locator(".gradient-lab-figure").count(),
        drawn: await page.locator(".gradient-lab-figure.js-plotly-plot").count(),
        markdown: await page.locator(".output_markdown").count(),
        labels: await page.locator(".js-plotly-plot .annotation-text").allTextContents(),
        undrawn: await page.locator(".gradient-lab-figure:not(.js-plotly-plot)").evaluateAll((figures) => figures.map((figure) => `${figure.id}: '${figure.textContent ?? ""}'`)),
        errors,
        outside,
      };
    } finally {
      await context.close();
      // One kernel at a time: closing the page leaves the notebook's kernel running.
      const sessions = (await (await fetch(`${base}/api/sessions`)).json()) as { id: string }[];
      await Promise.all(sessions.map((session) => fetch(`${base}/api/sessions/${session.id}`, { method: "DELETE" })));
    }
  }
});
