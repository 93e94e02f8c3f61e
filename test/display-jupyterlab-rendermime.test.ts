import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import * as esbuild from "esbuild";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { figureBundle, NEEDS_LAB_EXTENSION } from "../kernel/display/bundle";
import { PLOTLY_MIME } from "../kernel/display/names";
import type { DisplayDataOutput, Output } from "../kernel/notebook/nbformat";
import type { Figure } from "../src/plots/figure";
import { BROWSER_WAIT_MS, launchChromium, skipBrowser, type Session } from "./export-chromium";
import { leftOutNote, untrustedFigure } from "../kernel/display/untrusted-figure";
import { HOSTILE_FIGURES, TRACKER_HOST } from "./helpers/hostile-figures";
import { scrubFigure, scrubToTheEnd } from "./helpers/scrub-figure";
import { courseNotebookNames, loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";

/**
 * The committed notebooks' stored outputs as JupyterLab 4 shows them: its own
 * output code (@jupyterlab/rendermime's standard renderers in an
 * @jupyterlab/outputarea OutputArea, bundled by esbuild into a page) with the
 * labextension that `gradient-lab kernel install --prefix` wrote, loaded as
 * JupyterLab loads a prebuilt extension (its remoteEntry, a webpack share
 * scope, the exported mime extension registered by rank). Files are served
 * from one made-up origin; any other request is blocked and reported.
 */
const ORIGIN = "http://jupyterlab.test";
const EXTENSION = "gradient-lab-plotly";
const packageRequire = createRequire(__filename);

type DrawnFigure = { title: string; traces: number };

/** What each stored figure should draw: its title and how many traces it has. */
function storedFigures(outputs: Output[]): DrawnFigure[] {
  return outputs.flatMap((output) => {
    if (output.output_type !== "display_data" && output.output_type !== "execute_result") return [];
    const figure = (output.data as Record<string, unknown>)[PLOTLY_MIME] as { data: unknown[]; layout: { title?: string | { text?: string } } } | undefined;
    if (!figure) return [];
    const title = typeof figure.layout.title === "string" ? figure.layout.title : (figure.layout.title?.text ?? "");
    return [{ title, traces: figure.data.length }];
  });
}

/** A figure whose slider steps through two frames, as an animation or a scrub-through-training figure does. */
const framesFigure: Figure = {
  data: [{ type: "scatter", mode: "lines", x: [0, 1, 2], y: [0, 1, 2], name: "weights" }],
  layout: {
    title: { text: "Scrub through two steps" },
    height: 360,
    sliders: [
      {
        steps: ["step 0", "step 1"].map((name) => ({ label: name, method: "animate", args: [[name], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }] })),
      },
    ],
  },
  frames: [
    { name: "step 0", data: [{ y: [0, 1, 2] }] },
    { name: "step 1", data: [{ y: [2, 1, 0] }] },
  ],
};

