import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { KERNEL_NAME } from "../kernel/kernelspec";
import { BROWSER_WAIT_MS, launchChromium, type Session } from "./export-chromium";
import { startJupyterServer, type RunningServer } from "./helpers/jupyter-server";
import { ensureLabAppBuilt, LAB_SERVER_SCRIPT } from "./helpers/jupyterlab-app";
import { loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";
import { needTools, pythonOf } from "./helpers/tools";

/**
 * A whole JupyterLab application (3.6, test/jupyterlab-app) in Chromium on a
 * real Jupyter server (Debian's jupyter-server and jupyterlab-server), with
 * the kernelspec and labextension that `gradient-lab kernel install --prefix`
 * wrote: the server finds both on JUPYTER_PATH as it would for a user, and
 * the course notebook's figures draw from disk and after Run All.
 */
const ROOT = resolve(__dirname, "..");
const NOTEBOOK = "05-training-loop.ipynb";
/** A notebook whose Markdown output holds display math, for MathJax. */
const MATH_NOTEBOOK = "02-loss.ipynb";
const LABEXTENSION = "gradient-lab-plotly";
/** A notebook open, its kernel started, every cell run, its figures drawn, on a loaded 2-core machine: room, not a speed goal. */
const LAB_TEST_TIMEOUT_MS = 600_000;
/** A first run also installs and builds the app: measured at 4 min and 1.7 min with both cores busy. */
const SETUP_TIMEOUT_MS = 1_200_000;

const tools = needTools("JupyterLab app test", ["chromium", "jupyter"], ["jupyter_server", "jupyterlab_server"]);

describe.skipIf(tools.skip)("the course in a whole JupyterLab on a Jupyter server", () => {
  let home: string;
  let notebooks: string;
  let dataDir: string;
  let server: RunningServer;
  let session: Session;
  const installed: string[] = [];

  beforeAll(async () => {
    ensureLabAppBuilt();
    home = mkdtempSync(join(tmpdir(), "gradient-lab-jupyterlab-"));
    dataDir = join(home, "prefix", "share", "jupyter");
    vi.spyOn(console, "log").mockImplementation((line: string) => void installed.push(line));
    try {
      expect(await kernelCommand(["install", "--prefix", join(home, "prefix")])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    // A copy inside the repository (the kernel resolves `gradient-lab` through the node_modules above it), so
    // JupyterLab's autosave never writes to the committed notebooks.
    notebooks = mkdtempSync(join(ROOT, "test", ".jupyterlab-run-"));
    for (const name of [NOTEBOOK, MATH_NOTEBOOK]) cpSync(join(ROOT, "notebooks", name), join(notebooks, name));
    const python = pythonOf(tools.path("jupyter"));
    server = await startJupyterServer(
      python,
      (port) => [
        LAB_SERVER_SCRIPT,
        `--port=${port}`,
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.token=",
        "--ServerApp.password=",
        `--ServerApp.root_dir=${notebooks}`,
        `--GradientLabTestLab.user_settings_dir=${join(home, "settings")}`,
        `--GradientLabTestLab.workspaces_dir=${join(home, "workspaces")}`,
        ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
      ],
      {
        ...process.env,
        // The one place the install is named: Jupyter's search path, as a user's shell would set it for --prefix.
        JUPYTER_PATH: dataDir,
        JUPYTER_DATA_DIR: join(home, "data"),
        JUPYTER_CONFIG_DIR: join(home, "config"),
        JUPYTER_RUNTIME_DIR: join(home, "runtime"),
      },
    );
    session = await launchChromium();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await session?.close();
    await server?.stop();
    if (notebooks) rmSync(notebooks, { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("finds the installed kernelspec and labextension on JUPYTER_PATH", async () => {
    const labextension = join(dataDir, "labextensions", LABEXTENSION);
    expect(installed.join("\n")).toContain(join(dataDir, "kernels", KERNEL_NAME, "kernel.json"));
    expect(installed.join("\n")).toContain(join(labextension, "package.json"));
    const specs = (await (await fetch(`${server.base}/api/kernelspecs`)).json()) as { kernelspecs: Record<string, { spec: unknown }> };
    expect(specs.kernelspecs[KERNEL_NAME]?.spec).toMatchObject(JSON.parse(readFileSync(join(dataDir, "kernels", KERNEL_NAME, "kernel.json"), "utf8")));
    const pageConfig = await labPageConfig(server.base);
    const build = (JSON.parse(readFileSync(join(labextension, "package.json"), "utf8")) as { jupyterlab: { _build: { load: string } } }).jupyterlab._build;
    expect(pageConfig.federated_extensions).toContainEqual(expect.objectContaining({ name: LABEXTENSION, load: build.load }));
    expect(pageConfig.labextensionsPath[0]).toBe(join(dataDir, "labextensions"));
  });

  it(`opens ${NOTEBOOK} from disk, draws its stored figures, runs all cells on the gradient-lab kernel and draws them again`, async () => {
    const stored = storedFigureCount(loadCourseNotebook(NOTEBOOK));
    expect(stored, "figures stored in the committed notebook").toBeGreaterThan(0);
    const lab = await openLab(session.browser, server.base);
    try {
      await openNotebook(lab.page, NOTEBOOK);
      // Untrusted from disk: only the labextension's safe renderer can draw these (JupyterLab strips the HTML's scripts).
      await waitForFigures(lab.page, stored, "all");
      expect(await drawnFigures(lab.page, "all"), "figures drawn from disk").toBe(stored);

      const run = await runAllCells(lab.page);
      expect(run).toEqual({ ranAll: true, kernel: KERNEL_NAME, unrun: [] });
      await waitForFigures(lab.page, stored, "fresh");
      expect(await drawnFigures(lab.page, "fresh"), "figures drawn after Run All").toBe(stored);
      expect(await drawnFigures(lab.page, "from disk"), "figures left over from disk after Run All").toBe(0);

      // The extension's own plotly.js, from the data dir the server scanned.
      expect(lab.requests).toContain(`${server.base}/lab/extensions/${LABEXTENSION}/static/plotly.min.js`);
      expect(lab.pageErrors).toEqual([]);
      expect(lab.failedPlugins).toEqual([]);
      expect(lab.outside).toEqual([]);
    } finally {
      await lab.page.close();
    }
  }, LAB_TEST_TIMEOUT_MS);

  const LOSS_TEX = "L = (Y_r - Y_e)^2 = (2.5 - 2)^2 = 0.25";
  it(`typesets ${MATH_NOTEBOOK}'s display math with the local MathJax, offline`, async () => {
    const lab = await openLab(session.browser, server.base);
    try {
      await openNotebook(lab.page, MATH_NOTEBOOK);
      // MathJax 2 leaves one <script type="math/tex..."> per expression it typeset, beside what it drew.
      // MathJax typesets a notebook piece by piece: wait for the loss equation itself (the output typesets after the Markdown).
      await lab.page
        .waitForFunction(
          (tex) => Array.from(document.querySelectorAll(".jp-NotebookPanel script[type^='math/tex']")).some((script) => script.textContent === tex),
          LOSS_TEX,
          { timeout: BROWSER_WAIT_MS },
        )
        .catch(() => undefined); // the assertions below then say what was typeset instead
      const math = await lab.page.evaluate(() => ({
        typeset: Array.from(document.querySelectorAll(".jp-NotebookPanel script[type^='math/tex']")).map((script) => script.textContent),
        drawn: document.querySelectorAll(".jp-NotebookPanel .MathJax_Display .MathJax").length,
        errors: document.querySelectorAll(".jp-NotebookPanel .MathJax_Error, .jp-NotebookPanel merror").length,
      }));
      // The Markdown's inline math is typeset too; the loss line is the notebook's one display equation.
      expect(math.typeset).toContain(LOSS_TEX);
      expect(math.drawn).toBeGreaterThanOrEqual(1);
      expect(math.errors).toBe(0);
      expect(lab.requests).toContain(`${server.base}/mathjax/MathJax.js?config=TeX-AMS_HTML-full,Safe&amp;delayStartupUntil=configured`);
      expect(lab.pageErrors).toEqual([]);
      expect(lab.outside).toEqual([]);
    } finally {
      await lab.page.close();
    }
  }, LAB_TEST_TIMEOUT_MS);
});

interface LabPageConfig {
  federated_extensions: { name: string; load: string }[];
  labextensionsPath: string[];
}

/** The page_config the server writes into the JupyterLab page. */
async function labPageConfig(base: string): Promise<LabPageConfig> {
  const html = await (await fetch(`${base}/lab`)).text();
  const json = /<script id="jupyter-config-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
  if (json === undefined) throw new Error(`no jupyter-config-data in ${base}/lab:\n${html.slice(0, 500)}`);
  return JSON.parse(json) as LabPageConfig;
}

interface LabPage {
  page: Page;
  requests: string[];
  /** Requests for anything but the test's server, refused. */
  outside: string[];
  pageErrors: string[];
  /** JupyterLab's "Plugin '...' failed to activate." console errors. */
  failedPlugins: string[];
}

/** JupyterLab at `base`, started and restored; the app exposes itself as window.jupyterapp (main.js). */
async function openLab(browser: Browser, base: string): Promise<LabPage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
  page.setDefaultTimeout(BROWSER_WAIT_MS);
  await page.addInitScript(installFigureCounter);
  const lab: LabPage = { page, requests: [], outside: [], pageErrors: [], failedPlugins: [] };
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith("data:") || url.startsWith("blob:")) {
      lab.requests.push(url);
      return route.continue();
    }
    lab.outside.push(url);
    return route.abort();
  });
  page.on("pageerror", (error) => lab.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && /failed to activate/.test(message.text())) lab.failedPlugins.push(message.text());
  });
  await page.goto(`${base}/lab`);
  await page.waitForFunction(() => "jupyterapp" in window, undefined, { timeout: BROWSER_WAIT_MS });
  return lab;
}

type LabWindow = {
  jupyterapp: {
    commands: { execute(id: string, args?: object): Promise<unknown> };
  };
  /** The notebook the test opened last. */
  notebook?: NotebookPanel;
};
type NotebookPanel = {
  node: HTMLElement;
  context: { path: string; ready: Promise<void> };
  sessionContext: { ready: Promise<void>; session: { kernel: { name: string; status: string } | null } | null };
  content: { widgets: { model: { type: string; executionCount?: number | null; value: { text: string } } }[] };
};

/** Waits until the opened notebook's kernel says it is idle (started, or done with everything it was sent). */
async function waitForIdleKernel(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as LabWindow).notebook?.sessionContext.session?.kernel?.status === "idle", undefined, {
    timeout: BROWSER_WAIT_MS,
  });
}

