import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { KERNEL_NAME } from "../kernel/kernelspec";
import { readNotebook } from "../kernel/notebook/nbformat";
import { compareNotebooks, formatRegression } from "../kernel/regression/harness";
import { listNotebooks, runNotebooks } from "../kernel/runner";

const run = promisify(execFile);
/** A whole notebook on a loaded 2-core machine: room, not a speed goal. */
const NOTEBOOK_TEST_TIMEOUT_MS = 600_000;

/**
 * The standard tools (Debian's jupyter-client and nbconvert) must run our
 * notebooks on our kernelspec. CI installs them, so there a missing jupyter
 * fails the test; on a developer's machine it is skipped with a message.
 */
const JUPYTER = ["/usr/bin/jupyter", "jupyter"].find((candidate) => candidate === "jupyter" || existsSync(candidate))!;
const haveJupyter = await run(JUPYTER, ["nbconvert", "--version"]).then(
  () => true,
  () => false,
);
if (!haveJupyter && process.env.CI) throw new Error(`jupyter nbconvert is missing (${JUPYTER}); CI must install Debian's jupyter packages`);
if (!haveJupyter) console.warn("skipping the Jupyter compatibility tests: jupyter nbconvert is not installed");

const notebooks = [resolve(__dirname, "fixtures/notebooks/arithmetic.ipynb"), ...(await listNotebooks(resolve(__dirname, "../notebooks")))];

const prefix = mkdtempSync(join(tmpdir(), "gradient-lab-jupyter-"));
const dataDir = join(prefix, "share", "jupyter");
afterAll(() => rmSync(prefix, { recursive: true, force: true }));

/** Jupyter sees only the temporary path (plus its system folders) and prints no debugger chatter. */
const jupyterEnv = { ...process.env, JUPYTER_PATH: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: "1" };

async function installIntoPrefix(): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  try {
    expect(await kernelCommand(["install", "--prefix", prefix])).toBe(0);
  } finally {
    vi.restoreAllMocks();
  }
  return lines;
}

/** nbclient's own words (the failing cell) without the Python traceback above them. */
function nbclientError(stderr: string): string {
  const at = stderr.indexOf("CellExecutionError:");
  return (at >= 0 ? stderr.slice(at) : stderr.split("\n").slice(-15).join("\n")).trim();
}

describe.skipIf(!haveJupyter)("Jupyter's own tools on the installed kernelspec", () => {
  it("installs into a temporary Jupyter path that `jupyter kernelspec list` then lists", async () => {
    const lines = await installIntoPrefix();
    expect(lines).toEqual([
      `installed kernelspec "${KERNEL_NAME}" in ${join(dataDir, "kernels", KERNEL_NAME)}`,
      `installed plotly.js for the classic Notebook in ${join(dataDir, "nbextensions", "gradient-lab", "plotly.min.js")}`,
    ]);
    const { stdout } = await run(JUPYTER, ["kernelspec", "list", "--json"], { env: jupyterEnv });
    const specs = JSON.parse(stdout).kernelspecs as Record<string, { resource_dir: string; spec: { language: string } }>;
    expect(specs[KERNEL_NAME]?.resource_dir).toBe(join(dataDir, "kernels", KERNEL_NAME));
    expect(specs[KERNEL_NAME]?.spec.language).toBe("typescript");
  }, NOTEBOOK_TEST_TIMEOUT_MS);

  it.each(notebooks.map((file) => [basename(file), file]))("`jupyter nbconvert --execute` runs %s and gets its stored outputs", async (_, file) => {
    await installIntoPrefix();
    const outDir = join(prefix, "executed");
    const args = ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output-dir", outDir, file];
    const failure = await run(JUPYTER, args, { env: jupyterEnv, maxBuffer: 64 * 1024 * 1024 }).then(
      () => undefined,
      (error: { stderr?: string }) => nbclientError(error.stderr ?? String(error)),
    );
    expect(failure, "nbconvert's error").toBeUndefined();
    const executed = await readNotebook(join(outDir, basename(file)));
    const mismatches = compareNotebooks(await readNotebook(file), executed);
    expect(formatRegression({ file, mismatches, executed }), "outputs that differ from the stored ones").toBe("");
  }, NOTEBOOK_TEST_TIMEOUT_MS);

  it("writes executed copies that Jupyter's nbformat validates as version 4.5", async () => {
    const outDir = join(prefix, "ours");
    const [outcome] = await runNotebooks([resolve(__dirname, "fixtures/notebooks/arithmetic.ipynb")], { outDir });
    expect(outcome?.problem).toBeUndefined();
    const check = "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor)";
    const { stdout } = await run("/usr/bin/python3", ["-c", check, outcome!.written!], { env: jupyterEnv });
    expect(stdout.trim()).toBe("4 5");
  }, NOTEBOOK_TEST_TIMEOUT_MS);
});
