import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INJECTED_TAG } from "../kernel/teach/inject";
import { compareNotebooks } from "../kernel/regression/harness";
import { cellTags, joinText, readNotebook, type Notebook, type Output } from "../kernel/notebook/nbformat";
import { setUp, siteInChromium, skipBrowser, type WatchedPage } from "./export-chromium";
import { courseFolder, loadCourseNotebook } from "./helpers/stored-notebook";
import { runProgram } from "./helpers/run-program";

// Issue 23: the live page's controls, in Chromium from file://. Stop ends a
// runaway cell and replays the earlier ones; an edited parameters cell gives
// what the kernel gives with `run -p`; edits survive a reload, Reset clears them.

interface Live {
  runAll(): Promise<Record<number, Output[]>>;
  runCell(cell: number): Promise<{ ok: boolean; outputs: Output[] }>;
  stop(): Promise<void>;
  reset(): void;
  setSource(cell: number, text: string): void;
  source(cell: number): string;
}
declare const window: { gradientLabLive?: Live };

const root = path.join(__dirname, "..");

async function livePage(w: WatchedPage): Promise<void> {
  await w.page.waitForFunction(() => window.gradientLabLive !== undefined);
}

/** Puts `text` in one cell, runs all the page's cells, then resets the page (the edit is not kept); the outputs by cell number. */
function runAllEdited(w: WatchedPage, cell: number, text: string): Promise<Record<number, Output[]>> {
  return w.page.evaluate(
    async ([number, source]) => {
      window.gradientLabLive!.setSource(number, source);
      const all = await window.gradientLabLive!.runAll();
      window.gradientLabLive!.reset();
      return all;
    },
    [cell, text] as const,
  );
}

/** The code cells that hold code, numbered as the harness numbers cells (the page makes each of them live). */
function codeCellNumbers(nb: Notebook): number[] {
  return nb.cells.flatMap((cell, i) => (cell.cell_type === "code" && joinText(cell.source).trim() !== "" ? [i + 1] : []));
}