/** Opens a notebook in the main area and waits until its kernel (from the notebook's metadata) is idle. */
async function openNotebook(page: Page, path: string): Promise<void> {
  await page.evaluate(async (path) => {
    const app = (window as unknown as LabWindow).jupyterapp;
    const panel = (await app.commands.execute("docmanager:open", { path, factory: "Notebook" })) as NotebookPanel | undefined;
    if (panel?.context.path !== path) throw new Error(`docmanager:open did not open ${path} (${panel?.context.path ?? "nothing"} instead)`);
    (window as unknown as LabWindow).notebook = panel;
    await panel.context.ready;
    await panel.sessionContext.ready;
  }, path);
  await waitForIdleKernel(page);
}

/**
 * Marks the figures on the page as drawn "from disk", then runs every cell
 * (JupyterLab's Run All, which settles once each cell's reply and the
 * kernel's idle status for it have arrived), waits for the kernel to be idle
 * and reports how it ended.
 */
async function runAllCells(page: Page): Promise<{ ranAll: boolean; kernel: string | undefined; unrun: number[] }> {
  const run = await page.evaluate(async () => {
    const app = (window as unknown as LabWindow).jupyterapp;
    const panel = (window as unknown as LabWindow).notebook!;
    panel.node.querySelectorAll(".js-plotly-plot").forEach((figure) => figure.setAttribute("data-from-disk", ""));
    const ranAll = (await app.commands.execute("notebook:run-all-cells")) === true;
    const unrun = panel.content.widgets.flatMap((cell, index) => (cell.model.type === "code" && cell.model.value.text.trim() !== "" && !cell.model.executionCount ? [index] : []));
    return { ranAll, unrun };
  });
  // Outputs may still be on their way to the page's renderers; the kernel is done when it says idle again.
  await waitForIdleKernel(page);
  const kernel = await page.evaluate(() => (window as unknown as LabWindow).notebook?.sessionContext.session?.kernel?.name);
  return { ...run, kernel };
}

