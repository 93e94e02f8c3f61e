import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedExample, seedNetwork, train } from "../src";
import { BROWSER_WAIT_MS, launchChromium } from "./export-chromium";
import { NBCLIENT_WAITS_FOR_OUTPUTS } from "./helpers/nbclient";
import { needTools } from "./helpers/tools";

/**
 * The display bridge for real: Debian's Jupyter (nbconvert) runs a notebook
 * on the project's tslab, the notebook imports "gradient-lab" and
 * "gradient-lab/display" as the course does, and the stored outputs are read
 * back; then their HTML is drawn in headless Chromium, offline.
 */
const ROOT = resolve(__dirname, "..");
const NOTEBOOK = join(ROOT, "test/fixtures/display/show-figure.ipynb");
const PLOTLY = join(ROOT, "node_modules/plotly.js-dist/plotly.js");
const KERNEL = "gradient-lab-display-test";
const run = promisify(execFile);

const tools = needTools("display test", ["chromium", "jupyter", "jupyter-nbconvert"]);

type Output = { output_type: string; data?: Record<string, unknown>; text?: string | string[] };
type Cell = { outputs?: Output[] };

describe.skipIf(tools.skip)("show() in a real notebook", () => {
  let work: string;
  let outputs: Output[][] = [];

  beforeAll(async () => {
    // The notebook imports the compiled package, as a user's notebook would.
    if (!existsSync(join(ROOT, "dist/kernel/display/index.js"))) throw new Error("display test: dist/ is not built; run `npm run build` first (npm test does)");
    work = mkdtempSync(join(tmpdir(), "gradient-lab-display-"));
    mkdirSync(join(work, "kernels", KERNEL), { recursive: true });
    writeFileSync(
      join(work, "kernels", KERNEL, "kernel.json"),
      JSON.stringify({ argv: [join(ROOT, "node_modules/.bin/tslab"), "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript (display test)", language: "typescript" }),
    );
    await run(tools.path("jupyter"), ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120", ...NBCLIENT_WAITS_FOR_OUTPUTS, NOTEBOOK, "--output-dir", join(work, "out")], {
      env: { ...process.env, JUPYTER_PATH: work, JUPYTER_DATA_DIR: join(work, "data") },
    });
    const executed = JSON.parse(readFileSync(join(work, "out", "show-figure.ipynb"), "utf8")) as { cells: Cell[] };
    outputs = executed.cells.map((cell) => cell.outputs ?? []);
  });
  afterAll(() => work && rmSync(work, { recursive: true, force: true }));

  it("stores each figure as one output with the Plotly JSON, HTML and a text line", () => {
    // cell 1 only imports and trains; a stream output there would be an error message
    expect(outputs[0]).toEqual([]);
    const [loss, diagram, equation] = [outputs[1], outputs[2], outputs[3]].map((cell) => {
      expect(cell).toHaveLength(1);
      return cell![0]!;
    });
    expect(loss?.output_type).toBe("display_data");
    expect(Object.keys(loss?.data ?? {}).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    expect(Object.keys(diagram?.data ?? {}).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    expect(text(loss?.data?.["text/plain"])).toBe("Figure: Loss during training");
    expect(text(diagram?.data?.["text/plain"])).toBe("Figure: the source's 2-2-1 network: weights at step 1");
    expect(text(equation?.data?.["text/markdown"])).toBe("$W_{53} = 1 - 0.01 \\cdot 0.5 = 0.995$");

    // the kernel's numbers are the engine's numbers
    const expected = train(seedNetwork(), { samples: [{ input: seedExample.input, target: seedExample.target }], learningRate: 0.01, maxSteps: 5 });
    const plotly = loss?.data?.["application/vnd.plotly.v1+json"] as { data: { y: number[] }[]; layout: object };
    expect(plotly.data[0]?.y).toEqual(expected.history.map((h) => h.loss));
    expect(text(diagram?.data?.["text/html"])).toContain("W53 = 0.995");
    // plotly.js is referenced, never copied in
    expect(readFileSync(join(work, "out", "show-figure.ipynb")).length).toBeLessThan(100_000);
  });

  it("draws every figure's HTML in headless Chromium with no request leaving the machine", async () => {
    const figures = outputs.flat().filter((o) => o.data?.["text/html"]);
    expect(figures).toHaveLength(2);
    const { browser } = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      page.setDefaultTimeout(BROWSER_WAIT_MS);
      const outside: string[] = [];
      // The page and plotly.js are served from memory and node_modules as http://localhost; everything else is refused.
      const pageHtml = `<!doctype html><html><body>${figures.map((o) => `<section>${text(o.data?.["text/html"])}</section>`).join("\n")}<script src="/plotly.js"></script></body></html>`;
      await page.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.href === "http://localhost/plotly.js") return route.fulfill({ path: PLOTLY, contentType: "text/javascript" });
        if (url.href === "http://localhost/page.html") return route.fulfill({ body: pageHtml, contentType: "text/html; charset=utf-8" });
        outside.push(url.href);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      // As on our own pages (and nbconvert's), plotly.js arrives after the outputs; they wait for it.
      await page.goto("http://localhost/page.html");
      await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 2, undefined, { timeout: 90_000 });
      expect(await page.locator(".js-plotly-plot").count()).toBe(2);
      const sections = page.locator("section");
      await sections.nth(0).screenshot({ path: "/tmp/gradient-lab-loss-curve.png" });
      await sections.nth(1).screenshot({ path: "/tmp/gradient-lab-network-diagram.png" });
      // the diagram's labels are drawn, not only stored
      expect(await sections.nth(1).locator(".annotation-text").allTextContents()).toContain("W53 = 0.995");
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
}
