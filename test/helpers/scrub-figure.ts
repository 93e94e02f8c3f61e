import type { Page } from "playwright-core";
import { expect } from "vitest";
import { scrubTraining, seedExample, seedNetwork, train } from "../../src";

/** The source's network trained for 30 steps, and its scrub-through-training figure (edges by weight). */
export const scrubRun = train(seedNetwork(), { samples: [{ input: [...seedExample.input], target: [...seedExample.target] }], learningRate: 0.05, maxSteps: 30 });
export const scrubFigure = scrubTraining(scrubRun, { show: "weight" });
const edgeCount = 6;
const last = scrubRun.history.at(-1)!;

type EdgeStyle = { width: number; colour: string };
type Drawn = { edges: EdgeStyle[]; readout: string; marked: number | null; markerY: number; expectedMarkerY: number | null };

/**
 * Reads the drawn edges and the marked loss, clicks the slider's rail at its
 * right end as a reader would, and checks that both moved to the last step.
 */
export async function scrubToTheEnd(page: Page): Promise<void> {
  const read = (): Promise<Drawn> =>
    page.evaluate((edges) => {
      const plot = document.querySelector(".js-plotly-plot") as HTMLElement & { _fullLayout: { yaxis2: { l2p(v: number): number } }; data: { y: number[] }[] };
      const diagram = Array.from(plot.querySelectorAll(".subplot.xy .scatterlayer .trace")).slice(0, edges);
      const lines = diagram.map((trace) => trace.querySelector("path.js-line") as SVGPathElement);
      const readout = Array.from(plot.querySelectorAll(".annotation-text")).map((t) => t.textContent ?? "").find((t) => t.startsWith("step ")) ?? "";
      const lossTraces = plot.querySelectorAll(".subplot.x2y2 .scatterlayer .trace");
      const point = lossTraces[lossTraces.length - 1]?.querySelector(".point");
      const translate = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(point?.getAttribute("transform") ?? "");
      const marked = plot.data[plot.data.length - 1]?.y[0];
      return {
        edges: lines.map((line) => ({ width: Number.parseFloat(line.style.strokeWidth), colour: line.style.stroke })),
        readout,
        marked: marked ?? null,
        markerY: translate ? Number(translate[2]) : Number.NaN,
        // Where the y axis puts the loss the page now marks, to compare with the drawn point.
        expectedMarkerY: marked === undefined ? null : plot._fullLayout.yaxis2.l2p(marked),
      };
    }, edgeCount);

  const before = await read();
  expect(before.readout).toBe("step 0: loss 0.25");
  const firstWidths = (scrubFigure.frames![0]!.data as { line: { width: number } }[]).slice(0, edgeCount).map((d) => d.line.width);
  expect(before.edges.map((e) => e.width)).toEqual(firstWidths);

  // Click the slider's rail at its right end, as a reader would.
  const rail = page.locator(".slider-rail-touch-rect").first();
  await rail.scrollIntoViewIfNeeded();
  const box = await rail.boundingBox();
  expect(box).not.toBeNull();
  await page.mouse.click(box!.x + box!.width - 2, box!.y + box!.height / 2);
  const lastReadout = `step ${last.step}: loss ${Number(last.loss.toPrecision(12))}`;
  await page
    .waitForFunction((text) => Array.from(document.querySelectorAll(".js-plotly-plot .annotation-text")).some((t) => t.textContent === text), lastReadout)
    .catch(() => undefined); // the readout assertion below says what the page shows instead

  const after = await read();
  const lastFrame = (scrubFigure.frames!.at(-1)!.data as { line: { width: number; color: string } }[]).slice(0, edgeCount);
  expect(after.readout).toBe(lastReadout);
  expect(after.edges.map((e) => e.width)).toEqual(lastFrame.map((d) => d.line.width));
  expect(after.edges.map((e) => e.width)).not.toEqual(before.edges.map((e) => e.width));
  // The marked point sits at the last step's loss on the loss axis.
  expect(after.marked).toBe(last.loss);
  expect(Math.abs(after.markerY - after.expectedMarkerY!)).toBeLessThan(1);
  expect(Math.abs(after.markerY - before.markerY)).toBeGreaterThan(20);
}

