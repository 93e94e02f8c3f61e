import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../kernel/commands/export";
import { newPageEnv, renderMarkdown } from "../kernel/export/markdown";
import { joinText, parseNotebook, type Attachments } from "../kernel/notebook/nbformat";
import { jsonForScript, renderOutput } from "../kernel/export/outputs";
import { firstSentence, renderNotebook } from "../kernel/export/page";
import { sanitize } from "../kernel/export/sanitize";
import { minifiedPlotlyPath } from "../kernel/display/plotly-source";
import { describeSite, exportSite, type SiteReport } from "../kernel/export/site";

const FIXTURES = path.join(__dirname, "fixtures", "export");

const md = (source: string, trusted = false) => renderMarkdown(source, newPageEnv(), trusted);

describe("markdown with math", () => {
  it("renders $$ display and $ inline math with KaTeX and leaves no delimiters", () => {
    const html = md("Loss $L = 0.25$.\n\n$$\n\\frac{\\partial L}{\\partial W_{53}} = 0.5\n$$");
    expect(html.match(/class="katex"/g)).toHaveLength(2);
    expect(html).toContain("katex-display");
    expect(html).not.toContain("$");
  });

  it("renders math inside table cells and keeps dollars in code and prices", () => {
    const html = md("| a | b |\n| --- | --- |\n| $x_1$ | `a $ b` |\n\nIt costs $5 and $6.");
    expect(html).toContain("<td><span class=\"katex\">");
    expect(html).toContain("<code>a $ b</code>");
    expect(html).toContain("It costs $5 and $6.");
  });

  it("numbers repeated headings so the table of contents links stay distinct", () => {
    const env = newPageEnv();
    renderMarkdown("# Example\n\n## Example\n\n## The loss $L$", env, false);
    expect(env.headings.map((h) => [h.level, h.id, h.text])).toEqual([
      [1, "example", "Example"],
      [2, "example-2", "Example"],
      [2, "the-loss-l", "The loss L"],
    ]);
  });

  it("sanitizes raw HTML but keeps the math KaTeX made", () => {
    const html = md('Text <img src="x.png" onerror="alert(2)"> $x^2$ <b onclick="alert(3)">b</b>\n\n<script>alert(1)</script>');
    expect(html).not.toMatch(/<script|onerror|onclick|<img/);
    expect(html).toContain("<b>b</b>");
    expect(html).toContain('class="katex"');
  });

  it("lets a trusted notebook's HTML through", () => {
    expect(md("<script>window.x = 1</script>", true)).toContain("<script>window.x = 1</script>");
  });
});

describe("outputs", () => {
  const render = (output: Parameters<typeof renderOutput>[0], trusted = false) => renderOutput(output, newPageEnv(), trusted, "test");

  it("escapes text outputs and strips terminal colours", () => {
    expect(render({ output_type: "stream", name: "stdout", text: "<b>\u001b[31mred\u001b[0m</b>\n" })).toBe(
      '<pre class="gl-stream gl-stdout">&#60;b&#62;red&#60;/b&#62;\n</pre>',
    );
    expect(render({ output_type: "error", ename: "Error", evalue: "boom", traceback: ["\u001b[31mError\u001b[0m: boom"] })).toBe(
      '<pre class="gl-error">Error: boom</pre>',
    );
  });

  it("draws figures from the Plotly JSON, never from the notebook's HTML", () => {
    const html = render({
      output_type: "display_data",
      data: {
        "application/vnd.plotly.v1+json": { data: [{ y: [1], name: "</script><script>alert(1)</script>" }], layout: {} },
        "text/html": "<script>alert(2)</script>",
      },
      metadata: {},
    });
    expect(html).toContain('<script type="application/json" class="gl-figure-data">');
    expect(html).not.toContain("alert(2)");
    expect(html.match(/<\/script>/g)).toHaveLength(1); // only the data island's own end tag
    const island = html.slice(html.indexOf(">", html.indexOf("gl-figure-data")) + 1, html.lastIndexOf("</script>"));
    expect(JSON.parse(island).data[0].name).toBe("</script><script>alert(1)</script>");
  });

  it("accepts a figure stored as JSON text, and keeps animation frames", () => {
    const figure = { data: [{ y: [1, 2] }], layout: { title: { text: "t" } }, frames: [{ name: "f1", data: [{ y: [2, 1] }] }] };
    const html = render({ output_type: "display_data", data: { "application/vnd.plotly.v1+json": JSON.stringify(figure) }, metadata: {} });
    const island = html.slice(html.indexOf(">", html.indexOf("gl-figure-data")) + 1, html.lastIndexOf("</script>"));
    expect(JSON.parse(island)).toEqual({ ...figure, config: { topojsonURL: "assets/topojson/" } });
  });

  it("escapes < in embedded JSON", () => {
    expect(jsonForScript({ a: "</script>" })).toBe('{"a":"\\u003c/script>"}');
  });

  it("reports a figure without data by notebook and cell", () => {
    expect(() => render({ output_type: "display_data", data: { "application/vnd.plotly.v1+json": { layout: {} } }, metadata: {} })).toThrow(
      'test: application/vnd.plotly.v1+json output has no "data" list',
    );
  });

  it("sanitizes HTML outputs unless trusted, and keeps data-URI images only", () => {
    const html = '<p>ok</p><script>x()</script><img src="data:image/png;base64,AAAA"><img src="https://example.com/t.png">';
    expect(sanitize(html)).toBe('<p>ok</p><img src="data:image/png;base64,AAAA" />');
    const output = { output_type: "display_data" as const, data: { "text/html": html }, metadata: {} };
    expect(render(output)).not.toContain("<script>");
    expect(render(output, true)).toContain("<script>x()</script>");
  });
});

