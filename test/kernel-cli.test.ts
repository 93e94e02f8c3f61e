import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main as runCommand } from "../kernel/commands/run";
import { main as testCommand } from "../kernel/commands/test";
import type { ProgressEvent } from "../kernel/notebook/execute";
import { clearProgressLine, terminalProgress } from "../kernel/progress";
import { boundJobs, runNotebooks } from "../kernel/runner";
import { captured } from "./helpers/captured";
import { copyFixtureNotebooks, FIXTURE_NOTEBOOKS } from "./helpers/fixture-notebooks";

/** Real kernels on a shared 2-core machine: room, not a speed goal. */
const KERNEL_TEST_TIMEOUT_MS = 600_000;

let work: string;
beforeAll(() => void (work = copyFixtureNotebooks("cli")));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => void vi.restoreAllMocks());

describe("boundJobs", () => {
  const cores = availableParallelism();

  it("defaults to the machine's cores when there is enough work", () => {
    expect(boundJobs(undefined, cores)).toBe(cores);
    expect(boundJobs(undefined, cores + 1)).toBe(cores);
    expect(boundJobs(undefined, 1000)).toBe(cores);
  });

  it("never asks for more workers than there is work", () => {
    expect(boundJobs(undefined, 1)).toBe(1);
    expect(boundJobs(cores + 10, 1)).toBe(1);
    for (let work = 1; work <= cores; work++) expect(boundJobs(undefined, work)).toBe(work);
    expect(boundJobs(cores + 10, cores)).toBe(cores);
  });

  it("never goes above the machine's cores, whatever is asked", () => {
    expect(boundJobs(cores + 1, 1000)).toBe(cores);
    expect(boundJobs(cores * 4, 1000)).toBe(cores);
    expect(boundJobs(1_000_000, 1_000_000)).toBe(cores);
  });

  it("never goes below one, even for no work or a zero/negative/fractional request", () => {
    expect(boundJobs(undefined, 0)).toBe(1);
    expect(boundJobs(4, 0)).toBe(1);
    expect(boundJobs(0, 10)).toBe(1);
    expect(boundJobs(-3, 10)).toBe(1);
    expect(boundJobs(0.5, 10)).toBe(1);
    expect(() => boundJobs(Number.NaN, 10)).toThrow("jobs must be a number of parallel kernels, got NaN");
  });

  it("honours a request within the bounds, rounding a fraction down", () => {
    expect(boundJobs(1, 1000)).toBe(1);
    expect(boundJobs(1.9, 1000)).toBe(1);
    expect(boundJobs(cores, 1000)).toBe(cores);
    if (cores >= 2) expect(boundJobs(cores - 0.5, 1000)).toBe(cores - 1);
  });

  it("keeps every combination a whole number in [1, min(cores, max(work, 1))]", () => {
    const requests = [undefined, -1, 0, 0.5, 1, 1.5, 2, 3, cores - 1, cores, cores + 1, 64];
    for (const requested of requests) {
      for (const work of [0, 1, 2, 3, cores, cores + 1, 100]) {
        const jobs = boundJobs(requested, work);
        expect(Number.isInteger(jobs), `boundJobs(${requested}, ${work}) = ${jobs}`).toBe(true);
        expect(jobs, `boundJobs(${requested}, ${work})`).toBeGreaterThanOrEqual(1);
        expect(jobs, `boundJobs(${requested}, ${work})`).toBeLessThanOrEqual(Math.min(cores, Math.max(work, 1)));
      }
    }
  });
});

