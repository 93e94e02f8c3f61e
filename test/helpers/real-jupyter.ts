import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { BROWSER_WAIT_MS, launchChromium, setUp, type Session } from "../export-chromium";
import { startJupyterServer, type RunningServer } from "./jupyter-server";
import { installKernelPrefix, REPOSITORY, type KernelPrefix } from "./kernel-prefix";
import { needVenv, VENV } from "./venv";

/**
 * The real JupyterLab 4.6 and Notebook 7.6 (pinned in
 * test/python/requirements.txt, installed into `<repo>/.venv` by .ci/run) on
 * one Jupyter server, driven in Debian's Chromium.
 *
 * The kernelspec and the labextension come from `gradient-lab kernel install
 * --prefix <temporary prefix>`, run as a user runs it, and the server finds
 * them through `JUPYTER_PATH=<prefix>/share/jupyter`, the way the README's
 * JupyterLab section tells a user to use an install kept outside the
 * environment. (Not `--prefix .venv`: every worktree's tests would then
 * rewrite the one shared environment's kernelspec under each other's feet.)
 * Jupyter's config, data and runtime folders are temporary too, so no earlier
 * workspace, setting or trust signature leaks in: a notebook copied from the
 * repository opens untrusted, as from a fresh clone.
 */
export { REPOSITORY };
/** The Jupyter launcher of the pinned Python tools. */
export const VENV_JUPYTER = join(VENV, "bin", "jupyter");
/** A notebook open, its kernel started, every cell run, its figures drawn, on a loaded 2-core machine: room, not a speed goal. */
export const FRONTEND_TEST_TIMEOUT_MS = 600_000;
/** Installing the kernel, starting the server and Chromium. */
export const FRONTEND_SETUP_TIMEOUT_MS = 300_000;

export type Frontend = "JupyterLab" | "Notebook 7";

export interface RealJupyter {
  /** http://127.0.0.1:<port>, the page origin. */
  readonly base: string;
  /** The Jupyter data folder `kernel install --prefix` wrote into, and what it printed. */
  readonly dataDir: string;
  readonly installed: string[];
  /** The folder the server serves: inside the repository, so the kernel resolves `gradient-lab` from its node_modules. */
  readonly root: string;
  readonly browser: Browser;
  readonly server: RunningServer;
  /** Copies a notebook into the served folder (autosave then never touches the source); returns its path there. */
  serve(notebook: string, as?: string): string;
  /** Signs a served notebook with this server's notebook secret (`jupyter trust`, as a user would): it then opens trusted. */
  trust(path: string): void;
  /** Opens a served notebook in JupyterLab (`/lab/tree/...?reset`) or Notebook 7 (`/notebooks/...`) and waits until its kernel is idle. */
  open(frontend: Frontend, path: string): Promise<NotebookPage>;
}

/** The lines JupyterLab may print for reasons of its own, not ours. */
const SETTINGS: Record<string, object> = {
  // No "Would you like to get notified about official Jupyter news?" toast over the outputs, and no news fetched.
  "@jupyterlab/apputils-extension/notification.jupyterlab-settings": { fetchNews: "false", checkForUpdates: false },
};

/** Fails (with CI set) or explains how to install the pinned tools; returns true when the suite must skip. */
export function realJupyterMissing(suite: string): boolean {
  return needVenv(suite, "jupyter").skip;
}

/**
 * A Jupyter config folder (for JUPYTER_CONFIG_DIR) for tests: no news toast
 * over the outputs, and the application object exposed to the page, the way
 * JupyterLab's own UI tests reach it.
 */
export function writeTestJupyterConfig(config: string): void {
  for (const [file, values] of Object.entries(SETTINGS)) {
    const path = join(config, "lab", "user-settings", file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, JSON.stringify(values));
  }
  writeFileSync(join(config, "jupyter_server_config.json"), JSON.stringify({ LabApp: { expose_app_in_browser: true, news_url: null }, JupyterNotebookApp: { expose_app_in_browser: true } }));
}

/**
 * One server and one Chromium for the enclosing describe block: installed and
 * started before its tests, stopped and removed after them.
 */