describe("index summaries", () => {
  it("take the first sentence of the first paragraph", () => {
    expect(firstSentence("Weights start at **W53 = 1.0** and\nmove by 0.5. Then more. And more.")).toBe("Weights start at **W53 = 1.0** and move by 0.5.");
    expect(firstSentence("No full stop here")).toBe("No full stop here");
    expect(firstSentence("Version 2.5 is used. e.g. lower case stays.")).toBe("Version 2.5 is used. e.g. lower case stays.");
  });
});

describe("markdown attachments (pasted images)", () => {
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAwAAAAICAIAAABChommAAAAEUlEQVR4nGPwqVhBEDGMKgIAzTqIgZXMVysAAAAASUVORK5CYII=";
  const attachments = { "seed net.png": { "image/png": png }, "plot.svg": { "text/plain": "no image", "image/svg+xml": "PHN2Zy8+" } };
  const render = (source: string, trusted = false, own: Attachments = attachments) => renderMarkdown(source, newPageEnv(), trusted, own);

  it("inlines Markdown and raw-HTML attachment images as data URIs that survive the sanitizer", () => {
    expect(render("![the seed network](attachment:seed%20net.png)")).toBe(`<p><img src="data:image/png;base64,${png}" alt="the seed network" /></p>\n`);
    expect(render('<img src="attachment:plot.svg" alt="plot">')).toBe('<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="plot" />');
  });

  it("drops an image whose attachment is missing unless the page is trusted", () => {
    expect(render("before ![gone](attachment:missing.png) after")).toBe("<p>before  after</p>\n");
    expect(render("![gone](attachment:missing.png)", true)).toContain('src="attachment:missing.png"');
  });

  it("reads attachments from the notebook, and names the cell when they are malformed", () => {
    const cell = { cell_type: "markdown", source: "![a](attachment:x.png)", attachments: { "x.png": { "image/png": ["iVBOR", "w0K"] } } };
    const nb = parseNotebook(JSON.stringify({ nbformat: 4, cells: [cell] }), "e.ipynb");
    const markdown = nb.cells[0]!;
    expect(render(joinText(markdown.source), false, markdown.cell_type === "markdown" ? markdown.attachments : undefined)).toBe('<p><img src="data:image/png;base64,iVBORw0K" alt="a" /></p>\n');
    const bad = JSON.stringify({ nbformat: 4, cells: [{ ...cell, attachments: { "x.png": "iVBOR" } }] });
    expect(() => parseNotebook(bad, "f.ipynb")).toThrow('f.ipynb: cell 1 attachment "x.png" is not a MIME bundle object');
  });
});

