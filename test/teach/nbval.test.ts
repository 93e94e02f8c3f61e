import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as testCommand } from "../../kernel/commands/test";
import { joinText, parseNotebook, type CodeCell, type Notebook, type Output } from "../../kernel/notebook/nbformat";
import { captured } from "../helpers/captured";
import { installKernelPrefix, REPOSITORY, type KernelPrefix } from "../helpers/kernel-prefix";
import { runProgram } from "../helpers/run-program";
import { needVenv } from "../helpers/venv";

/**
 * nbval 0.11 (pinned in test/python/requirements.txt), as a course's CI runs
 * it: `pytest --nbval` re-executes each notebook on the kernel its metadata
 * names and compares every output with the stored one.
 */
const python = needVenv("nbval on the gradient-lab kernel", "python");
const NOTEBOOKS = join(REPOSITORY, "notebooks");
let kernel: KernelPrefix;
/** Inside the repository: a kernel started there resolves `gradient-lab`. */
let scratch: string;

async function pytest(args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  const run = await runProgram(python.path, ["-m", "pytest", "-p", "no:cacheprovider", "-q", ...args], { cwd, env: kernel.env });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** pytest's closing line, e.g. "113 passed in 94.86s": the counts by outcome. */
function outcomes(output: string): Record<string, number> {
  const closing = output.trim().split("\n").at(-1) ?? "";
  return Object.fromEntries([...closing.matchAll(/(\d+) (passed|failed|error|errors|skipped)/g)].map((m) => [m[2]!, Number(m[1])]));
}

const KERNELSPEC = { display_name: "TypeScript (gradient-lab)", language: "typescript", name: "gradient-lab" };
/** A cell as a run stored it: nbval refuses stored outputs without an execution count ("unrun reference cell"). */
const code = (count: number, source: string, outputs: Output[], tags: string[] = []): CodeCell => ({ cell_type: "code", id: `cell-${count}`, execution_count: outputs.length ? count : null, metadata: tags.length ? { tags } : {}, source, outputs });
const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });

/** One cell of each tag the regression harness and nbval both read, and a plain cell whose stored output is `plain`. */
function taggedNotebook(plain: string, plainTags: string[] = []): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: KERNELSPEC },
    cells: [
      code(1, "console.log(Math.random());", [stdout("0.5\n")], ["nbval-ignore-output"]),
      code(2, 'throw new Error("a cell tagged nbval-skip never runs");', [], ["nbval-skip"]),
      code(3, 'throw new RangeError("expected here");', [{ output_type: "error", ename: "RangeError", evalue: "expected here", traceback: [] }], ["raises-exception"]),
      code(4, "console.log(1 + 1);", [stdout(plain)], plainTags),
    ],
  };
}

function writeNotebook(name: string, notebook: Notebook): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(notebook, null, 1));
  return path;
}

beforeAll(() => {
  if (python.skip) return;
  kernel = installKernelPrefix();
  scratch = mkdtempSync(join(REPOSITORY, "test", ".nbval-run-"));
});
afterAll(() => {
  kernel?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(python.skip)("pytest --nbval on the gradient-lab kernel", () => {
  it("passes on every course notebook, one test per code cell", async () => {
    const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith(".ipynb")).sort();
    const codeCells = notebooks.reduce((sum, name) => sum + parseNotebook(readFileSync(join(NOTEBOOKS, name), "utf8"), name).cells.filter((cell) => cell.cell_type === "code").length, 0);
    const run = await pytest(["--nbval", ...notebooks], NOTEBOOKS);
    expect(run.status, run.output.slice(-6000)).toBe(0);
    expect(outcomes(run.output)).toEqual({ passed: codeCells });
  }, 900_000);

  it("fails when one stored output is changed, naming the cell", async () => {
    const source = parseNotebook(readFileSync(join(NOTEBOOKS, "01-forward-pass.ipynb"), "utf8"), "01");
    const changedAt = source.cells.findIndex((cell) => cell.cell_type === "code" && cell.outputs.some((output) => output.output_type === "stream" && joinText(output.text).includes("0.5")));
    expect(changedAt).toBeGreaterThan(0);
    const cells = source.cells.map((cell, index) =>
      index === changedAt && cell.cell_type === "code"
        ? { ...cell, outputs: cell.outputs.map((output) => (output.output_type === "stream" ? { ...output, text: joinText(output.text).replace("0.5", "0.75") } : output)) }
        : cell,
    );
    const path = writeNotebook("01-changed.ipynb", { ...source, cells });
    const run = await pytest(["--nbval", path], scratch);
    expect(run.status).toBe(1);
    expect(outcomes(run.output).failed).toBe(1);
    // nbval names a test by the cell's place among the code cells, from 0.
    const codeIndex = cells.slice(0, changedAt).filter((cell) => cell.cell_type === "code").length;
    expect(run.output).toContain(`01-changed.ipynb::Cell ${codeIndex}`);
    expect(run.output).toContain("0.75");
  }, 600_000);

  it("reads the tags as gradient-lab test does; --nbval-lax compares only cells tagged nbval-check-output", async () => {
    const agreed = writeNotebook("tags.ipynb", taggedNotebook("2\n"));
    expect((await pytest(["--nbval", agreed], scratch)).status).toBe(0);
    expect((await pytest(["--nbval-lax", agreed], scratch)).status).toBe(0);
    expect((await captured(() => testCommand([agreed]))).result).toBe(0);

    // A wrong stored output in a plain cell: both strict checks fail; --nbval-lax does not look at it.
    const wrong = writeNotebook("tags-wrong.ipynb", taggedNotebook("3\n"));
    const strict = await pytest(["--nbval", wrong], scratch);
    expect(strict.status).toBe(1);
    expect(strict.output).toContain("tags-wrong.ipynb::Cell 3");
    expect((await captured(() => testCommand([wrong]))).result).toBe(1);
    expect((await pytest(["--nbval-lax", wrong], scratch)).status).toBe(0);
    // ... unless the cell is tagged nbval-check-output, which makes --nbval-lax compare it too.
    const wrongTagged = writeNotebook("tags-wrong-tagged.ipynb", taggedNotebook("3\n", ["nbval-check-output"]));
    expect((await pytest(["--nbval-lax", wrongTagged], scratch)).status).toBe(1);
    expect((await captured(() => testCommand([wrongTagged]))).result).toBe(1);
  }, 600_000);
});

describe.skipIf(python.skip)("pytest --nbmake on the gradient-lab kernel", () => {
  it("passes on every course notebook", async () => {
    const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith(".ipynb")).sort();
    const run = await pytest(["--nbmake", ...notebooks], NOTEBOOKS);
    expect(run.status, run.output.slice(-6000)).toBe(0);
    expect(outcomes(run.output)).toEqual({ passed: notebooks.length });
  }, 900_000);

  it("reports a failing cell with the error's name, message and line", async () => {
    const failing: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: KERNELSPEC },
      cells: [code(1, "const rate = 0.1;", []), code(2, "const doubled = rate * 2;\nthrow new RangeError(`bad rate ${doubled}`);", [])],
    };
    const run = await pytest(["--nbmake", writeNotebook("failing.ipynb", failing)], scratch);
    expect(run.status).toBe(1);
    expect(run.output).toContain("FAILED failing.ipynb::failing.ipynb - RangeError: bad rate 0.2");
    expect(run.output).toMatch(/Cell In\[2\], line 2/);
    expect(run.output).not.toContain("<Error>");
  }, 600_000);
});