export function realJupyter(): RealJupyter {
  let home: string | undefined;
  let kernel: KernelPrefix | undefined;
  let root: string | undefined;
  let server: RunningServer | undefined;
  let session: Session | undefined;
  let environment: NodeJS.ProcessEnv | undefined;
  const installed: string[] = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "gradient-lab-real-jupyter-"));
    kernel = installKernelPrefix();
    installed.push(...kernel.installed);
    const config = join(home, "config");
    writeTestJupyterConfig(config);
    root = mkdtempSync(join(REPOSITORY, "test", ".jupyterlab-run-"));
    server = await startJupyterServer(
      VENV_JUPYTER,
      (port) => [
        "lab",
        `--port=${port}`,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        `--ServerApp.root_dir=${root}`,
        ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
      ],
      (environment = {
        ...process.env,
        JUPYTER_PATH: kernel.dataDir,
        JUPYTER_CONFIG_DIR: config,
        JUPYTER_DATA_DIR: join(home, "data"),
        JUPYTER_RUNTIME_DIR: join(home, "runtime"),
      }),
    );
    session = await launchChromium();
  }, FRONTEND_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await session?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
    kernel?.remove();
  });

  const ready = <T>(value: T | undefined, what: string): T => setUp(value, `realJupyter: the ${what}`);
  return {
    get base() {
      return ready(server, "server").base;
    },
    get dataDir() {
      return ready(kernel, "install").dataDir;
    },
    installed,
    get root() {
      return ready(root, "served folder");
    },
    get browser() {
      return ready(session, "browser").browser;
    },
    get server() {
      return ready(server, "server");
    },
    serve(notebook, as = basename(notebook)) {
      cpSync(notebook, join(this.root, as));
      return as;
    },
    trust(path) {
      const signed = spawnSync(VENV_JUPYTER, ["trust", join(this.root, path)], { env: setUp(environment, "realJupyter: the server's environment"), encoding: "utf8" });
      if (signed.status !== 0) throw new Error(`jupyter trust ${path} failed:\n${signed.stdout}${signed.stderr}`);
    },
    open(frontend, path) {
      return openNotebookPage(this.browser, this.base, frontend, path);
    },
  };
}

/** Figures on the page: all of them, those marked before a run (drawn from disk), those drawn since. */
export type Batch = "all" | "from disk" | "fresh";
const BATCH_SELECTOR: Record<Batch, string> = { all: ".js-plotly-plot", "from disk": ".js-plotly-plot[data-from-disk]", fresh: ".js-plotly-plot:not([data-from-disk])" };

/** One output of a cell, as the notebook's model holds it (what JupyterLab received from the kernel). */
export interface CellOutput {
  type: string;
  ename?: string;
  evalue?: string;
  mimeTypes: string[];
}

export interface NotebookPage {
  readonly page: Page;
  readonly frontend: Frontend;
  /** Every request to the page's origin. */
  readonly requests: string[];
  /** Requests for anything outside the page's origin (the server): refused, and counted here. */
  readonly outside: string[];
  readonly pageErrors: string[];
  readonly consoleErrors: string[];
  /** How many figures of the batch plotly.js has drawn (its data on the element, its SVG inside) in the open notebook. */
  drawnFigures(batch: Batch): Promise<number>;
  /** Waits until `count` figures of the batch have drawn; a shortfall is left to the caller's count assertion. */
  waitForFigures(count: number, batch: Batch): Promise<void>;
  /** Marks the figures drawn so far as "from disk" and starts Run All without waiting for it (see `finishRun`). */
  startRunAll(): Promise<void>;
  /** Waits for the Run All `startRunAll` began, then for the kernel to be idle; says how it ended. */
  finishRun(): Promise<RunResult>;
  /** The outputs of code cell `index` (counting every cell) in the notebook's model. */
  outputs(index: number): Promise<CellOutput[]>;
  /**
   * Starts recording, in the page, each distinct state of cell `index`'s
   * newly drawn figure while the cell's prompt shows `[*]` (running or
   * queued): the number of points in its first trace, each time it changes.
   * Call before `startRunAll`; `sampled` returns the states seen.
   */
  startSampling(index: number): Promise<void>;
  sampled(): Promise<number[]>;
  /** The number of points in the first trace of cell `index`'s first figure (undefined: no figure drawn). */
  figurePoints(index: number): Promise<number | undefined>;
  /** Waits for the open notebook's display math to be typeset; returns each formula's text (MathJax's MathML) and how many failed. */
  displayMath(): Promise<{ formulas: string[]; errors: number }>;
  /** How many code cells are trusted (a notebook from disk that Jupyter did not sign: none). */
  trustedCodeCells(): Promise<number>;
  /** The text JupyterLab shows in cell `index`: its prompt and its rendered outputs. */
  shown(index: number): Promise<{ prompt: string; executeResults: { prompt: string; text: string }[]; outputText: string }>;
  close(): Promise<void>;
}