describe("reading notebooks", () => {
  it("names the file and the cell in errors", () => {
    expect(() => parseNotebook("{", "a.ipynb")).toThrow(/^a\.ipynb: not JSON/);
    expect(() => parseNotebook('{"nbformat": 3, "cells": []}', "b.ipynb")).toThrow("b.ipynb: wrong nbformat 3, only nbformat 4 is supported");
    const badCell = JSON.stringify({ nbformat: 4, cells: [{ cell_type: "markdown", source: "" }, { cell_type: "picture", source: "" }] });
    expect(() => parseNotebook(badCell, "c.ipynb")).toThrow('c.ipynb: cell 2 has cell_type "picture"');
  });

  it("renders sources and outputs stored as line lists", () => {
    const stream = { output_type: "stream", name: "stdout", text: ["one\n", "two\n"] };
    const nb = parseNotebook(
      JSON.stringify({ nbformat: 4, cells: [{ cell_type: "markdown", source: ["# A\n", "b"] }, { cell_type: "code", source: ["x\n", "y"], outputs: [stream] }] }),
      "d.ipynb",
    );
    const page = renderNotebook(nb, "d.ipynb", "d", "show", false);
    expect(page.title).toBe("A");
    expect(page.body).toContain("<p>b</p>");
    expect(page.body).toContain('<pre class="gl-stream gl-stdout">one\ntwo\n</pre>');
  });

  it("names the file, cell and output of a malformed output, and of JSON that is not a notebook", () => {
    const cells = (output: unknown) => JSON.stringify({ nbformat: 4, cells: [{ cell_type: "code", source: "", outputs: [output] }] });
    expect(() => parseNotebook(cells(null), "e.ipynb")).toThrow("e.ipynb: cell 1 output 1 is null, not an output object");
    expect(() => parseNotebook(cells({ output_type: "display_data" }), "e.ipynb")).toThrow('e.ipynb: cell 1 output 1 is display_data without a "data" object');
    expect(() => parseNotebook("null", "n.ipynb")).toThrow("n.ipynb: not a notebook: the JSON is not an object");
  });
});

describe("exportSite on the fixtures", () => {
  let work: string;
  let report: SiteReport;
  const read = (file: string) => readFileSync(path.join(report.out, file), "utf8");

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "gl-export-"));
    report = await exportSite({ from: FIXTURES, out: path.join(work, "site"), title: "Test course" });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes one page per notebook with titles and figure counts", () => {
    expect(report.pages.map((p) => [p.file, p.title, p.figures])).toEqual([
      ["01-the-loss.html", "The loss", 1],
      ["02-gradients.html", "Gradients, two plots", 2],
      ["03-hostile.html", "Hostile notebook", 1],
    ]);
    expect(report.pages.every((p) => !p.trusted)).toBe(true);
  });

  it("ships plotly.js once, and measures the site as it is on disk", () => {
    expect(report.plotlyCopies).toEqual(["assets/plotly.js"]);
    const sizes = (dir: string): number[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sizes(path.join(dir, e.name)) : [statSync(path.join(dir, e.name)).size]));
    const all = sizes(report.out);
    expect(report.totalBytes).toBe(all.reduce((a, b) => a + b, 0));
    expect(report.fileCount).toBe(all.length);
    const pages = ["index.html", ...report.pages.map((p) => p.file)];
    const largest = pages.reduce((a, b) => (statSync(path.join(report.out, a)).size >= statSync(path.join(report.out, b)).size ? a : b));
    expect(report.largestPage).toEqual({ file: largest, bytes: statSync(path.join(report.out, largest)).size });
    for (const page of pages) expect(read(page)).not.toContain("Plotly.newPlot");
    expect(describeSite(report)).toContain("plotly.js: 1 copy (assets/plotly.js");
  });

  it("ships the minified plotly.js of plotly.js-dist-min, the copy every frontend draws with", () => {
    expect(read("assets/plotly.js")).toBe(readFileSync(minifiedPlotlyPath(), "utf8"));
    expect(statSync(minifiedPlotlyPath()).size).toBeLessThan(statSync(require.resolve("plotly.js-dist/plotly.js")).size * 0.6);
  });

  it("builds the index from first headings and first paragraphs, in order, with relative links", () => {
    const index = read("index.html");
    const hrefs = [...index.matchAll(/class="gl-index-link" href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(["01-the-loss.html", "02-gradients.html", "03-hostile.html"]);
    expect(index).toContain("<h1>Test course</h1>");
    expect(index).toContain("How far the output");
    expect(index).not.toContain("More text that is not the summary");
    // The hostile summary's markup is gone; its javascript: link is left as plain text.
    expect(index).not.toMatch(/<script>|onerror|href="javascript:/);
    expect(index).toContain("A summary with  an image and [a link](javascript:");
  });

  it("gives each page prev/next links and a table of contents", () => {
    const page = read("02-gradients.html");
    expect(page).toContain('<a class="gl-prev" rel="prev" href="01-the-loss.html">');
    expect(page).toContain('<a class="gl-next" rel="next" href="03-hostile.html">');
    expect(page).toContain('<li class="gl-toc-2"><a href="#wrap-up">Wrap-up</a></li>');
    expect(page).toContain('<h2 id="wrap-up">');
    expect(read("01-the-loss.html")).not.toContain('class="gl-prev"');
    expect(page).not.toMatch(/(href|src)="(https?:)?\/\//);
  });

  it("folds or hides code cells on request", async () => {
    const folded = await exportSite({ from: FIXTURES, out: path.join(work, "folded"), code: "fold" });
    const page = readFileSync(path.join(folded.out, "01-the-loss.html"), "utf8");
    expect(page.match(/<details class="gl-fold"><summary>Code<\/summary><pre class="gl-input">/g)).toHaveLength(3);
    const hidden = await exportSite({ from: FIXTURES, out: path.join(work, "hidden"), code: "hide" });
    const bare = readFileSync(path.join(hidden.out, "01-the-loss.html"), "utf8");
    expect(bare).not.toContain("gl-input");
    expect(bare).toContain("gl-figure-data"); // outputs stay
  });

  it("trusts a marked notebook only when asked to", async () => {
    expect(read("03-hostile.html")).not.toContain("<script>window.__glPwned");
    const trusting = await exportSite({ from: FIXTURES, out: path.join(work, "trusting"), trustMarked: true });
    expect(trusting.pages.map((p) => p.trusted)).toEqual([false, false, true]);
    expect(readFileSync(path.join(trusting.out, "03-hostile.html"), "utf8")).toContain("<script>window.__glPwned='output'</script>");
    // The index is built from sanitized titles and summaries even then.
    expect(readFileSync(path.join(trusting.out, "index.html"), "utf8")).not.toMatch(/<script>window|onerror/);
  });

  it("replaces its own earlier site but refuses a folder it did not make", async () => {
    const again = await exportSite({ from: FIXTURES, out: report.out });
    expect(again.pages).toHaveLength(3);
    const foreign = path.join(work, "foreign");
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, "thesis.txt"), "precious");
    await expect(exportSite({ from: FIXTURES, out: foreign })).rejects.toThrow(/is not a site made by gradient-lab export/);
    expect(readFileSync(path.join(foreign, "thesis.txt"), "utf8")).toBe("precious");
    expect(readdirSync(work).filter((f) => f.includes(".building-"))).toEqual([]);
  });

  it("names an empty or missing notebook folder", async () => {
    await expect(exportSite({ from: path.join(work, "nothing"), out: path.join(work, "x") })).rejects.toThrow(/notebook folder .*nothing cannot be read/);
    expect(existsSync(path.join(work, "x"))).toBe(false);
  });
});