describe("terminal progress lines", () => {
  /** A stream that records what is written to it. */
  function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
    const written: string[] = [];
    const stream = { isTTY, write: (chunk: string) => (written.push(chunk), true) } as unknown as NodeJS.WriteStream;
    return { stream, written };
  }
  const file = join(process.cwd(), "notebooks", "03-backprop.ipynb");
  const events: ProgressEvent[] = [
    { kind: "kernel-started", file, pid: 4242 },
    { kind: "cell", file, cellNumber: 2, cellCount: 9, elapsedMs: 0 },
    { kind: "cell", file, cellNumber: 5, cellCount: 9, elapsedMs: 1234 },
    { kind: "cell", file, cellNumber: 9, cellCount: 9, elapsedMs: 61_000 },
  ];

  it("prints one plain line per event, the notebook named relative to the working folder", () => {
    const { stream, written } = fakeStream(false);
    const report = terminalProgress(stream, 1);
    events.forEach(report);
    expect(written).toEqual([
      "notebooks/03-backprop.ipynb: kernel started (pid 4242)\n",
      "notebooks/03-backprop.ipynb: cell 2/9, 0.0 s\n",
      "notebooks/03-backprop.ipynb: cell 5/9, 1.2 s\n",
      "notebooks/03-backprop.ipynb: cell 9/9, 61.0 s\n",
    ]);
  });

  it("rewrites one line in place on a terminal with a single job", () => {
    const { stream, written } = fakeStream(true);
    const report = terminalProgress(stream, 1);
    events.slice(0, 2).forEach(report);
    clearProgressLine(stream);
    expect(written).toEqual([
      "\r\x1b[2Knotebooks/03-backprop.ipynb: kernel started (pid 4242)",
      "\r\x1b[2Knotebooks/03-backprop.ipynb: cell 2/9, 0.0 s",
      "\r\x1b[2K",
    ]);
  });

  it("prints plain lines on a terminal when several notebooks run at once, and clears nothing off a terminal", () => {
    const { stream, written } = fakeStream(true);
    terminalProgress(stream, 2)(events[2]!);
    expect(written).toEqual(["notebooks/03-backprop.ipynb: cell 5/9, 1.2 s\n"]);
    const plain = fakeStream(false);
    clearProgressLine(plain.stream);
    expect(plain.written).toEqual([]);
  });
});

/** Seconds a rendezvous cell waits for the other notebook before giving up. */
const RENDEZVOUS_WAIT_S = 240;

/**
 * A notebook that marks itself started, then waits (synchronously, in the
 * kernel) until `other` has marked itself started too: "met" is printed only
 * when both kernels were executing at the same time. With `waitForDone` its
 * last cell also waits until `other` has run its last cell, so it finishes
 * after the other notebook although it comes first in the input.
 */
function rendezvousNotebook(me: string, other: string, waitForDone: boolean): string {
  const code = (source: string) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });
  const waitFor = (marker: string) =>
    `{ const deadline = Date.now() + ${RENDEZVOUS_WAIT_S * 1000};\n` +
    `  while (!fs.existsSync(${JSON.stringify(marker)}) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); }\n`;
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "gradient-lab", display_name: "TypeScript (gradient-lab)", language: "typescript" } },
    cells: [
      code(`import * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(`${me}.started`)}, "");`),
      code(`${waitFor(`${other}.started`)}console.log(fs.existsSync(${JSON.stringify(`${other}.started`)}) ? "met" : "alone");`),
      code(`${waitForDone ? waitFor(`${other}.done`) : ""}fs.writeFileSync(${JSON.stringify(`${me}.done`)}, "");\nconsole.log(${JSON.stringify(`${me} done`)});`),
    ],
  });
}

describe("runNotebooks with two jobs on the real tslab kernel", () => {
  it("runs two notebooks at the same time and returns the outcomes in input order", async () => {
    const folder = join(work, "parallel");
    mkdirSync(folder);
    const first = join(folder, "first.ipynb");
    const second = join(folder, "second.ipynb");
    writeFileSync(first, rendezvousNotebook("first", "second", true));
    writeFileSync(second, rendezvousNotebook("second", "first", false));

    const events: ProgressEvent[] = [];
    const outcomes = await runNotebooks([first, second], {
      jobs: 2,
      dryRun: true,
      timeoutMs: (RENDEZVOUS_WAIT_S + 60) * 1000,
      onProgress: (event) => void events.push(event),
    });

    const stdout = (index: number, cell: number) => {
      const executed = outcomes[index]?.executed?.cells[cell];
      return executed?.cell_type === "code" ? executed.outputs.map((output) => (output.output_type === "stream" ? output.text : "")).join("") : undefined;
    };
    expect(outcomes.map((outcome) => outcome.problem)).toEqual([undefined, undefined]);
    // Each kernel saw the other one's marker while its own cell was running.
    expect([stdout(0, 1), stdout(1, 1)]).toEqual(["met\n", "met\n"]);
    // Both kernels started before either notebook reached its last cell.
    const started = (file: string) => events.findIndex((event) => event.kind === "kernel-started" && event.file === file);
    const lastCell = (file: string) => events.findIndex((event) => event.kind === "cell" && event.file === file && event.cellNumber === 3);
    expect(started(first)).toBeGreaterThanOrEqual(0);
    expect(started(second)).toBeGreaterThanOrEqual(0);
    expect(Math.max(started(first), started(second))).toBeLessThan(Math.min(lastCell(first), lastCell(second)));
    // The first notebook finished last, yet its outcome comes first.
    expect(outcomes.map((outcome) => outcome.file)).toEqual([first, second]);
    expect([stdout(0, 2), stdout(1, 2)]).toEqual(["first done\n", "second done\n"]);
  }, KERNEL_TEST_TIMEOUT_MS);
});