export interface RunResult {
  ranAll: boolean;
  kernel: string | undefined;
  /** Code cells with source that got no execution count. */
  unrun: number[];
}

/**
 * What the page sees of JupyterLab's application (JupyterLab and Notebook 7
 * both expose it as `window.jupyterapp` with `expose_app_in_browser`).
 */
type AppWindow = {
  jupyterapp: {
    shell: { currentWidget: unknown };
    commands: { execute(id: string, args?: object): Promise<unknown> };
  };
  /** The notebook this page opened. */
  notebook?: Panel;
  /** The Run All that `startRunAll` began. */
  runAll?: Promise<unknown>;
  /** What `startSampling` recorded. */
  samples?: number[];
  drawnFigures(selector: string): number;
};
type Panel = {
  node: HTMLElement;
  context: { path: string; ready: Promise<void> };
  sessionContext: { ready: Promise<void>; session: { kernel: { name: string; status: string } | null } | null };
  content: {
    widgets: {
      node: HTMLElement;
      model: {
        type: string;
        executionCount?: number | null;
        trusted: boolean;
        sharedModel: { getSource(): string };
        outputs?: { length: number; get(index: number): { type: string; toJSON(): Record<string, unknown>; data: Record<string, unknown> } };
      };
    }[];
  };
};

/**
 * Opens `path` of the server at `base` in a new page of `browser` (or of a
 * context that already holds a login, as on JupyterHub). Requests outside
 * `origin` (the server's own, or the hub's for a server behind it) are
 * refused and counted.
 */