describe.skipIf(skipBrowser)("the live course page's controls (issue 23)", () => {
  const site = siteInChromium(courseFolder);

  it("Stop ends an endless loop within 1 s, says so, and the next cells run on the state from before it", async () => {
    const [first, second, third] = codeCellNumbers(loadCourseNotebook("01-forward-pass.ipynb"));
    const w = await site.open("01-forward-pass.html", 0);
    try {
      await livePage(w);
      const outcome = await w.page.evaluate(
        async ([a, b, c]) => {
          const live = window.gradientLabLive!;
          live.setSource(a!, "let counter = 41;");
          live.setSource(b!, 'console.log("looping");\ncounter = 0;\nwhile (true) {}');
          live.setSource(c!, "counter + 1");
          await live.runCell(a!);
          const looping = live.runCell(b!);
          // The loop has begun once its first line's output has reached the page.
          await new Promise<void>((begun) => {
            const box = document.querySelector(`section[data-cell="${b}"] .gl-outputs`)!;
            new MutationObserver(() => box.textContent?.includes("looping") && begun()).observe(box, { childList: true, subtree: true, characterData: true });
          });
          const stopClicked = performance.now();
          const stopping = live.stop();
          const stoppedCell = await looping;
          const stoppedAfterMs = performance.now() - stopClicked;
          await stopping;
          const next = await live.runCell(c!);
          return { stoppedCell, stoppedAfterMs, next, status: document.querySelector(".gl-live-status")?.textContent ?? "" };
        },
        [first, second, third],
      );
      expect(outcome.stoppedCell.ok).toBe(false);
      expect(outcome.stoppedAfterMs).toBeLessThan(1000);
      expect(outcome.status).toBe(`Stopped cell ${second}; replayed 1 cell(s).`);
      // 41 + 1: the replayed first cell's state, not the stopped cell's `counter = 0`.
      expect(outcome.next.outputs).toEqual([{ output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: null }]);
      expect(w.pageErrors).toEqual([]);
    } finally {
      await w.page.close();
    }
  });

  it("an edit survives a reload, and Reset brings back the stored cell and outputs", async () => {
    const nb = loadCourseNotebook("01-forward-pass.ipynb");
    const [first] = codeCellNumbers(nb);
    const stored = joinText(nb.cells[first! - 1]!.source);
    const w = await site.open("01-forward-pass.html", 0);
    try {
      await livePage(w);
      await w.page.evaluate((a) => window.gradientLabLive!.setSource(a, "// my own edit\nconst mine = 1;"), first!);
      await w.page.reload({ waitUntil: "load" });
      await livePage(w);
      expect(await w.page.evaluate((a) => window.gradientLabLive!.source(a), first!)).toBe("// my own edit\nconst mine = 1;");
      await w.page.getByRole("button", { name: "Reset" }).click();
      expect(await w.page.evaluate((a) => window.gradientLabLive!.source(a), first!)).toBe(stored);
      await w.page.reload({ waitUntil: "load" });
      await livePage(w);
      expect(await w.page.evaluate((a) => window.gradientLabLive!.source(a), first!)).toBe(stored);
    } finally {
      await w.page.close();
    }
  });

  it("Shift-Enter in a cell's editor runs that cell", async () => {
    const [first] = codeCellNumbers(loadCourseNotebook("01-forward-pass.ipynb"));
    const w = await site.open("01-forward-pass.html", 0);
    try {
      await livePage(w);
      await w.page.evaluate((a) => window.gradientLabLive!.setSource(a, 'console.log("ran by Shift-Enter")'), first!);
      await w.page.locator(`section[data-cell="${first}"] .cm-content`).click();
      await w.page.keyboard.press("Shift+Enter");
      await w.page.locator(`section[data-cell="${first}"] .gl-outputs`).getByText("ran by Shift-Enter").waitFor();
      expect(await w.page.locator(`section[data-cell="${first}"] .gl-outputs`).innerText()).toBe("ran by Shift-Enter\n");
      await w.page.getByRole("button", { name: "Reset" }).click();
    } finally {
      await w.page.close();
    }
  });

  it("a wrong exercise answer is checked in the page by the engine's check: the ✗ line with its hint, then WrongAnswerError", async () => {
    const nb = loadCourseNotebook("01-forward-pass.ipynb");
    const exercise = nb.cells.findIndex((cell) => /^z4 = /m.test(joinText(cell.source))) + 1;
    const planted = joinText(nb.cells[exercise - 1]!.source).replace(/^z4 = .*$/m, "z4 = 2.5;");
    const w = await site.open("01-forward-pass.html", 0);
    try {
      await livePage(w);
      const outputs = await runAllEdited(w, exercise, planted);
      const checked = Object.values(outputs).find((list) => list.some((output) => output.output_type === "error"));
      expect(checked).toBeDefined();
      const [printed, error] = checked!;
      expect(printed).toMatchObject({ output_type: "stream", name: "stdout" });
      const line = joinText(printed!.output_type === "stream" ? printed!.text : "").trim();
      expect(line).toMatch(/^✗ Z4/);
      expect(error).toMatchObject({ output_type: "error", ename: "WrongAnswerError", evalue: line });
    } finally {
      await w.page.close();
    }
  });

  describe("notebook 05 with learningRate = 0.1, in the page and on the kernel", () => {
    let work: string | undefined;
    let kernelRun: Notebook | undefined;
    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), "gl-live-05-"));
      const run = await runProgram(process.execPath, ["dist/kernel/cli.js", "run", "--force", "--out", work, "-p", "learningRate", "0.1", "notebooks/05-training-loop.ipynb"], { cwd: root, env: process.env });
      if (run.status !== 0) throw new Error(`gradient-lab run -p learningRate 0.1 failed (${run.status}):\n${run.stderr}`);
      kernelRun = await readNotebook(path.join(work, "05-training-loop.ipynb"));
    }, 300_000);
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("the edited parameters cell gives the kernel's text and figure data", async () => {
      const executed = setUp(kernelRun, "the kernel's run of notebook 05");
      // The kernel's copy has papermill's injected cell after the parameters cell; the page edits the cell itself.
      const kernel: Notebook = { ...executed, cells: executed.cells.filter((cell) => !cellTags(cell).includes(INJECTED_TAG)) };
      const stored = loadCourseNotebook("05-training-loop.ipynb");
      const parametersCell = stored.cells.findIndex((cell) => cellTags(cell).includes("parameters")) + 1;
      const edited = joinText(stored.cells[parametersCell - 1]!.source).replace(/^const learningRate = 0\.01;/m, "const learningRate = 0.1;");
      expect(edited).toContain("const learningRate = 0.1;");
      const w = await site.open("05-training-loop.html", 0);
      try {
        await livePage(w);
        const outputs = await runAllEdited(w, parametersCell, edited);
        const page: Notebook = { ...kernel, cells: kernel.cells.map((cell, i) => (cell.cell_type === "code" ? { ...cell, outputs: outputs[i + 1] ?? [] } : cell)) };
        expect(compareNotebooks(kernel, page).map((m) => `cell ${m.cellNumber} (${m.firstLine}):\n${m.diff}`).join("\n\n")).toBe("");
        // And the rate changed what the notebook shows: the stored (0.01) run differs from both.
        expect(compareNotebooks(stored, page).length).toBeGreaterThan(0);
        expect(w.blockedRequests).toEqual([]);
      } finally {
        await w.page.close();
      }
    });
  });
});
