import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../kernel/commands/export";
import { describeFigure } from "../kernel/export/figure-description";
import { newPageEnv } from "../kernel/export/markdown";
import { renderOutput } from "../kernel/export/outputs";
import { exportSite } from "../kernel/export/site";
import { courseFolder, courseNotebookNames, loadCourseNotebook } from "./helpers/stored-notebook";
import { PLOTLY_MIME } from "../kernel/display/names";

/**
 * The site's index says who the course is for (an intro above the chapter
 * list, from a Markdown file, sanitized) and every figure carries a text
 * alternative built from its title, axes, series and frames (issue 24).
 */
const FIXTURES = path.join(__dirname, "fixtures", "export");

describe("a figure's text alternative", () => {
  it("names the title without its markup, each panel's axes, the series and the frames", () => {
    const text = describeFigure({
      data: [{ name: "η = 0.1" }, { name: "η = 0.3" }, { name: "η = 0.1" }, {}],
      layout: { title: { text: "Loss<br><sup>log scale</sup>" }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "loss" } }, xaxis2: { title: { text: "epoch" } } },
      frames: [{}, {}, {}],
    });
    expect(text).toBe("Figure: Loss. log scale. Axes: panel 1, x: step, y: loss; panel 2, x: epoch. Series: η = 0.1, η = 0.3. A slider steps through 3 frames.");
  });

  it("still says it is a figure when the figure says nothing about itself", () => {
    expect(describeFigure({ data: [{ y: [1] }], layout: {} })).toBe("Figure.");
  });

  it("is in the exported figure, escaped, hidden from sight but not from screen readers", () => {
    const html = renderOutput({ output_type: "display_data", data: { [PLOTLY_MIME]: { data: [{ name: "<img src=x onerror=alert(1)>" }, { name: "x < 1 & y" }], layout: { title: { text: "A & B" } } } }, metadata: {} }, newPageEnv(), false, "test");
    expect(html).toContain(`<p class="gl-figure-description gl-visually-hidden">Figure: A &#38; B. Series: x &#60; 1 &#38; y.</p>`);
    expect(html).not.toContain("<img");
  });

  it("every figure of the course has a title, so no description is a bare \"Figure.\"", () => {
    for (const file of courseNotebookNames()) {
      for (const cell of loadCourseNotebook(file).cells) {
        for (const output of cell.cell_type === "code" ? cell.outputs : []) {
          if (output.output_type !== "display_data" || !(PLOTLY_MIME in output.data)) continue;
          expect(describeFigure(output.data[PLOTLY_MIME] as never), file).toMatch(/^Figure: \S/);
        }
      }
    }
  });
});

describe("the index's introduction", () => {
  it("exportSite puts the intro's Markdown above the chapter list, sanitized", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "gl-intro-"));
    try {
      const report = await exportSite({ from: FIXTURES, out: path.join(work, "site"), intro: "For **engineers**.<script>alert(1)</script>" });
      const index = readFileSync(path.join(report.out, "index.html"), "utf8");
      expect(index).toMatch(/<div class="gl-intro"><p>For <strong>engineers<\/strong>\.[^<]*<\/p>\s*<\/div>\s*<ol class="gl-course">/);
      expect(index).not.toContain("<script>alert");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("export --intro names a missing file and exits 1", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await main(["--html", "--from", FIXTURES, "--out", path.join(tmpdir(), "gl-never-written"), "--intro", "no/such/intro.md"])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual(["gradient-lab export: --intro no/such/intro.md: no such file"]);
    } finally {
      err.mockRestore();
    }
  });

  it("the course's intro says who it is for and what it assumes, and npm start shows it", () => {
    const intro = readFileSync(path.join(courseFolder, "README.md"), "utf8");
    expect(intro).toMatch(/The course is for /);
    expect(intro).toMatch(/It assumes /);
    const start = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).scripts.start as string;
    expect(start).toContain("export --html --intro notebooks/README.md");
  });
});
