import { describe, expect, it } from "vitest";
import type { SitePage } from "../kernel/export/site";
import { joinText } from "../kernel/notebook/nbformat";
import { siteInChromium, skipBrowser, type WatchedPage } from "./export-chromium";
import { courseFolder, courseNotebookNames, loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";

// The real course (the committed notebooks, outputs and all) exported and
// opened page by page from file:// in headless Chromium, network blocked.
// No kernel runs: the export only reads the stored outputs.

/** What the test expects of one page, read from its notebook's source, not from the exporter. */
interface Expectation {
  notebook: string;
  page: string;
  /** The first `# ` heading of the first markdown cell that has one. */
  heading: string;
  /** Plotly figures among the stored outputs. */
  figures: number;
  /** `$...$` and `$$...$$` spans in markdown cells and text/markdown outputs. */
  mathSpans: number;
  /** Stored stream lines that mention W53 together with 0.995. */
  w53Lines: string[];
}

/**
 * Math spans in Markdown, by the rules the export's markdown-it plugin uses:
 * `$$...$$` anywhere, and `$...$` with no space just inside and no digit right
 * after the closing `$` (so "costs $5 and $6" is not math). Code is skipped.
 */
function countMathSpans(markdown: string): number {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
  let spans = 0;
  const rest = prose.replace(/\$\$[\s\S]+?\$\$/g, () => {
    spans++;
    return " ";
  });
  return spans + (rest.match(/\$(?!\s)(?:[^$\\\n]|\\.)+?(?<!\s)\$(?!\d)/g)?.length ?? 0);
}

function expectationFor(notebook: string): Expectation {
  const nb = loadCourseNotebook(notebook);
  const markdown: string[] = [];
  const w53Lines: string[] = [];
  let heading = "";
  for (const cell of nb.cells) {
    if (cell.cell_type === "markdown") {
      const source = joinText(cell.source);
      markdown.push(source);
      heading ||= /^# +(.+?)\s*$/m.exec(source)?.[1] ?? "";
    }
    for (const output of cell.cell_type === "code" ? cell.outputs : []) {
      if (output.output_type === "display_data" || output.output_type === "execute_result") {
        const md = output.data["text/markdown"];
        if (md !== undefined) markdown.push(joinText(md as string | string[]));
      }
      if (output.output_type === "stream") {
        for (const line of joinText(output.text).split("\n")) if (line.includes("W53") && line.includes("0.995")) w53Lines.push(line.trim());
      }
    }
  }
  return {
    notebook,
    page: notebook.replace(/\.ipynb$/, ".html"),
    heading,
    figures: storedFigureCount(nb),
    mathSpans: markdown.reduce((n, md) => n + countMathSpans(md), 0),
    w53Lines,
  };
}

const COURSE: Expectation[] = courseNotebookNames().map(expectationFor);

describe.skipIf(skipBrowser)("the real course, exported and opened in Chromium", () => {
  const site = siteInChromium(courseFolder);

  const pageFor = (file: string): SitePage => {
    const page = site.report.pages.find((p) => p.file === file);
    if (!page) throw new Error(`${file} is not in the export report`);
    return page;
  };

  /** Opens a page, waits until its figures have drawn, runs `body` on it, and closes it whatever happens. */
  async function withPage<T>(file: string, figures: number, body: (w: WatchedPage) => Promise<T>): Promise<T> {
    const w = await site.open(file, figures);
    try {
      return await body(w);
    } finally {
      await w.page.close();
    }
  }

  /** Everything the checks read from a course page, taken once the figures are drawn. */
  const readPage = (w: WatchedPage) =>
    w.page.evaluate(() => {
      const plots = Array.from(document.querySelectorAll(".js-plotly-plot"));
      return {
        plots: plots.length,
        plotsWithSvg: plots.filter((plot) => plot.querySelector(".main-svg") !== null).length,
        katex: document.querySelectorAll(".katex").length,
        katexErrors: document.querySelectorAll(".katex-error").length,
        text: document.body.innerText,
        h1: Array.from(document.querySelectorAll("main h1")).map((h) => (h.textContent ?? "").replace(/\s+/g, " ").trim()),
        /** Each equation's TeX, as KaTeX keeps it in the MathML annotation. */
        tex: Array.from(document.querySelectorAll(".katex annotation")).map((a) => a.textContent ?? ""),
        tableRows: Array.from(document.querySelectorAll("main table tbody tr")).map((tr) =>
          Array.from(tr.querySelectorAll("td")).map((td) => (td.textContent ?? "").trim()),
        ),
      };
    });
  type Visit = Awaited<ReturnType<typeof readPage>> & Pick<WatchedPage, "consoleErrors" | "pageErrors" | "blockedRequests">;

  // Loading plotly.js dominates the runtime, so each page is opened once and
  // what it showed is kept for the number checks further down.
  const visits = new Map<string, Visit>();
  async function visit(file: string): Promise<Visit> {
    const kept = visits.get(file);
    if (kept) return kept;
    const seen = await withPage(file, pageFor(file).figures, async (w) => ({
      ...(await readPage(w)),
      consoleErrors: w.consoleErrors,
      pageErrors: w.pageErrors,
      blockedRequests: w.blockedRequests,
    }));
    visits.set(file, seen);
    return seen;
  }

  it("exports all 17 notebooks, in file-name order, with the figures their stored outputs hold", () => {
    expect(COURSE).toHaveLength(17);
    expect(site.report.pages.map((p) => p.file)).toEqual(COURSE.map((c) => c.page));
    expect(site.report.pages.map((p) => p.figures)).toEqual(COURSE.map((c) => c.figures));
    expect(site.report.pages.map((p) => p.title)).toEqual(COURSE.map((c) => c.heading));
    // The course does carry figures and math; a source reader that found none would make the checks below vacuous.
    expect(COURSE.filter((c) => c.figures > 0).length).toBeGreaterThanOrEqual(5);
    expect(COURSE.filter((c) => c.mathSpans > 0).length).toBeGreaterThanOrEqual(5);
  });

  it.each(COURSE.map((c) => [c.page, c] as const))(
    "%s: draws every figure, renders its math, shows its title, and logs no errors or requests",
    async (file, expected) => {
      const p = pageFor(file);
      const state = await visit(file);
      expect(state.plots, `${file}: plots`).toBe(p.figures);
      expect(state.plotsWithSvg, `${file}: plots with a .main-svg`).toBe(p.figures);
      expect(state.text, file).not.toMatch(/This figure (needs|'s data)/);

      // One .katex per math span in the notebook's Markdown (cells and text/markdown outputs), none without.
      if (expected.mathSpans > 0) expect(state.katex, `${file}: KaTeX spans`).toBeGreaterThan(0);
      expect(state.katex, `${file}: KaTeX spans`).toBe(expected.mathSpans);
      expect(state.katexErrors, `${file}: KaTeX errors`).toBe(0);
      expect(state.text, file).not.toContain("$$");

      expect(state.h1, `${file}: h1`).toEqual([p.title]);

      expect(state.consoleErrors, `${file}: console errors`).toEqual([]);
      expect(state.pageErrors, `${file}: page errors`).toEqual([]);
      expect(state.blockedRequests, `${file}: blocked requests`).toEqual([]);
    },
  );

  it("lists the 17 notebooks on the index, in notebook order, under their titles", async () => {
    await withPage("index.html", 0, async (w) => {
      const links = await w.page.$$eval("a.gl-index-link", (as) =>
        as.map((a) => ({ href: a.getAttribute("href"), text: (a.textContent ?? "").replace(/\s+/g, " ").trim() })),
      );
      expect(links).toHaveLength(17);
      expect(links.map((l) => l.href)).toEqual(COURSE.map((c) => c.page));
      expect(links.map((l) => l.text)).toEqual(COURSE.map((c) => c.heading));
      expect(w.consoleErrors).toEqual([]);
      expect(w.pageErrors).toEqual([]);
      expect(w.blockedRequests).toEqual([]);
    });
  });

  it("shows the forward pass's numbers: H3 = 0.5, H4 = 1.5, O5 = 2.5", async () => {
    const page = await visit("01-forward-pass.html");
    expect(page.text).toContain("H3: Z = 0.5, a = 0.5");
    expect(page.text).toContain("H4: Z = 1.5, a = 1.5");
    expect(page.text).toContain("O5: Z = 2.5, a = 2.5");
    expect(page.text).toMatch(/the network's answer for this sample is\s+2\.5/);
    // The forward table (a text/markdown output) is a real table with the same numbers.
    expect(page.tableRows).toEqual(
      expect.arrayContaining([
        ["H3", "0.5", "relu", "0.5"],
        ["H4", "1.5", "relu", "1.5"],
        ["O5", "2.5", "relu", "2.5"],
      ]),
    );
    // And so are the typeset equations.
    expect(page.tex.some((t) => t.startsWith("Z_{5}") && t.endsWith("= 2.5"))).toBe(true);
  });

  it("shows the loss: (2.5 - 2)^2 = 0.25", async () => {
    const page = await visit("02-loss.html");
    expect(page.text).toContain("Yr = 2.5, Ye = 2, loss = 0.25");
    expect(page.text).toContain("Yr = 2.5: squared error 0.25, mse 0.25");
    expect(page.tex).toContain("L = (Y_r - Y_e)^2 = (2.5 - 2)^2 = 0.25");
  });

  it("shows W53's update to 0.995 on every page whose notebook prints it", async () => {
    // Found in the stored outputs, not hard-coded: notebook 3 computes it, 4 and 7 come back to it.
    const pages = COURSE.filter((c) => c.w53Lines.length > 0);
    expect(pages.map((c) => c.page)).toContain("03-output-layer.html");
    for (const c of pages) {
      const page = await visit(c.page);
      for (const line of c.w53Lines) expect(page.text, c.page).toContain(line);
    }
    const outputLayer = await visit("03-output-layer.html");
    expect(outputLayer.text).toContain("W53: 1 -> 0.995");
    expect(outputLayer.text).toContain("W53 -> 199/200 (= 0.995)");
    expect(outputLayer.tex.some((t) => t.startsWith("W_{53}^{new}") && t.endsWith("= 0.995"))).toBe(true);
  });
});
