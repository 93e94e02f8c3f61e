import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportNbconvert, type NbconvertTemplate } from "../kernel/export/nbconvert";
import { BROWSER_WAIT_MS, fileUrl, launchChromium, openWatchedPage, type Session } from "./export-chromium";
import { needTools } from "./helpers/tools";

// `jupyter nbconvert --to html` with our templates: the figures' own text/html
// parts draw with the inlined plotly.js, offline, in headless Chromium.
const FIXTURES = path.join(__dirname, "fixtures", "export");
const tools = needTools("nbconvert tests", ["chromium", "jupyter", "jupyter-nbconvert"]);

describe.skipIf(tools.skip)("nbconvert HTML with plotly.js inlined", () => {
  let work: string;
  let session: Session;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "gl-nbconvert-"));
    session = await launchChromium();
  });
  afterAll(async () => {
    await session?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const cases: Array<[string, NbconvertTemplate, number]> = [
    ["01-the-loss.ipynb", "lab", 1],
    ["02-gradients.ipynb", "classic", 2],
  ];

  it.each(cases)("%s (%s template) shows its %i plot(s) offline", async (notebook, template, figures) => {
    const outDir = path.join(work, template);
    const html = await exportNbconvert({ notebook: path.join(FIXTURES, notebook), outDir, template, jupyter: tools.path("jupyter") });
    const text = readFileSync(html, "utf8");
    // plotly.js is inlined exactly once (its last statement publishes window.Plotly).
    expect(text.split("window.Plotly = Plotly;").length - 1).toBe(1);

    const w = await openWatchedPage(session.browser);
    await w.page.goto(fileUrl(html), { waitUntil: "load" });
    await w.page
      .waitForFunction((n) => document.querySelectorAll(".js-plotly-plot").length >= n, figures, { timeout: BROWSER_WAIT_MS })
      .catch(() => undefined); // the count below reports a shortfall
    expect(await w.page.locator(".js-plotly-plot").count()).toBe(figures);
    expect(await w.page.locator(".js-plotly-plot .main-svg").count()).toBeGreaterThanOrEqual(figures);
    expect(w.pageErrors).toEqual([]);
    await w.page.close();
  });
});
