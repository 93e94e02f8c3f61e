import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { needVenv } from "./helpers/venv";

const run = promisify(execFile);
const python = needVenv("nbclient on the gradient-lab kernel");
/** A kernel start and a few cells on a loaded 2-core machine: room, not a speed goal. */
const NBCLIENT_TEST_TIMEOUT_MS = 300_000;

const prefix = mkdtempSync(join(tmpdir(), "gradient-lab-nbclient-"));
afterAll(() => rmSync(prefix, { recursive: true, force: true }));

/**
 * Runs two cells with nbclient 0.11 (the executor under nbconvert, papermill
 * and nbval), a type error then a loop that prints, and prints as JSON the
 * second cell's outputs, or the CellExecutionError nbclient raised.
 */
const RUN_TWO_CELLS = `
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "gradient-lab", "display_name": "TypeScript (gradient-lab)", "language": "typescript"}
nb.cells = [
    nbformat.v4.new_code_cell('const total: number = "three";'),
    nbformat.v4.new_code_cell("for (let i = 0; i < 3; i++) console.log(i)"),
]
client = NotebookClient(nb, timeout=240, allow_errors=sys.argv[1] == "allow-errors", iopub_timeout=60, raise_on_iopub_timeout=True)
try:
    client.execute()
    print(json.dumps({"first": nb.cells[0].outputs, "second": nb.cells[1].outputs}))
except CellExecutionError as error:
    print(json.dumps({"ename": error.ename, "evalue": error.evalue, "message": str(error)}))
`;

async function runTwoCells(mode: "allow-errors" | "stop-at-errors"): Promise<Record<string, unknown>> {
  const env = { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const { stdout } = await run(python.path, ["-c", RUN_TWO_CELLS, mode], { cwd: resolve(__dirname, ".."), env, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

describe.skipIf(python.skip)("nbclient 0.11 on the gradient-lab kernel", () => {
  beforeAll(async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(await kernelCommand(["install", "--prefix", prefix])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("with allow_errors, stores the type error as an error output and all of the next cell's output", async () => {
    const outputs = await runTwoCells("allow-errors");
    expect(outputs.first).toEqual([
      expect.objectContaining({ output_type: "error", ename: "TSError", evalue: "TS2322: Type 'string' is not assignable to type 'number'." }),
    ]);
    expect(outputs.second).toEqual([{ output_type: "stream", name: "stdout", text: "0\n1\n2\n" }]);
  }, NBCLIENT_TEST_TIMEOUT_MS);

  it("without allow_errors, raises CellExecutionError with the error's name, message and the cell's line", async () => {
    const raised = await runTwoCells("stop-at-errors");
    expect(raised.ename).toBe("TSError");
    expect(raised.evalue).toBe("TS2322: Type 'string' is not assignable to type 'number'.");
    expect(raised.message).toContain("Cell In[1], line 1, column 7: error TS2322");
    expect(raised.message).toContain('----> 1 const total: number = "three";');
  }, NBCLIENT_TEST_TIMEOUT_MS);
});
