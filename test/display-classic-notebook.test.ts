import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPlotlyNbextension } from "../kernel/nbextension";

/**
 * The path a classic-Notebook user takes: Debian's Notebook server with our
 * kernelspec and the plotly.js nbextension, the fixture notebook opened in
 * headless Chromium and run; the figures' HTML must load plotly.js from the
 * server (requirejs, nbextensions/gradient-lab/plotly.min) and draw, with no
 * request leaving the machine.
 */
const ROOT = resolve(__dirname, "..");
const FIXTURE = join(ROOT, "test/fixtures/display/show-figure.ipynb");
const JUPYTER = "/usr/bin/jupyter";
const CHROMIUM = "/usr/bin/chromium";
const KERNEL = "gradient-lab-display-test";

const missing = [JUPYTER, CHROMIUM].filter((tool) => !existsSync(tool));
if (missing.length > 0 && process.env.CI) throw new Error(`classic Notebook test: ${missing.join(" and ")} missing; CI must install jupyter-notebook and chromium`);
if (missing.length > 0) console.warn(`classic Notebook test skipped: ${missing.join(" and ")} not installed`);

describe.skipIf(missing.length > 0)("figures in Debian's classic Notebook", () => {
  let jupyterHome: string;
  let notebooks: string;
  let server: ChildProcess | undefined;
  let base: string;
  const serverLog: string[] = [];

  beforeAll(async () => {
    jupyterHome = mkdtempSync(join(tmpdir(), "gradient-lab-classic-"));
    const data = join(jupyterHome, "data");
    mkdirSync(join(data, "kernels", KERNEL), { recursive: true });
    writeFileSync(
      join(data, "kernels", KERNEL, "kernel.json"),
      JSON.stringify({ argv: [join(ROOT, "node_modules/.bin/tslab"), "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript (display test)", language: "typescript" }),
    );
    await installPlotlyNbextension(data);
    // Inside the repository, so the kernel (started in the notebook's folder) finds node_modules/gradient-lab.
    notebooks = mkdtempSync(join(ROOT, "test/fixtures/display", ".classic-"));
    cpSync(FIXTURE, join(notebooks, "show-figure.ipynb"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      JUPYTER,
      ["notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", "--NotebookApp.token=", "--NotebookApp.password=", `--notebook-dir=${notebooks}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])],
      {
        env: { ...process.env, JUPYTER_PATH: data, JUPYTER_DATA_DIR: data, JUPYTER_CONFIG_DIR: join(jupyterHome, "config"), JUPYTER_RUNTIME_DIR: join(jupyterHome, "runtime") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    server.stdout?.on("data", (chunk) => serverLog.push(String(chunk)));
    server.stderr?.on("data", (chunk) => serverLog.push(String(chunk)));
    await waitForServer(`${base}/api`, server, serverLog);
  });

  afterAll(async () => {
    if (server?.pid) {
      // Shut the kernels down through the API first, so no tslab outlives the server.
      try {
        const kernels = (await (await fetch(`${base}/api/kernels`)).json()) as { id: string }[];
        await Promise.all(kernels.map((kernel) => fetch(`${base}/api/kernels/${kernel.id}`, { method: "DELETE" })));
      } catch {
        // the server is already gone
      }
      server.kill("SIGTERM");
    }
    rmSync(notebooks, { recursive: true, force: true });
    rmSync(jupyterHome, { recursive: true, force: true });
  });

  it("runs the notebook and draws every figure, offline", async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const outside: string[] = [];
      await page.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
        outside.push(url.href);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${base}/notebooks/show-figure.ipynb`);
      await page.waitForFunction(() => {
        const jupyter = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
        return jupyter?.notebook?.kernel?.is_connected() === true;
      }, undefined, { timeout: 90_000 });
      await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
      await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 2 && document.querySelectorAll(".output_markdown").length >= 1, undefined, { timeout: 90_000 });
      expect(await page.locator(".js-plotly-plot").count()).toBe(2);
      expect(await page.locator(".js-plotly-plot .annotation-text").allTextContents()).toContain("W53 = 0.995");
      await page.screenshot({ path: "/tmp/gradient-lab-classic-notebook.png", fullPage: true });
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: string[]): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (server.exitCode !== null) throw new Error(`the Notebook server exited with code ${server.exitCode}; its log:\n${log.join("")}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 200));
  }
  throw new Error(`the Notebook server did not answer at ${url}; its log:\n${log.join("")}`);
}
