import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as runCommand } from "../kernel/commands/run";
import { main as testCommand } from "../kernel/commands/test";
import { installKernelSpec, NOTEBOOK_KERNELSPEC } from "../kernel/kernelspec";
import { joinText, type Notebook } from "../kernel/notebook/nbformat";
import { copyFixtureNotebooks } from "./helpers/fixture-notebooks";
import { NBCLIENT_WAITS_FOR_OUTPUTS } from "./helpers/nbclient";

/**
 * tslab sends every output without waiting for the previous send, and
 * zeromq 6 refuses a send while one is in progress: a cell that printed a
 * few thousand lines lost most of them and never finished. The kernel we
 * start (kernel/tslab/) puts the sends in order; these cells must arrive
 * whole, in order, under every way the lab runs a notebook.
 */
const LINES = 100_000;
const MEGABYTES = 10;
const CELLS = [
  `for (let i = 0; i < ${LINES}; i++) console.log(i);`,
  `console.log("0123456789".repeat(${MEGABYTES * 100_000}));`,
];
const EXPECTED = [Array.from({ length: LINES }, (_, i) => `${i}\n`).join(""), `${"0123456789".repeat(MEGABYTES * 100_000)}\n`];

/** Kernels printing 10 MB on a loaded 2-core machine: room, not a speed goal. */
const VOLUME_TEST_TIMEOUT_MS = 900_000;

let work: string;
let source: string;
beforeAll(() => {
  work = copyFixtureNotebooks("volume");
  source = join(work, "volume.ipynb");
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: NOTEBOOK_KERNELSPEC },
    cells: CELLS.map((code, index) => ({ cell_type: "code", id: `volume-${index}`, source: code, metadata: {}, outputs: [], execution_count: null })),
  };
  writeFileSync(source, JSON.stringify(notebook));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Each code cell's stream text, all chunks joined. */
function streamTexts(file: string): string[] {
  const notebook = JSON.parse(readFileSync(file, "utf8")) as Notebook;
  return notebook.cells.map((cell) => (cell.cell_type === "code" ? cell.outputs.map((output) => (output.output_type === "stream" ? joinText(output.text) : `[${output.output_type}]`)).join("") : ""));
}

/** Compares without printing 10 MB when it fails: the first place the texts part, and their lengths. */
function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  return `length ${actual.length}, expected ${expected.length}; they part at character ${at}: ${JSON.stringify(actual.slice(at, at + 40))} instead of ${JSON.stringify(expected.slice(at, at + 40))}`;
}

function quietly<T>(body: () => Promise<T>): Promise<T> {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  return body().finally(() => vi.restoreAllMocks());
}

describe("a cell printing 100,000 lines, and one printing 10 MB", () => {
  it("arrive whole and in order under `gradient-lab run`, and `gradient-lab test` then passes", async () => {
    const out = join(work, "out");
    expect(await quietly(() => runCommand(["--out", out, "--timeout", "600", source]))).toBe(0);
    const texts = streamTexts(join(out, "volume.ipynb"));
    texts.forEach((text, index) => expect(firstDifference(text, EXPECTED[index]!), `cell ${index + 1}`).toBeUndefined());
    // The executed copy is now the stored notebook: a fresh run must match it line for line.
    expect(await quietly(() => testCommand(["--timeout", "600", join(out, "volume.ipynb")]))).toBe(0);
  }, VOLUME_TEST_TIMEOUT_MS);
});

describe("a cell printing one 100 MB line", () => {
  it("fails under `run --timeout 10` naming the 64 MB message limit, not the timeout", async () => {
    const file = join(work, "one-long-line.ipynb");
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: NOTEBOOK_KERNELSPEC },
      cells: [{ cell_type: "code", id: "long-line", source: 'console.log("x".repeat(100 * 2 ** 20));', metadata: {}, outputs: [], execution_count: null }],
    };
    writeFileSync(file, JSON.stringify(notebook));
    const said: string[] = [];
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => void said.push(parts.join(" ")));
    const status = await runCommand(["--out", join(work, "out-long-line"), "--timeout", "10", file]).finally(() => vi.restoreAllMocks());
    expect(status).toBe(1);
    const report = said.join("\n");
    expect(report).toMatch(/cell 1 \(console\.log\("x"\.repeat\(100 \* 2 \*\* 20\)\);\) failed/);
    expect(report).toMatch(/the kernel sent a stream message of 100\.0 MB, over the 64 MB message limit/);
    expect(report).not.toMatch(/longer than/);
  }, VOLUME_TEST_TIMEOUT_MS);
});

const JUPYTER = "/usr/bin/jupyter";
const haveJupyter = existsSync(JUPYTER) && spawnSync(JUPYTER, ["nbconvert", "--version"], { stdio: "ignore" }).status === 0;
if (!haveJupyter && process.env.CI) throw new Error(`jupyter nbconvert is missing (${JUPYTER}); CI must install Debian's jupyter packages`);
if (!haveJupyter) console.warn("skipping the nbconvert volume test: jupyter nbconvert is not installed");

describe.skipIf(!haveJupyter)("the same cells under `jupyter nbconvert --execute` on the installed kernelspec", () => {
  it("arrive whole and in order", async () => {
    const prefix = mkdtempSync(join(tmpdir(), "gradient-lab-volume-"));
    try {
      const dataDir = join(prefix, "share", "jupyter");
      await installKernelSpec(dataDir);
      const out = join(prefix, "executed");
      const args = ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", ...NBCLIENT_WAITS_FOR_OUTPUTS, "--output-dir", out, source];
      await promisify(execFile)(JUPYTER, args, { env: { ...process.env, JUPYTER_PATH: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: "1" }, maxBuffer: 64 * 1024 * 1024 });
      const texts = streamTexts(join(out, "volume.ipynb"));
      texts.forEach((text, index) => expect(firstDifference(text, EXPECTED[index]!), `cell ${index + 1}`).toBeUndefined());
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  }, VOLUME_TEST_TIMEOUT_MS);
});
