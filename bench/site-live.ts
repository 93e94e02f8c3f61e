import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { exportSite } from "../kernel/export/site";
import { executeNotebook } from "../kernel/notebook/execute";
import { readNotebook } from "../kernel/notebook/nbformat";
import { formatBytes } from "../kernel/export/report";
import { projectRoot } from "../kernel/project-root";
import { median } from "./measure";

/**
 * The course site's live cells (issue 23), measured: the scripts they add,
 * how long a reader waits from opening a page to the first cell's output
 * when Run is pressed as soon as the page has loaded, and notebook 05's Run
 * all in the page against the same cells on the kernel.
 *
 *   npm run build && node dist/bench/site-live.js [runs]
 */

const RUNS = Number(process.argv[2] ?? 5);
const NOTEBOOK_05 = "05-training-loop";

declare const window: { gradientLabLive?: { runAll(): Promise<unknown> } };

/**
 * Opening a page from file:// to the first code cell's result, Run clicked at
 * the load event: [load, result] in ms from navigation start. The cell's
 * result is its run's end (its outputs, or none: 01's first cell only imports).
 */
async function firstOutput(browser: Browser, page: string): Promise<{ loadMs: number; outputMs: number }> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`file://${page}`, { waitUntil: "load" });
    return await tab.evaluate(async () => {
      const cell = document.querySelector("section.gl-code-cell[data-cell]")!;
      const shown = new Promise<number>((done) => {
        let began = false;
        new MutationObserver(() => {
          began ||= cell.classList.contains("gl-running");
          if (began && !cell.classList.contains("gl-running")) done(performance.now());
        }).observe(cell, { attributes: true, attributeFilter: ["class"] });
      });
      const navigation = performance as unknown as { getEntriesByType(type: string): Array<{ loadEventEnd: number }> };
      const loadMs = navigation.getEntriesByType("navigation")[0]!.loadEventEnd;
      cell.querySelector<HTMLButtonElement>(".gl-run")!.click();
      return { loadMs, outputMs: await shown };
    });
  } finally {
    await tab.close();
  }
}

async function runAllInPage(browser: Browser, page: string): Promise<number> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`file://${page}`, { waitUntil: "load" });
    await tab.waitForFunction(() => window.gradientLabLive !== undefined);
    return await tab.evaluate(async () => {
      const start = performance.now();
      await window.gradientLabLive!.runAll();
      return performance.now() - start;
    });
  } finally {
    await tab.close();
  }
}

/** The same notebook's cells on the kernel, from the kernel's start to the last cell's end (its start-up apart). */
async function runAllOnKernel(file: string): Promise<{ cellsMs: number; withStartMs: number }> {
  const notebook = await readNotebook(file);
  const asked = performance.now();
  let started = asked;
  await executeNotebook(notebook, file, { onProgress: (event) => void (event.kind === "kernel-started" && (started = performance.now())) });
  const done = performance.now();
  return { cellsMs: done - started, withStartMs: done - asked };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "gl-bench-site-"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const report = await exportSite({ from: join(projectRoot(), "notebooks"), out: join(work, "site") });
    const first = join(report.out, report.pages[0]!.file);
    const page05 = join(report.out, `${NOTEBOOK_05}.html`);
    console.log(`load average ${loadavg()[0]!.toFixed(2)}; median of ${RUNS} runs`);
    console.log(`live cells' scripts: ${report.live.files.join(" + ")}: ${formatBytes(report.live.bytes)}, ${formatBytes(report.live.gzippedBytes)} gzipped (goal under 1.5 MB gzipped)`);
    const opens = [];
    for (let i = 0; i < RUNS; i++) opens.push(await firstOutput(browser, first));
    console.log(`${report.pages[0]!.file}: page load ${median(opens.map((o) => o.loadMs)).toFixed(0)} ms; first cell's result after Run at load ${median(opens.map((o) => o.outputMs)).toFixed(0)} ms from opening, ${median(opens.map((o) => o.outputMs - o.loadMs)).toFixed(0)} ms after load (goal under 300 ms)`);
    const inPage = [];
    for (let i = 0; i < RUNS; i++) inPage.push(await runAllInPage(browser, page05));
    const onKernel = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) onKernel.push(await runAllOnKernel(join(projectRoot(), "notebooks", `${NOTEBOOK_05}.ipynb`)));
    console.log(`${NOTEBOOK_05}: Run all in the page ${median(inPage).toFixed(0)} ms; on the kernel ${median(onKernel.map((k) => k.cellsMs)).toFixed(0)} ms once started (${median(onKernel.map((k) => k.withStartMs)).toFixed(0)} ms with its start)`);
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