describe("gradient-lab test --update on the real tslab kernel", () => {
  it("fails on a wrong stored output naming notebook, cell and difference; --update stores fresh outputs and only outputs", async () => {
    const folder = join(work, "update");
    mkdirSync(folder);
    const file = join(folder, "arithmetic.ipynb");
    const pristine = JSON.parse(readFileSync(join(FIXTURE_NOTEBOOKS, "arithmetic.ipynb"), "utf8"));
    const wrong = structuredClone(pristine);
    wrong.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "step = 0.5\n" }];
    const wrongText = JSON.stringify(wrong, null, 1) + "\n";
    writeFileSync(file, wrongText);

    // 1. Without --update: fails, names the notebook, the cell and the difference; the file is untouched.
    const failing = await captured(() => testCommand([file]));
    expect(failing.result).toBe(1);
    expect(failing.errors).toEqual([
      `FAIL ${file}: cell 2 (const learningRate = 0.01;) outputs differ (- stored, + now):\n` +
        "      [stdout]\n" +
        "    - step = 0.5\n" +
        "      ^ numbers differ: 0.5 -> 0.003172 (relative 9.94e-1)\n" +
        "    + step = 0.003172",
    ]);
    expect(failing.logs).toEqual(["0 passed, 1 failed"]);
    expect(readFileSync(file, "utf8")).toBe(wrongText);

    // The progress the command printed while the kernel ran (stderr is not a terminal here).
    const name = relative(process.cwd(), file);
    const progress = failing.stderr.split(/\r\x1b\[2K|\n/).filter((line) => line.startsWith(name));
    expect(progress[0]).toMatch(new RegExp(`^${escape(name)}: kernel started \\(pid \\d+\\)$`));
    const cells = progress.slice(1).map((line) => {
      const match = new RegExp(`^${escape(name)}: cell (\\d+)/6, (\\d+\\.\\d) s$`).exec(line);
      expect(match, line).not.toBeNull();
      return { cell: Number(match![1]), seconds: Number(match![2]) };
    });
    expect(cells.map(({ cell }) => cell)).toEqual([2, 3, 4, 5, 6]);
    const seconds = cells.map(({ seconds }) => seconds);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));

    // 2. With --update: the fresh outputs are stored.
    const updating = await captured(() => testCommand(["--update", file]));
    expect(updating.result).toBe(0);
    expect(updating.errors).toEqual([]);
    expect(updating.logs).toEqual([`updated ${file}`, "1 passed, 0 failed"]);

    const text = readFileSync(file, "utf8");
    const updated = JSON.parse(text); // valid JSON
    expect(text).toBe(JSON.stringify(updated, null, 1) + "\n"); // Jupyter's own layout
    expect(updated.cells[1].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "step = 0.003172\n" }]);
    // Only outputs (and execution counts) changed: sources, ids, metadata, cell order as before.
    const withoutOutputs = (notebook: any) => ({
      ...notebook,
      cells: notebook.cells.map(({ outputs: _outputs, execution_count: _count, ...rest }: any) => rest),
    });
    expect(withoutOutputs(updated)).toEqual(withoutOutputs(wrong));
    expect(updated.cells.map((cell: any) => cell.source)).toEqual(pristine.cells.map((cell: any) => cell.source));
    // Outputs other than the wrong one (and the timestamp cell) are the fixture's.
    for (const index of [2, 3, 5]) expect(updated.cells[index].outputs).toEqual(pristine.cells[index].outputs);
    expect(updated.cells[4].outputs).toEqual([{ output_type: "stream", name: "stdout", text: expect.stringMatching(/^run at \d{4}-\d\d-\d\dT/) }]);

    // 3. A following test passes.
    const passing = await captured(() => testCommand([file]));
    expect(passing.errors).toEqual([]);
    expect(passing.logs).toEqual([`ok   ${file}`, "1 passed, 0 failed"]);
    expect(passing.result).toBe(0);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("refuses to store the outputs of a notebook that does not run cleanly", async () => {
    const file = join(work, "failing.ipynb");
    const before = readFileSync(file, "utf8");
    const { result, errors, logs } = await captured(() => testCommand(["--update", file]));
    expect(result).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^FAIL ${escape(file)}: cell 2 \\(const missing = weights\\[5\\]!\\.toFixed\\(2\\);\\) failed to execute:\\n[\\s\\S]*TypeError[\\s\\S]*\\n\\(not updated\\)$`));
    expect(logs).toEqual(["0 passed, 1 failed"]);
    expect(readFileSync(file, "utf8")).toBe(before);
  }, KERNEL_TEST_TIMEOUT_MS);
});

describe("gradient-lab run flag validation", () => {
  const cases: Array<[string[], string]> = [
    [["--jobs", "0"], '--jobs wants a positive number, got "0"'],
    [["--jobs", "abc"], '--jobs wants a positive number, got "abc"'],
    [["--jobs=-2"], '--jobs wants a positive number, got "-2"'],
    [["--jobs", "Infinity"], '--jobs wants a positive number, got "Infinity"'],
    [["--timeout", "0"], '--timeout wants a positive number, got "0"'],
    [["--timeout=-1"], '--timeout wants a positive number, got "-1"'],
    [["--timeout", "soon"], '--timeout wants a positive number, got "soon"'],
  ];
  for (const [flags, message] of cases) {
    it(`rejects ${flags.join(" ")} with exit code 2, naming the flag, before running anything`, async () => {
      // A notebook that does not exist: had the flags been accepted, the run would report it instead.
      const missing = join(work, "does-not-exist.ipynb");
      const { result, errors, logs } = await captured(() => runCommand([...flags, missing]));
      expect(result).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.split("\n")[0]).toBe(message);
      expect(errors[0]).toContain("usage: gradient-lab run [--out DIR] [--jobs N] [--timeout S]");
      expect(logs).toEqual([]);
    });
  }

  it("rejects --timeout -1 (a dash-led value) as ambiguous, naming the flag", async () => {
    const { result, errors, logs } = await captured(() => runCommand(["--timeout", "-1", join(work, "does-not-exist.ipynb")]));
    expect(result).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.split("\n")[0]).toBe("Option '--timeout' argument is ambiguous.");
    expect(errors[0]).toContain("use '--timeout=-XYZ'");
    expect(errors[0]).toContain("usage: gradient-lab run");
    expect(logs).toEqual([]);
  });

  it("rejects --jobs without a value, naming the flag", async () => {
    const { result, errors } = await captured(() => runCommand(["--jobs"]));
    expect(result).toBe(2);
    expect(errors[0]!.split("\n")[0]).toMatch(/^Option '--jobs <value>' argument missing/);
  });

  it("runs with a valid --jobs and --timeout (the same missing notebook is then reported)", async () => {
    const missing = join(work, "does-not-exist.ipynb");
    const { result, errors, logs } = await captured(() => runCommand(["--jobs", "2", "--timeout", "30", "--out", join(work, "out-valid"), missing]));
    expect(result).toBe(1);
    expect(errors).toEqual([`FAIL ${missing}: cannot be read (ENOENT)`]);
    expect(logs).toEqual(["1 notebooks: 0 executed, 1 failed"]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
