import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { figureBundle, figureElementId, figureHtml, figureTitle } from "../kernel/display/bundle";
import { show, showMarkdown, showTable } from "../kernel/display";
import { installPlotlyNbextension } from "../kernel/display/nbextension";
import { minifiedPlotlyPath } from "../kernel/display/plotly-source";
import { lossCurve, networkDiagram, seedNetwork } from "../src";

const figure = lossCurve({ history: [{ step: 0, loss: 0.25 }, { step: 1, loss: 0.18096516 }] });

describe("figureBundle", () => {
  it("holds the Plotly JSON, HTML that draws the same figure, and a text line", () => {
    const bundle = figureBundle(figure, "fig-1");
    expect(Object.keys(bundle).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    expect(bundle["application/vnd.plotly.v1+json"]).toEqual({ data: figure.data, layout: figure.layout, config: figure.config });
    expect(bundle["text/plain"]).toBe("Figure: Loss during training");
    const html = bundle["text/html"] as string;
    expect(html).toContain('<div id="fig-1"');
    expect(html).toContain("nbextensions/gradient-lab/plotly.min");
    // the figure's numbers are in the script; plotly.js itself is not
    expect(html).toContain("0.18096516");
    expect(html.length).toBeLessThan(10_000);
  });

  it("carries a figure's frames (sliders, animations) in both the JSON and the HTML, and no frames key when it has none", () => {
    const animated = { ...figure, frames: [{ name: "step 1", data: [{ y: [0.5] }] }] };
    expect((figureBundle(animated, "a")["application/vnd.plotly.v1+json"] as { frames?: unknown }).frames).toEqual(animated.frames);
    expect(figureHtml(animated, "a")).toContain('"frames":[{"name":"step 1"');
    expect(figureBundle(figure, "a")["application/vnd.plotly.v1+json"]).not.toHaveProperty("frames");
  });

  it("keeps markup in the figure from closing the script", () => {
    const hostile = { data: [], layout: { title: { text: "</script><script>alert(1)</script>" } } };
    const html = figureHtml(hostile, "x");
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain("\\u003c/script\\u003e");
  });

  it("derives titles and ids from the figure alone", () => {
    expect(figureTitle(networkDiagram(seedNetwork(), { show: "weight" }))).toBe("the source's 2-2-1 network: weights");
    expect(figureTitle({ data: [], layout: {} })).toBe("untitled");
    expect(figureElementId(figure, 0)).toBe(figureElementId(lossCurve({ history: [{ step: 0, loss: 0.25 }, { step: 1, loss: 0.18096516 }] }), 0));
    expect(figureElementId(figure, 0)).not.toBe(figureElementId(figure, 1));
    expect(figureElementId(figure, 0)).not.toBe(figureElementId(lossCurve({ history: [{ step: 0, loss: 1 }] }), 0));
    expect(() => figureBundle({ data: "x" } as never, "a")).toThrow(/expected a figure \{ data: \[\.\.\.\], layout/);
  });
});

describe("show, with tslab's display writer stood in for", () => {
  const cache = createRequire(__filename).cache;
  const fakePath = "/fake/node_modules/tslab/dist/jupyter.js";
  const sent: { data: Record<string, unknown>; update: boolean }[] = [];
  afterEach(() => {
    delete cache[fakePath];
    sent.length = 0;
  });
  const installFake = (): void => {
    cache[fakePath] = { exports: { lastWriteDisplayData: (content: { data: Record<string, unknown> }, update: boolean) => sent.push({ data: content.data, update }) } } as never;
  };

  it("sends one display_data per call with every MIME type, and distinct ids for a repeated figure", () => {
    installFake();
    show(figure);
    show(figure);
    showMarkdown("$L = 0.25$");
    showTable([{ parameter: "W53", value: 0.995 }]);
    expect(sent).toHaveLength(4);
    expect(sent.every((s) => s.update === false)).toBe(true);
    expect(Object.keys(sent[0]!.data).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    const ids = sent.slice(0, 2).map((s) => /id="([^"]+)"/.exec(s.data["text/html"] as string)?.[1]);
    expect(ids[0]).toMatch(/^gradient-lab-figure-[0-9a-f]{12}-\d+$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(sent[2]!.data).toEqual({ "text/markdown": "$L = 0.25$", "text/plain": "$L = 0.25$" });
    expect(sent[3]!.data["text/markdown"]).toBe("| parameter | value |\n| --- | ---: |\n| W53 | 0.995 |");
    // the engine's markdownTable writes it: numbers right-aligned, pipes escaped, a line break cannot split a row
    showTable([{ name: "W53", value: 0.995 }, { name: "a|b\nc", value: 1 }]);
    expect(sent[4]!.data["text/markdown"]).toBe("| name | value |\n| --- | ---: |\n| W53 | 0.995 |\n| a\\|b c | 1 |");
    expect(() => showTable([])).toThrow(/no rows and no columns/);
    expect(() => show(undefined as never)).toThrow(/show: expected a figure/);
    expect(sent).toHaveLength(5);
  });
});

describe("installPlotlyNbextension", () => {
  it("copies the minified plotly.js whole to <dataDir>/nbextensions/gradient-lab/plotly.min.js", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gradient-lab-nbextension-"));
    try {
      const target = await installPlotlyNbextension(dataDir);
      expect(target).toBe(join(dataDir, "nbextensions", "gradient-lab", "plotly.min.js"));
      expect(readFileSync(target, "utf8")).toBe(readFileSync(minifiedPlotlyPath(), "utf8"));
      expect(readdirSync(dirname(target))).toEqual(["plotly.min.js"]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
