import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { KERNEL_NAME } from "../kernel/kernelspec";
import { readNotebook } from "../kernel/notebook/nbformat";
import { compareNotebooks, formatRegression } from "../kernel/regression/harness";
import { runNotebooks } from "../kernel/runner";
import { NBCLIENT_WAITS_FOR_OUTPUTS } from "./helpers/nbclient";
import { courseNotebookPaths } from "./helpers/stored-notebook";
import { needTools, pythonOf } from "./helpers/tools";

const run = promisify(execFile);
/** A whole notebook on a loaded 2-core machine: room, not a speed goal. */
const NOTEBOOK_TEST_TIMEOUT_MS = 600_000;

/** The standard tools (Debian's jupyter-client and nbconvert) must run our notebooks on our kernelspec. */
const tools = needTools("Jupyter compatibility tests", ["jupyter", "jupyter-nbconvert"]);
/** Jupyter's own Python (for nbformat), not whichever python3 comes first on PATH. */
const jupyterPython = (): string => pythonOf(tools.path("jupyter"));

const notebooks = [resolve(__dirname, "fixtures/notebooks/arithmetic.ipynb"), ...courseNotebookPaths()];

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

describe.skipIf(tools.skip)("Jupyter's own tools on the installed kernelspec", () => {
  it("installs into a temporary Jupyter path that `jupyter kernelspec list` then lists", async () => {
    const lines = await installIntoPrefix();
    expect(lines.slice(0, 2)).toEqual([
      `wrote ${join(dataDir, "kernels", KERNEL_NAME, "kernel.json")} (kernelspec "${KERNEL_NAME}")`,
      `wrote ${join(dataDir, "nbextensions", "gradient-lab", "plotly.min.js")} (plotly.js for the classic Notebook)`,
    ]);
    const { stdout } = await run(tools.path("jupyter"), ["kernelspec", "list", "--json"], { env: jupyterEnv });
    const specs = JSON.parse(stdout).kernelspecs as Record<string, { resource_dir: string; spec: { language: string } }>;
    expect(specs[KERNEL_NAME]?.resource_dir).toBe(join(dataDir, "kernels", KERNEL_NAME));
    expect(specs[KERNEL_NAME]?.spec.language).toBe("typescript");
  }, NOTEBOOK_TEST_TIMEOUT_MS);

  it.each(notebooks.map((file) => [basename(file), file]))("`jupyter nbconvert --execute` runs %s and gets its stored outputs", async (_, file) => {
    await installIntoPrefix();
    const outDir = join(prefix, "executed");
    const args = ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", ...NBCLIENT_WAITS_FOR_OUTPUTS, "--output-dir", outDir, file];
    const failure = await run(tools.path("jupyter"), args, { env: jupyterEnv, maxBuffer: 64 * 1024 * 1024 }).then(
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
    const { stdout } = await run(jupyterPython(), ["-c", check, outcome!.written!], { env: jupyterEnv });
    expect(stdout.trim()).toBe("4 5");
  }, NOTEBOOK_TEST_TIMEOUT_MS);
});

/**
 * Every committed course notebook, as written to notebooks/, against the
 * schema of Jupyter's own nbformat: one python3 for them all, reporting each
 * file by name. nbformat 5.x quietly repairs a missing or duplicate cell id
 * (with a FutureWarning) before it validates, so any warning counts as a
 * problem too.
 */
const VALIDATE_NOTEBOOKS = `
import json, sys, warnings
import nbformat

report = []
for path in sys.argv[1:]:
    entry = {"path": path}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        entry["version"] = "%d.%d" % (nb.nbformat, nb.nbformat_minor)
        repairs = [str(w.message) for w in caught if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
        if repairs:
            entry["problem"] = "nbformat warned: " + "; ".join(repairs)
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        where = "/".join(str(part) for part in getattr(error, "absolute_path", []) or [])
        entry["problem"] = "%s%s: %s" % (type(error).__name__, " at " + where if where else "", message[:500])
    report.append(entry)
print(json.dumps(report))
`;

describe.skipIf(tools.skip)("the committed course notebooks under Jupyter's nbformat", () => {
  it("validates every notebooks/*.ipynb against the nbformat 4 schema", async () => {
    const courseNotebooks = courseNotebookPaths();
    expect(courseNotebooks.length, "notebooks in notebooks/").toBeGreaterThan(0);
    const { stdout } = await run(jupyterPython(), ["-c", VALIDATE_NOTEBOOKS, ...courseNotebooks], { env: jupyterEnv, maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(stdout) as { path: string; version?: string; problem?: string }[];
    const problems = report.filter((entry) => entry.problem).map((entry) => `${basename(entry.path)}: ${entry.problem}`);
    expect(problems, "notebooks that Jupyter's nbformat rejects").toEqual([]);
    expect(report.map((entry) => `${basename(entry.path)} valid nbformat ${entry.version}`)).toEqual(
      courseNotebooks.map((file) => `${basename(file)} valid nbformat 4.5`),
    );
  });
});
