import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTEBOOK_KERNELSPEC } from "../kernel/kernelspec";
import type { Notebook } from "../kernel/notebook/nbformat";
import { runNotebooks } from "../kernel/runner";
import { CONNECTION_FOLDER_PREFIX } from "../kernel/wire/connection";
import { copyFixtureNotebooks } from "./helpers/fixture-notebooks";
import { isAlive, within } from "./helpers/processes";

/**
 * Whatever ends `gradient-lab run` or `test` in the middle of a cell, its
 * tslab kernel, the processes the cell started and the connection folder
 * (which holds the signing key) must go with it, within two seconds (the
 * issue's bound). A SIGKILL gives the command no chance to clean up: the
 * kernel notices the pipe from its parent closing (kernel/tslab/parent-watch.ts).
 */
const CLI = resolve(__dirname, "../dist/kernel/cli.js");
const CLEANUP_BOUND_MS = 2000;
/** Real kernels on a loaded 2-core machine: room, not a speed goal. */
const KERNEL_TEST_TIMEOUT_MS = 300_000;

/** A cell that starts a child process, says both pids, then holds the kernel's main thread in a busy loop. */
const BUSY_CELL = [
  'import { spawn } from "child_process";',
  'import { writeFileSync } from "fs";',
  'const child = spawn("sleep", ["600"], { stdio: "ignore" });',
  "writeFileSync(process.env.GRADIENT_LAB_TEST_PIDS!, `${process.pid} ${child.pid}`);",
  "const end = Date.now() + 600_000;",
  "while (Date.now() < end) {}",
].join("\n");

let work: string;
let notebook: string;
let timingOut: string;
/** The busy cell in a notebook of its own, with a per-cell time limit in seconds. */
function busyNotebook(name: string, timeoutSeconds: number): string {
  const content: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: NOTEBOOK_KERNELSPEC },
    cells: [{ cell_type: "code", id: "busy", source: BUSY_CELL, metadata: { "gradient-lab": { timeout: timeoutSeconds } }, outputs: [], execution_count: null }],
  };
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}
beforeAll(() => {
  work = copyFixtureNotebooks("orphans");
  notebook = busyNotebook("busy.ipynb", 600);
  timingOut = busyNotebook("busy-timeout.ipynb", 3);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function connectionFolders(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith(CONNECTION_FOLDER_PREFIX));
}

const COMMANDS = [
  ["run", ["--out"]],
  ["test", []],
] as const;
const SIGNALS = ["SIGKILL", "SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM"] as const;

describe.each(COMMANDS)("`gradient-lab %s` ended mid-cell", (command, flags) => {
  it.each(SIGNALS)("by %s leaves no kernel, no cell child and no connection folder", async (signal) => {
    const tmp = mkdtempSync(join(tmpdir(), "gradient-lab-orphans-"));
    const pidsFile = join(tmp, "pids");
    try {
      const cli = spawn(process.execPath, [CLI, command, ...flags.map(() => join(tmp, "out")), notebook], {
        env: { ...process.env, TMPDIR: tmp, GRADIENT_LAB_TEST_PIDS: pidsFile },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      cli.stderr.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<void>((done) => cli.once("exit", () => done()));
      expect(await within(KERNEL_TEST_TIMEOUT_MS / 2, () => existsSync(pidsFile) && readFileSync(pidsFile, "utf8").includes(" ")), `the cell never started: ${stderr}`).toBeDefined();
      const [kernel, child] = readFileSync(pidsFile, "utf8").split(" ").map(Number) as [number, number];
      expect([isAlive(kernel), isAlive(child), connectionFolders(tmp).length]).toEqual([true, true, 1]);

      const killedAt = Date.now();
      cli.kill(signal);
      await exited;
      // The house rule: Ctrl-C and SIGTERM end any command within a second.
      if (signal === "SIGINT" || signal === "SIGTERM") expect(Date.now() - killedAt, `${command} ended by ${signal}`).toBeLessThan(1000);
      const took = await within(CLEANUP_BOUND_MS, () => !isAlive(kernel) && !isAlive(child) && connectionFolders(tmp).length === 0);
      expect({ kernel: isAlive(kernel), child: isAlive(child), folders: connectionFolders(tmp) }).toEqual({ kernel: false, child: false, folders: [] });
      expect(took, `everything gone within ${CLEANUP_BOUND_MS} ms of the command's end`).toBeDefined();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, KERNEL_TEST_TIMEOUT_MS);
});

describe("a cell that runs past its timeout", () => {
  it("takes the processes it started down with its kernel", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gradient-lab-orphans-"));
    const pidsFile = join(tmp, "pids");
    // The kernel inherits this process's environment.
    process.env.GRADIENT_LAB_TEST_PIDS = pidsFile;
    try {
      const [outcome] = await runNotebooks([timingOut], { dryRun: true });
      expect(outcome?.problem).toMatchObject({ kind: "cell", failure: { reason: "timeout" } });
      const [kernel, child] = readFileSync(pidsFile, "utf8").split(" ").map(Number) as [number, number];
      expect(await within(CLEANUP_BOUND_MS, () => !isAlive(kernel) && !isAlive(child))).toBeDefined();
    } finally {
      delete process.env.GRADIENT_LAB_TEST_PIDS;
      rmSync(tmp, { recursive: true, force: true });
    }
  }, KERNEL_TEST_TIMEOUT_MS);
});
