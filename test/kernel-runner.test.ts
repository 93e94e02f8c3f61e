import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as runCommand } from "../kernel/commands/run";
import { Kernel, KernelStartDiedError } from "../kernel/kernel";
import { describeProblem, runNotebooks } from "../kernel/runner";
import { copyFixtureNotebooks, FIXTURE_NOTEBOOKS } from "./helpers/fixture-notebooks";

/** Real kernels on a shared 2-core machine: room, not a speed goal. */
const KERNEL_TEST_TIMEOUT_MS = 600_000;

let work: string;
beforeAll(() => void (work = copyFixtureNotebooks("runner")));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the notebook runner on the real tslab kernel", () => {
  it("times out a cell that loops forever, reports it, kills the kernel and goes on", async () => {
    const out = join(work, "out-loop");
    const pids: number[] = [];
    const outcomes = await runNotebooks([join(work, "infinite-loop.ipynb"), join(work, "arithmetic.ipynb")], {
      outDir: out,
      jobs: 1,
      onProgress: (event) => event.kind === "kernel-started" && event.pid && pids.push(event.pid),
    });
    const [loop, arithmetic] = outcomes;
    expect(loop?.problem).toMatchObject({ kind: "cell", failure: { cellNumber: 2, firstLine: "// metadata \"gradient-lab\".timeout gives this cell 3 s", reason: "timeout" } });
    expect(describeProblem(loop!)).toContain("infinite-loop.ipynb: cell 2 (// metadata \"gradient-lab\".timeout gives this cell 3 s) failed:\n    the cell ran longer than 3 s; the kernel was killed");
    expect(isRunning(pids[0]!)).toBe(false);
    expect(arithmetic?.problem).toBeUndefined();
    expect(readdirSync(out)).toEqual(["arithmetic.ipynb"]);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("reports a kernel killed from outside while a cell runs, long before the cell timeout", async () => {
    let kernelPid: number | undefined;
    const outcomes = await runNotebooks([join(work, "sleeper.ipynb")], {
      dryRun: true,
      // Six times the test's own limit: finishing at all proves the report did not wait for the cell timeout.
      timeoutMs: 6 * KERNEL_TEST_TIMEOUT_MS,
      onProgress: (event) => {
        if (event.kind === "kernel-started") kernelPid = event.pid;
        if (event.kind === "cell" && event.cellNumber === 2) setTimeout(() => process.kill(kernelPid!, "SIGKILL"), 300);
      },
    });
    expect(outcomes[0]?.problem).toMatchObject({ kind: "cell", failure: { cellNumber: 2, reason: "kernel-died" } });
    expect(describeProblem(outcomes[0]!)).toMatch(/was killed by SIGKILL/);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("reports a failing cell with its number, first line and the kernel's error text", async () => {
    const [outcome] = await runNotebooks([join(work, "failing.ipynb")], { dryRun: true });
    const report = describeProblem(outcome!)!;
    expect(report.split("\n")[0]).toBe(`${join(work, "failing.ipynb")}: cell 2 (const missing = weights[5]!.toFixed(2);) failed:`);
    expect(report).toContain("TypeError: Cannot read properties of undefined (reading 'toFixed')");
    expect(report).not.toMatch(/^\s+at /m);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("goes on after a cell tagged raises-exception fails", async () => {
    const [outcome] = await runNotebooks([join(work, "expected-error.ipynb")], { dryRun: true });
    expect(outcome?.problem).toBeUndefined();
    const cells = outcome!.executed!.cells;
    expect(cells[1]?.cell_type === "code" && cells[1].outputs).toEqual([
      expect.objectContaining({ output_type: "error", ename: "Error", evalue: "this cell is expected to fail" }),
    ]);
    expect(cells[2]?.cell_type === "code" && cells[2].outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "still running after the expected error\n" },
    ]);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("leaves the source notebook untouched unless --in-place, and then rewrites it whole", async () => {
    const source = join(work, "arithmetic.ipynb");
    const before = readFileSync(source, "utf8");
    const stored = JSON.parse(before);
    await runNotebooks([source], { outDir: join(work, "out-copy") });
    expect(readFileSync(source, "utf8")).toBe(before);

    const inPlace = join(work, "in-place.ipynb");
    const cleared = { ...stored, cells: stored.cells.map((cell: any) => (cell.cell_type === "code" ? { ...cell, outputs: [] } : cell)) };
    writeFileSync(inPlace, JSON.stringify(cleared));
    const [outcome] = await runNotebooks([inPlace], { inPlace: true });
    expect(outcome?.written).toBe(inPlace);
    const rewritten = JSON.parse(readFileSync(inPlace, "utf8"));
    expect(rewritten.cells[1].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "step = 0.003172\n" }]);
    expect(readdirSync(work).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, KERNEL_TEST_TIMEOUT_MS);
});

/** The stream text a kernel's cells print, in order, and the iopub listener that gathers it. */
function streamText(): { outputs: string[]; collect: (message: { content: Record<string, unknown> }) => void } {
  const outputs: string[] = [];
  return { outputs, collect: (message) => void outputs.push(String(message.content.text ?? "")) };
}

describe("the Kernel", () => {
  it("interrupts a running cell and stays usable", async () => {
    const kernel = await Kernel.start({ cwd: FIXTURE_NOTEBOOKS });
    try {
      const { outputs, collect } = streamText();
      // SIGINT stops a synchronous loop (tslab runs cells with breakOnSigint).
      // It is sent every second until the reply comes, since a loaded machine
      // may still be compiling the cell when the first one arrives.
      const repeat = setInterval(() => kernel.interrupt(), 1000);
      const interrupted = await kernel.execute("let spins = 0;\nwhile (true) { spins++; }", collect, 300_000).finally(() => clearInterval(repeat));
      expect(interrupted.content.status).toBe("error");
      const after = await kernel.execute("console.log(\"alive\");", collect, 60_000);
      expect(after.content.status).toBe("ok");
      expect(outputs.at(-1)).toBe("alive\n");
    } finally {
      await kernel.shutdown();
    }
    expect(kernel.process.isAlive).toBe(false);
  }, KERNEL_TEST_TIMEOUT_MS);

  it.each(["kill", "shutdown"] as const)("has removed its connection folder, and the signing key in it, when %s() resolves", async (end) => {
    const kernel = await Kernel.start({ cwd: FIXTURE_NOTEBOOKS });
    const folder = dirname(kernel.process.connectionFilePath);
    expect(existsSync(folder)).toBe(true);
    // A caller may exit the moment this resolves (2 of 6 runs of a client script left the folder behind).
    await kernel[end]();
    expect(existsSync(folder)).toBe(false);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("gives up on a kernel that reports a taken port, after fresh ports twice, instead of waiting on it", async () => {
    // tslab logs EADDRINUSE and stays alive, deaf; this stand-in does the same, and counts its starts.
    const folder = mkdtempSync(join(tmpdir(), "gradient-lab-port-"));
    const starts = join(folder, "starts");
    const deaf = `require("fs").appendFileSync(${JSON.stringify(starts)}, "x"); console.error("Error: bind EADDRINUSE 127.0.0.1:1"); setInterval(() => {}, 1000);`;
    const spec = { argv: [process.execPath, "-e", deaf], display_name: "deaf", language: "typescript", interrupt_mode: "signal" as const };
    try {
      const started = Kernel.start({ cwd: FIXTURE_NOTEBOOKS, spec, startTimeoutMs: 200_000 });
      await expect(started).rejects.toThrow(KernelStartDiedError);
      await expect(started).rejects.toThrow(/a port given to the kernel was taken.*EADDRINUSE/);
      expect(readFileSync(starts, "utf8")).toBe("xxx");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("keeps a started kernel when a cell's own code writes EADDRINUSE to the process's stderr", async () => {
    const kernel = await Kernel.start({ cwd: FIXTURE_NOTEBOOKS });
    try {
      const { outputs, collect } = streamText();
      const server = await kernel.execute('require("fs").writeSync(2, "Error: listen EADDRINUSE: address already in use :::8080\\n");', collect, 60_000);
      expect(server.content.status).toBe("ok");
      const after = await kernel.execute('console.log("still here");', collect, 60_000);
      expect(after.content.status).toBe("ok");
      expect(outputs.at(-1)).toBe("still here\n");
    } finally {
      await kernel.shutdown();
    }
  }, KERNEL_TEST_TIMEOUT_MS);

  it("leaves nothing running once shut down, so a finished run exits at once", () => {
    // In a process of its own, since vitest keeps timers of its own in this one.
    const kernelModule = resolve(__dirname, "../dist/kernel/kernel.js");
    if (!existsSync(kernelModule)) throw new Error("kernel test: dist/ is not built; run `npm run build` first (npm test does)");
    const script = `
      const { Kernel } = require(${JSON.stringify(kernelModule)});
      (async () => {
        const kernel = await Kernel.start({ cwd: ${JSON.stringify(FIXTURE_NOTEBOOKS)} });
        const reply = await kernel.execute("1 + 1", () => undefined, 60000);
        await kernel.shutdown();
        console.log(JSON.stringify({ status: reply.content.status, alive: kernel.process.isAlive, left: process.getActiveResourcesInfo() }));
      })();`;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 300_000 });
    expect(child.stderr).toBe("");
    const report = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as { status: string; alive: boolean; left: string[] };
    expect(report.status).toBe("ok");
    expect(report.alive).toBe(false);
    // A pending grace-period timer here kept every run alive 2 s after its last kernel had exited.
    expect(report.left.filter((kind) => kind === "Timeout")).toEqual([]);
  }, KERNEL_TEST_TIMEOUT_MS);
});

describe("gradient-lab run with malformed notebooks", () => {
  it("prints one line naming each file and its problem, and writes nothing", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const out = join(work, "out-malformed");
    const files = ["not-json", "wrong-nbformat", "missing-cells"].map((name) => join(work, "malformed", `${name}.ipynb`));
    const before = files.map((file) => readFileSync(file, "utf8"));
    let code: number;
    try {
      code = await runCommand(["--out", out, ...files]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(code).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^FAIL ${escape(files[0]!)}: not JSON \\(.+\\)$`)),
      `FAIL ${files[1]}: wrong nbformat 3, only nbformat 4 is supported`,
      `FAIL ${files[2]}: missing "cells" (it must be an array)`,
    ]);
    expect(existsSync(out)).toBe(false);
    expect(files.map((file) => readFileSync(file, "utf8"))).toEqual(before);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