describe.skipIf(skipBrowser)("stored figures in JupyterLab 4's output area with gradient-lab's labextension", () => {
  let prefix = "";
  let extensionFolder = "";
  let remoteEntry = "";
  let hostScript = "";
  let session: Session | undefined;

  beforeAll(async () => {
    prefix = mkdtempSync(join(tmpdir(), "gradient-lab-jupyterlab-"));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(await kernelCommand(["install", "--prefix", prefix])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    extensionFolder = join(prefix, "share", "jupyter", "labextensions", EXTENSION);
    remoteEntry = (JSON.parse(readFileSync(join(extensionFolder, "package.json"), "utf8")) as { jupyterlab: { _build: { load: string } } }).jupyterlab._build.load;
    const bundled = await esbuild.build({
      entryPoints: [join(__dirname, "helpers/jupyterlab-page/host.ts")],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      target: "es2020",
      define: {
        LUMINO_WIDGETS_VERSION: JSON.stringify((packageRequire("@lumino/widgets/package.json") as { version: string }).version),
        "process.env.NODE_ENV": '"production"',
      },
      // JupyterLab's page loads its CSS through webpack; the output code needs none of it to render.
      loader: { ".css": "empty", ".svg": "text" },
      logLevel: "error",
    });
    hostScript = bundled.outputFiles[0]!.text;
    session = await launchChromium();
  });

  afterAll(async () => {
    await session?.close();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  /** A page with JupyterLab's output code; the labextension loaded into it or not. Requests leaving ORIGIN are blocked and listed. */
  async function openPage(withExtension: boolean): Promise<{ page: Page; blocked: string[]; errors: string[] }> {
    const page = await session!.browser.newPage();
    page.setDefaultTimeout(BROWSER_WAIT_MS);
    const blocked: string[] = [];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) {
        blocked.push(url.href);
        return route.abort();
      }
      if (url.pathname === "/") return route.fulfill({ contentType: "text/html", body: '<!doctype html><html><head><meta charset="utf-8"></head><body data-jp-theme-light="true"><script src="/host.js"></script></body></html>' });
      if (url.pathname === "/host.js") return route.fulfill({ contentType: "text/javascript", body: hostScript });
      // Where JupyterLab's server serves a prebuilt extension's files: /lab/extensions/<name>/...
      const prefixPath = `/lab/extensions/${EXTENSION}/`;
      if (url.pathname.startsWith(prefixPath)) {
        const file = normalize(join(extensionFolder, decodeURIComponent(url.pathname.slice(prefixPath.length))));
        if (file.startsWith(extensionFolder)) return route.fulfill({ contentType: extname(file) === ".json" ? "application/json" : "text/javascript", body: readFileSync(file) });
      }
      return route.fulfill({ status: 404, body: "not found" });
    });
    await page.goto(`${ORIGIN}/`);
    if (withExtension) {
      const ids = await page.evaluate(([url, name]) => (window as any).jupyterlabPage.loadLabextension(url, name), [`${ORIGIN}/lab/extensions/${EXTENSION}/${remoteEntry}`, EXTENSION] as const);
      expect(ids).toEqual(["gradient-lab-plotly:renderer"]);
    }
    return { page, blocked, errors };
  }

  /** Shows outputs in a new OutputArea and waits until `figures` Plotly renderers there have drawn; returns what they drew. */
  async function show(page: Page, outputs: Output[], trusted: boolean, label: string, figures: number): Promise<DrawnFigure[]> {
    await page.evaluate(([outputs, trusted, label]) => (window as any).jupyterlabPage.showOutputs(outputs, trusted, label), [outputs, trusted, label] as const);
    const drawn = `section[data-label="${label}"] .gradient-lab-plotly[data-drawn]`;
    await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length >= n, [drawn, figures] as const).catch(() => undefined);
    return page.$$eval(drawn, (nodes) =>
      nodes.map((node) => {
        const plot = node as unknown as { _fullLayout: { title: { text: string } }; _fullData: unknown[] };
        return { title: plot._fullLayout.title.text, traces: plot._fullData.length };
      }),
    );
  }

  it("draws every committed notebook's figures from their JSON, untrusted and trusted, with the stored titles and trace counts", async () => {
    const { page, blocked, errors } = await openPage(true);
    const names = courseNotebookNames();
    expect(names.length).toBeGreaterThan(0);
    let total = 0;
    for (const name of names) {
      const notebook = loadCourseNotebook(name);
      const outputs = notebook.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []));
      const expected = storedFigures(outputs);
      expect(expected.length, name).toBe(storedFigureCount(notebook));
      for (const trusted of [false, true]) {
        const label = `${name} ${trusted ? "trusted" : "untrusted"}`;
        expect(await show(page, outputs, trusted, label, expected.length), label).toEqual(expected);
        // The renderer outranks text/html even where the HTML's script could run, so the fallback is never shown.
        expect(await page.$$eval(`section[data-label="${label}"] .gradient-lab-figure`, (nodes) => nodes.length), label).toBe(0);
      }
      total += expected.length;
    }
    expect(total).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("passes frames (moving the slider's step redraws the data), follows the dark theme, resizes with its panel and purges on dispose", async () => {
    const { page, errors } = await openPage(true);
    const outputs: DisplayDataOutput[] = [{ output_type: "display_data", data: figureBundle(framesFigure, "frames-figure") as DisplayDataOutput["data"], metadata: {} }];
    expect(await show(page, outputs, false, "frames", 1)).toEqual([{ title: "Scrub through two steps", traces: 1 }]);
    const plot = 'section[data-label="frames"] .gradient-lab-plotly';
    const line = (): Promise<string | null> => page.$eval(`${plot} .scatterlayer path.js-line`, (path) => path.getAttribute("d"));
    const before = await line();
    expect(await page.$eval(plot, (node) => (node as unknown as { _transitionData: { _frames: unknown[] } })._transitionData._frames.length)).toBe(2);
    // What clicking the slider's second step runs (the step's method and args), then the drawn line must have changed.
    await page.$eval(plot, (node) => {
      const gd = node as unknown as { layout: { sliders: { steps: { args: [string[], object] }[] }[] } };
      const [frames, options] = gd.layout.sliders[0]!.steps[1]!.args;
      return (window as any).Plotly.animate(node, frames, options);
    });
    expect(await page.$eval(plot, (node) => (node as unknown as { data: { y: number[] }[] }).data[0]!.y)).toEqual([2, 1, 0]);
    expect(await line()).not.toBe(before);

    // Dark theme: the figure leaves its background unset, so it turns transparent with JupyterLab's text colour.
    expect(await page.$eval(plot, (node) => (node as unknown as { _fullLayout: { paper_bgcolor: string } })._fullLayout.paper_bgcolor)).toBe("#fff");
    await page.evaluate(() => {
      document.body.style.setProperty("--jp-ui-font-color1", "rgb(224, 224, 224)");
      document.body.dataset.jpThemeLight = "false";
    });
    await page.waitForFunction((selector) => (document.querySelector(selector) as unknown as { _fullLayout: { paper_bgcolor: string } })._fullLayout.paper_bgcolor === "rgba(0,0,0,0)", plot);
    expect(await page.$eval(plot, (node) => (node as unknown as { _fullLayout: { font: { color: string } } })._fullLayout.font.color)).toBe("rgb(224, 224, 224)");

    // The panel narrows: the drawn SVG follows.
    await page.$eval('section[data-label="frames"]', (section) => ((section as HTMLElement).style.width = "400px"));
    await page.waitForFunction((selector) => document.querySelector(`${selector} .main-svg`)?.getAttribute("width") === "400", plot);

    // The output goes away: plotly.js's state on the node is purged.
    const purged = await page.evaluate((selector) => {
      const node = document.querySelector(selector) as unknown as { _fullLayout?: unknown };
      (window as any).jupyterlabPage.disposeAll();
      return node._fullLayout === undefined;
    }, plot);
    expect(purged).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("moves the scrub-through-training figure's drawn edges and marked loss to the last step when its slider goes to the end", async () => {
    const { page, errors } = await openPage(true);
    const outputs: DisplayDataOutput[] = [{ output_type: "display_data", data: figureBundle(scrubFigure, "scrub-figure") as DisplayDataOutput["data"], metadata: {} }];
    const title = (scrubFigure.layout.title as { text: string }).text;
    expect(await show(page, outputs, false, "scrub", 1)).toEqual([{ title, traces: scrubFigure.data.length }]);
    await scrubToTheEnd(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("steps the course's own scrub-through-training figure (notebook 05's stored frames) with its slider", async () => {
    const { page, errors } = await openPage(true);
    const outputs = loadCourseNotebook("05-training-loop.ipynb").cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []));
    const scrub = outputs.find((output) => output.output_type === "display_data" && ((output.data as Record<string, { frames?: unknown[] }>)[PLOTLY_MIME]?.frames?.length ?? 0) > 1);
    expect(scrub, "a stored figure with frames in notebook 05").toBeDefined();
    expect(await show(page, [scrub!], false, "scrub", 1)).toEqual(storedFigures([scrub!]));
    const plot = 'section[data-label="scrub"] .gradient-lab-plotly';
    const drawnData = (): Promise<string> => page.$eval(plot, (node) => JSON.stringify((node as unknown as { data: unknown[] }).data));
    const before = await drawnData();
    // What clicking the slider's last step runs: its method ("animate") with its args.
    const method = await page.$eval(plot, (node) => {
      const gd = node as unknown as { layout: { sliders: { steps: { method: string; args: [string[], object] }[] }[] } };
      const steps = gd.layout.sliders[0]!.steps;
      const last = steps[steps.length - 1]!;
      return (window as any).Plotly.animate(node, last.args[0], last.args[1]).then(() => last.method);
    });
    expect(method).toBe("animate");
    expect(await drawnData()).not.toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  /** One display_data output per figure, as the kernel sends them. */
  const figureOutput = (figure: object): DisplayDataOutput => ({ output_type: "display_data", data: { [PLOTLY_MIME]: figure, "text/plain": "a figure" } as DisplayDataOutput["data"], metadata: {} });
  const GEOGRAPHIC = ["scattergeo", "choropleth"];
  /** Waits until a geographic figure has drawn its map (coastlines, or a region's countries) from the extension's own topojson/. */
  const mapDrawn = (page: Page, label: string) =>
    page.waitForFunction((selector) => document.querySelectorAll(selector).length > 0, `section[data-label="${label}"] .geo :is(.coastlines, .countries) path`);

  it("draws hostile figures untrusted with nothing requested outside the page, each keeping what it may, with its note", async () => {
    const { page, blocked, errors } = await openPage(true);
    for (const [name, figure] of Object.entries(HOSTILE_FIGURES)) {
      const label = `hostile ${name}`;
      expect(await show(page, [figureOutput(figure)], false, label, 1), label).toEqual([{ title: name, traces: figure.data.length }]);
      const note = await page.$eval(`section[data-label="${label}"] .gradient-lab-plotly-note`, (node) => node.textContent);
      const { leftOut } = untrustedFigure(figure, "/maps/");
      expect(note, label).toBe(leftOut.length > 0 ? leftOutNote(leftOut) : "");
      expect(note === "", label).toBe(GEOGRAPHIC.includes(name));
    }
    for (const name of [...GEOGRAPHIC, "choropleth with remote GeoJSON"]) await mapDrawn(page, `hostile ${name}`);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws the geographic figures trusted from the extension's maps, with every request outside the page blocked", async () => {
    const { page, blocked, errors } = await openPage(true);
    for (const name of GEOGRAPHIC) {
      expect(await show(page, [figureOutput(HOSTILE_FIGURES[name]!)], true, `trusted ${name}`, 1)).toEqual([{ title: name, traces: 1 }]);
      await mapDrawn(page, `trusted ${name}`);
    }
    expect(blocked).toEqual([]);
    // The other figures keep their addresses when trusted (so the payloads above are real): the page asks for them.
    await show(page, [figureOutput(HOSTILE_FIGURES["layout image"]!)], true, "trusted layout image", 1);
    await expect.poll(() => blocked.filter((url) => new URL(url).hostname === TRACKER_HOST).length, { timeout: BROWSER_WAIT_MS }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("raises no error when JupyterLab hides or detaches a drawn figure, and resizes it once it shows again", async () => {
    const { page, errors } = await openPage(true);
    const outputs = [figureOutput(framesFigure)];
    await show(page, outputs, false, "hidden", 1);
    await show(page, outputs, false, "detached", 1);
    const frames = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    // A collapsed output (display: none above the plot), and a cell scrolled out of the window (taken out of the DOM).
    await page.$eval('section[data-label="hidden"]', (section) => ((section as HTMLElement).style.display = "none"));
    const detached = await page.evaluateHandle(() => {
      const section = document.querySelector('section[data-label="detached"]')!;
      section.remove();
      return section;
    });
    await frames();
    expect(errors).toEqual([]);
    await page.evaluate((section) => {
      (section as HTMLElement).style.width = "420px";
      document.body.appendChild(section);
      (document.querySelector('section[data-label="hidden"]') as HTMLElement).style.display = "";
    }, detached);
    await page.waitForFunction(() => document.querySelector('section[data-label="detached"] .main-svg')?.getAttribute("width") === "420");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("without the extension, a trusted figure picks text/html and says in one line what to install, within a second", async () => {
    const { page, errors } = await openPage(false);
    const outputs: DisplayDataOutput[] = [{ output_type: "display_data", data: figureBundle(framesFigure, "fallback-figure") as DisplayDataOutput["data"], metadata: {} }];
    expect(await page.evaluate((bundle) => (window as any).jupyterlabPage.preferredMimeType(bundle, true), outputs[0]!.data)).toBe("text/html");
    await page.evaluate((outputs) => (window as any).jupyterlabPage.showOutputs(outputs, true, "fallback"), outputs);
    // The HTML is in the page; from then on the message must follow at once, not after a wait for plotly.js.
    await page.waitForSelector("#fallback-figure", { state: "attached" });
    await page.waitForFunction((text) => document.getElementById("fallback-figure")?.textContent === text, NEEDS_LAB_EXTENSION, { timeout: 1_000 });
    expect(NEEDS_LAB_EXTENSION).not.toContain("\n");
    expect(NEEDS_LAB_EXTENSION).toContain("gradient-lab kernel install");
    expect(errors).toEqual([]);
    await page.close();
  });
});