export async function openNotebookPage(browser: Browser | BrowserContext, base: string, frontend: Frontend, path: string, origin = base): Promise<NotebookPage> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1200, height: 1600 });
  page.setDefaultTimeout(BROWSER_WAIT_MS);
  const requests: string[] = [];
  const outside: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) {
      requests.push(url);
      return route.continue();
    }
    outside.push(url);
    return route.abort();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    (window as unknown as AppWindow).drawnFigures = (selector) =>
      Array.from((window as unknown as AppWindow).notebook?.node.querySelectorAll(selector) ?? []).filter(
        (figure) => ((figure as unknown as { data?: unknown[] }).data?.length ?? 0) > 0 && figure.querySelector(".main-svg") !== null,
      ).length;
  });
  const url = frontend === "JupyterLab" ? `${base}/lab/tree/${encodeURI(path)}?reset` : `${base}/notebooks/${encodeURI(path)}`;
  await page.goto(url);
  await page.waitForFunction(
    (path) => {
      const current = (window as unknown as AppWindow).jupyterapp?.shell.currentWidget as Partial<Panel> | null | undefined;
      if (current?.context?.path !== path || current.sessionContext === undefined) return false;
      (window as unknown as AppWindow).notebook = current as Panel;
      return true;
    },
    path,
    { timeout: BROWSER_WAIT_MS },
  );
  await page.evaluate(async () => {
    const panel = (window as unknown as AppWindow).notebook!;
    await panel.context.ready;
    await panel.sessionContext.ready;
  });
  await waitForIdleKernel(page);

  return {
    page,
    frontend,
    requests,
    outside,
    pageErrors,
    consoleErrors,
    drawnFigures: (batch) => page.evaluate((selector) => (window as unknown as AppWindow).drawnFigures(selector), BATCH_SELECTOR[batch]),
    async waitForFigures(count, batch) {
      await page
        .waitForFunction(({ selector, count }) => (window as unknown as AppWindow).drawnFigures(selector) >= count, { selector: BATCH_SELECTOR[batch], count }, { timeout: BROWSER_WAIT_MS })
        .catch(() => undefined);
    },
    async startRunAll() {
      await page.evaluate(() => {
        const lab = window as unknown as AppWindow;
        lab.notebook!.node.querySelectorAll(".js-plotly-plot").forEach((figure) => figure.setAttribute("data-from-disk", ""));
        lab.runAll = lab.jupyterapp.commands.execute("notebook:run-all-cells");
      });
    },
    async finishRun() {
      const run = await page.evaluate(async () => {
        const lab = window as unknown as AppWindow;
        const ranAll = (await lab.runAll) === true;
        const unrun = lab.notebook!.content.widgets.flatMap((cell, index) =>
          cell.model.type === "code" && cell.model.sharedModel.getSource().trim() !== "" && !cell.model.executionCount ? [index] : [],
        );
        return { ranAll, unrun };
      });
      // Outputs may still be on their way to the renderers; the kernel is done when it says idle again.
      await waitForIdleKernel(page);
      const kernel = await page.evaluate(() => (window as unknown as AppWindow).notebook?.sessionContext.session?.kernel?.name);
      return { ...run, kernel };
    },
    outputs: (index) =>
      page.evaluate((index) => {
        const outputs = (window as unknown as AppWindow).notebook!.content.widgets[index]?.model.outputs;
        if (!outputs) throw new Error(`cell ${index} is not a code cell`);
        return Array.from({ length: outputs.length }, (_, i) => {
          const json = outputs.get(i).toJSON();
          return {
            type: outputs.get(i).type,
            ename: json.ename as string | undefined,
            evalue: json.evalue as string | undefined,
            mimeTypes: Object.keys((json.data as object | undefined) ?? {}),
          };
        });
      }, index),
    async startSampling(index) {
      await page.evaluate((index) => {
        const lab = window as unknown as AppWindow;
        const samples: number[] = [];
        lab.samples = samples;
        // Every few milliseconds rather than on DOM mutations: plotly.js redraws in place, the data lives on the element.
        const sample = (): void => {
          const cell = lab.notebook!.content.widgets[index]!.node;
          const running = cell.querySelector(".jp-InputPrompt")?.textContent?.includes("[*]") === true;
          const figure = cell.querySelector(".js-plotly-plot:not([data-from-disk])") as (Element & { data?: { x?: unknown[] }[] }) | null;
          const points = figure?.data?.[0]?.x?.length;
          if (running && points !== undefined && samples[samples.length - 1] !== points) samples.push(points);
          setTimeout(sample, 5);
        };
        sample();
      }, index);
    },
    sampled: () => page.evaluate(() => (window as unknown as AppWindow).samples ?? []),
    figurePoints: (index) =>
      page.evaluate((index) => {
        const figure = (window as unknown as AppWindow).notebook!.content.widgets[index]!.node.querySelector(".js-plotly-plot") as (Element & { data?: { x?: unknown[] }[] }) | null;
        return figure?.data?.[0]?.x?.length;
      }, index),
    async displayMath() {
      const selector = "mjx-container[display='true']";
      await page.waitForFunction((selector) => ((window as unknown as AppWindow).notebook?.node.querySelectorAll(selector).length ?? 0) > 0, selector, { timeout: BROWSER_WAIT_MS }).catch(() => undefined);
      return page.evaluate((selector) => {
        const node = (window as unknown as AppWindow).notebook!.node;
        return {
          formulas: Array.from(node.querySelectorAll(selector)).map((math) => math.querySelector("mjx-assistive-mml")?.textContent ?? ""),
          errors: node.querySelectorAll("mjx-merror").length,
        };
      }, selector);
    },
    trustedCodeCells: () =>
      page.evaluate(() => (window as unknown as AppWindow).notebook!.content.widgets.filter((cell) => cell.model.type === "code" && cell.model.trusted).length),
    shown: (index) =>
      page.evaluate((index) => {
        const cell = (window as unknown as AppWindow).notebook!.content.widgets[index]!.node;
        return {
          prompt: cell.querySelector(".jp-InputPrompt")?.textContent?.trim() ?? "",
          // The class marks an output's row: its prompt ("[n]:", JupyterLab's Out[n]) and the rendered value.
          executeResults: Array.from(cell.querySelectorAll(".jp-OutputArea-executeResult")).map((result) => ({
            prompt: result.querySelector(".jp-OutputArea-prompt")?.textContent?.trim() ?? "",
            text: result.querySelector(".jp-OutputArea-output")?.textContent?.trim() ?? "",
          })),
          outputText: Array.from(cell.querySelectorAll(".jp-OutputArea-output")).map((output) => output.textContent ?? "").join("\n"),
        };
      }, index),
    close: () => page.close(),
  };
}

/** Waits until the opened notebook's kernel says it is idle (started, or done with everything it was sent). */
export async function waitForIdleKernel(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as AppWindow).notebook?.sessionContext.session?.kernel?.status === "idle", undefined, {
    timeout: BROWSER_WAIT_MS,
  });
}