/** Every figure; those runAllCells marked as drawn before it ran; those drawn since. */
type Batch = "all" | "from disk" | "fresh";
const BATCH_SELECTOR: Record<Batch, string> = { all: ".js-plotly-plot", "from disk": ".js-plotly-plot[data-from-disk]", fresh: ".js-plotly-plot:not([data-from-disk])" };
type CountingWindow = { drawnFigures(selector: string): number };

/** Installed in every page: how many figures matching `selector` in the opened notebook plotly.js has drawn (its data on the element, its SVG inside). */
function installFigureCounter(): void {
  (window as unknown as CountingWindow).drawnFigures = (selector) =>
    Array.from((window as unknown as LabWindow).notebook?.node.querySelectorAll(selector) ?? []).filter(
      (figure) => ((figure as unknown as { data?: unknown[] }).data?.length ?? 0) > 0 && figure.querySelector(".main-svg") !== null,
    ).length;
}

function drawnFigures(page: Page, batch: Batch): Promise<number> {
  return page.evaluate((selector) => (window as unknown as CountingWindow).drawnFigures(selector), BATCH_SELECTOR[batch]);
}

/** Waits until `count` figures of the batch have drawn; a shortfall is left to the caller's count assertion to report. */
async function waitForFigures(page: Page, count: number, batch: Batch): Promise<void> {
  await page
    .waitForFunction(({ selector, count }) => (window as unknown as CountingWindow).drawnFigures(selector) >= count, { selector: BATCH_SELECTOR[batch], count }, { timeout: BROWSER_WAIT_MS })
    .catch(() => undefined);
}