describe("gradient-lab export (command)", () => {
  it("exports and prints the size, the largest page and the plotly.js copies", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "gl-export-cli-"));
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const code = await main(["--html", "--from", FIXTURES, "--out", path.join(work, "site"), "--fold-code"]);
      expect(code).toBe(0);
      const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
      expect(printed).toMatch(/total size: [\d.]+ MiB in \d+ files/);
      expect(printed).toMatch(/largest page: \S+\.html \([\d.]+ KiB\)/);
      expect(printed).toContain("plotly.js: 1 copy (assets/plotly.js");
    } finally {
      log.mockRestore();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("names a notebook that is JSON null and a folder named x.ipynb, exports the rest and exits 1", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "gl-export-cli-"));
    const from = path.join(work, "notebooks");
    mkdirSync(from);
    cpSync(path.join(FIXTURES, "01-the-loss.ipynb"), path.join(from, "01-the-loss.ipynb"));
    writeFileSync(path.join(from, "02-null.ipynb"), "null");
    mkdirSync(path.join(from, "03-x.ipynb"));
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await main(["--html", "--from", from, "--out", path.join(work, "site")])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
        `gradient-lab export: skipped ${path.join(from, "02-null.ipynb")}: not a notebook: the JSON is not an object`,
        `gradient-lab export: skipped ${path.join(from, "03-x.ipynb")}: cannot be read (EISDIR)`,
      ]);
      expect(readdirSync(path.join(work, "site")).filter((file) => file.endsWith(".html")).sort()).toEqual(["01-the-loss.html", "index.html"]);
    } finally {
      log.mockRestore();
      err.mockRestore();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("rejects bad arguments with exit code 2", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await main(["--html", "--out"])).toBe(2);
      expect(await main(["--pdf"])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join("\n")).toContain('unknown argument "--pdf"');
    } finally {
      err.mockRestore();
    }
  });
});
