import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNotebook, type Notebook } from "../../kernel/notebook/nbformat";
import { compareNotebooks } from "../../kernel/regression/harness";
import { launchChromium, type Session } from "../export-chromium";
import { startHub, Learner, type RunningHub } from "../helpers/jupyterhub";
import { KernelWebSocket } from "../helpers/kernel-websocket";
import { processes, within } from "../helpers/processes";
import { openNotebookPage, writeTestJupyterConfig } from "../helpers/real-jupyter";
import { REPOSITORY } from "../helpers/kernel-prefix";
import { runProgram } from "../helpers/run-program";
import { needVenv } from "../helpers/venv";

/**
 * A class on JupyterHub 6: the course installed once by deploy/install-course.sh
 * (the script deploy/Dockerfile runs), ten learners logging in through the
 * hub's form at once, each running notebook 05 on the gradient-lab kernel
 * over the server's websocket, and one more in Chromium.
 */
const jupyterhub = needVenv("a class on JupyterHub", "jupyterhub");
const LEARNERS = 10;
const NOTEBOOK = "05-training-loop.ipynb";
const PASSWORD = "gradient-lab-class";
const GIB = 1024 ** 3;
const MACHINE_MEMORY = 24 * GIB;

let state: string;
/** Inside the repository, as /srv/course's node_modules is above /home/jovyan in the image: kernels resolve `gradient-lab` from there. */
let homes: string;
let hub: RunningHub;
let browser: Session | undefined;
const stored = parseNotebook(readFileSync(join(REPOSITORY, "notebooks", NOTEBOOK), "utf8"), NOTEBOOK);

beforeAll(async () => {
  if (jupyterhub.skip) return;
  state = mkdtempSync(join(tmpdir(), "gradient-lab-hub-"));
  homes = mkdtempSync(join(REPOSITORY, "test", ".jupyterhub-run-"));
  const prefix = join(state, "prefix");
  const install = await runProgram("bash", [join(REPOSITORY, "deploy", "install-course.sh"), REPOSITORY, prefix], { cwd: REPOSITORY, env: process.env });
  if (install.status !== 0) throw new Error(`deploy/install-course.sh failed:\n${install.stdout}${install.stderr}`);
  writeTestJupyterConfig(join(state, "config"));
  for (let i = 0; i < LEARNERS; i++) {
    mkdirSync(join(homes, `learner${i}`));
    cpSync(join(REPOSITORY, "notebooks", NOTEBOOK), join(homes, `learner${i}`, NOTEBOOK));
  }
  hub = await startHub({
    jupyterhub: jupyterhub.path,
    proxy: join(REPOSITORY, "node_modules", ".bin", "configurable-http-proxy"),
    state,
    homeTemplate: join(homes, "{username}"),
    environment: { JUPYTER_PATH: join(prefix, "share", "jupyter"), JUPYTER_CONFIG_DIR: join(state, "config") },
    password: PASSWORD,
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  if (homes) rmSync(homes, { recursive: true, force: true });
  if (state) rmSync(state, { recursive: true, force: true });
});

interface LearnerRun {
  name: string;
  /** Seconds from the learner's login. */
  serverReady: number;
  firstOutput: number;
  lastCell: number;
  executed: Notebook;
}

async function attend(name: string): Promise<LearnerRun> {
  const start = performance.now();
  const seconds = (at: number): number => (at - start) / 1000;
  const learner = new Learner(hub.base, name);
  await learner.logIn(PASSWORD);
  await learner.startServer();
  const serverReady = seconds(performance.now());
  const kernelId = await learner.startSession(NOTEBOOK, "gradient-lab");
  const kernel = await KernelWebSocket.open(learner.channelsUrl(kernelId), learner.authorization());
  try {
    const cells = [];
    for (const cell of stored.cells) {
      if (cell.cell_type !== "code") {
        cells.push(cell);
        continue;
      }
      const run = await kernel.execute(Array.isArray(cell.source) ? cell.source.join("") : cell.source);
      if (run.status !== "ok") throw new Error(`${name}: a cell of ${NOTEBOOK} ended with ${run.status}: ${JSON.stringify(run.outputs).slice(0, 800)}`);
      cells.push({ ...cell, outputs: run.outputs });
    }
    return { name, serverReady, firstOutput: seconds(kernel.firstOutputAt!), lastCell: seconds(performance.now()), executed: { ...stored, cells } };
  } finally {
    kernel.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const worst = (values: number[]): number => Math.max(...values);
const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

describe.skipIf(jupyterhub.skip)(`a class of ${LEARNERS} on JupyterHub`, () => {
  it(`logs ${LEARNERS} learners in at once, and each runs ${NOTEBOOK} on the gradient-lab kernel with every output as stored`, async () => {
    const runs = await Promise.all(Array.from({ length: LEARNERS }, (_, i) => attend(`learner${i}`)));
    for (const run of runs) expect(compareNotebooks(stored, run.executed), run.name).toEqual([]);

    // Memory, with every learner's server and kernel still running: each learner's processes work in its home folder.
    const all = processes();
    const perLearner = runs.map((run) => {
      const own = all.filter((p) => p.cwd === join(homes, run.name));
      const kernel = own.filter((p) => p.command.includes("tslab/main.js"));
      const server = own.filter((p) => p.command.includes("jupyterhub-singleuser"));
      expect(kernel, `${run.name}'s kernel`).toHaveLength(1);
      expect(server, `${run.name}'s server`).toHaveLength(1);
      return { kernel: kernel[0]!.residentBytes, server: server[0]!.residentBytes };
    });
    const shared = all.filter((p) => p.pid === hub.pid || (p.ppid === hub.pid && p.command.includes("configurable-http-proxy"))).reduce((sum, p) => sum + p.residentBytes, 0);
    const kernelMedian = median(perLearner.map((l) => l.kernel));
    const learnerMedian = median(perLearner.map((l) => l.kernel + l.server));
    const fit = Math.floor((MACHINE_MEMORY - shared) / learnerMedian);
    expect(kernelMedian).toBeGreaterThan(0);
    expect(fit).toBeGreaterThan(LEARNERS);

    const report = [
      `JupyterHub class: ${LEARNERS} learners at once, ${NOTEBOOK}, load ${(await import("node:os")).loadavg()[0]!.toFixed(1)}`,
      `  server ready after login:  median ${median(runs.map((r) => r.serverReady)).toFixed(1)} s, worst ${worst(runs.map((r) => r.serverReady)).toFixed(1)} s`,
      `  first output after login:  median ${median(runs.map((r) => r.firstOutput)).toFixed(1)} s, worst ${worst(runs.map((r) => r.firstOutput)).toFixed(1)} s`,
      `  last cell done after login: median ${median(runs.map((r) => r.lastCell)).toFixed(1)} s, worst ${worst(runs.map((r) => r.lastCell)).toFixed(1)} s`,
      `  resident memory per learner: kernel ${mib(kernelMedian)} (worst ${mib(worst(perLearner.map((l) => l.kernel)))}), with its server ${mib(learnerMedian)}`,
      `  hub and proxy: ${mib(shared)}; learners that fit in 24 GiB: ${fit}`,
    ].join("\n");
    console.log(report);
  }, 900_000);

  it("shows a learner in Chromium the notebook's figures drawn, from disk and after Run All", async () => {
    const figures = stored.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : [])).filter((output) => output.output_type === "display_data" && "application/vnd.plotly.v1+json" in output.data).length;
    expect(figures).toBeGreaterThan(0);
    browser = await launchChromium();
    const context = await browser.browser.newContext();
    const login = await context.newPage();
    await login.goto(`${hub.base}/hub/login`);
    await login.fill("#username_input", "learner0");
    await login.fill("#password_input", PASSWORD);
    await Promise.all([login.waitForURL(/\/user\/learner0\//), login.click("#login_submit")]);
    await login.close();
    const notebook = await openNotebookPage(context, `${hub.base}/user/learner0`, "JupyterLab", NOTEBOOK, hub.base);
    await notebook.waitForFigures(figures, "all");
    expect(await notebook.drawnFigures("all")).toBe(figures);
    await notebook.startRunAll();
    const run = await notebook.finishRun();
    expect(run.unrun).toEqual([]);
    await notebook.waitForFigures(figures, "fresh");
    expect(await notebook.drawnFigures("fresh")).toBe(figures);
    expect(notebook.outside).toEqual([]);
    await notebook.close();
  }, 600_000);

  it("leaves no kernel behind when the hub stops (it stops every learner's server, each server's kernels end with it)", async () => {
    const kernels = () => processes().filter((p) => p.cwd.startsWith(homes) && p.command.includes("tslab/main.js"));
    expect(kernels().length).toBeGreaterThan(0);
    await hub.stop();
    // A process that is not our child cannot be awaited: its end is read from /proc until it shows.
    await within(10_000, () => kernels().length === 0);
    expect(kernels().map((p) => `${p.pid} in ${p.cwd}`)).toEqual([]);
  }, 120_000);
});
