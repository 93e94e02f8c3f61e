import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelPrefix } from "./helpers/kernel-prefix";
import { needVenv } from "./helpers/venv";

const run = promisify(execFile);
const python = needVenv("nbclient on the gradient-lab kernel");
/** A kernel start and a few cells on a loaded 2-core machine: room, not a speed goal. */
const NBCLIENT_TEST_TIMEOUT_MS = 300_000;

const kernel = python.skip ? undefined : installKernelPrefix();
afterAll(() => kernel?.remove());

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
  const env = { ...kernel!.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const { stdout } = await run(python.path, ["-c", RUN_TWO_CELLS, mode], { cwd: resolve(__dirname, ".."), env, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

describe.skipIf(python.skip)("nbclient 0.11 on the gradient-lab kernel", () => {
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

/**
 * A cell that asks for input, through jupyter_client as JupyterLab's
 * frontend would answer it: with allow_stdin, the kernel's input_request is
 * answered and the cell gets the text; without, the cell fails at once
 * with StdinNotImplementedError.
 */
const ASK_FOR_INPUT = `
import json
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="gradient-lab")
code = 'import { input } from "gradient-lab/display";\\nconst answer = await input("Your name? ");\\nconsole.log("hello, " + answer);'
try:
    result = {}
    msg_id = kc.execute(code, allow_stdin=True)
    request = kc.get_stdin_msg(timeout=240)
    result["prompt"] = request["content"]["prompt"]
    kc.input("Ada")
    reply = kc.get_shell_msg(timeout=240)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=240)
    result["allowed"] = reply["content"]["status"]
    text = []
    while True:
        message = kc.get_iopub_msg(timeout=60)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "stream":
            text.append(message["content"]["text"])
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            break
    result["printed"] = "".join(text)
    refused = kc.execute_interactive(code, allow_stdin=False, timeout=240, output_hook=lambda message: None)
    result["refused"] = {key: refused["content"].get(key) for key in ("status", "ename", "evalue")}
    print(json.dumps(result))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;

describe.skipIf(python.skip)("input requests on the gradient-lab kernel", () => {
  it("answers input() through the frontend with allow_stdin, and refuses it at once without", async () => {
    const env = { ...kernel!.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
    const { stdout } = await run(python.path, ["-c", ASK_FOR_INPUT], { cwd: resolve(__dirname, ".."), env, maxBuffer: 16 * 1024 * 1024 });
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    expect(result).toEqual({
      prompt: "Your name? ",
      allowed: "ok",
      printed: "hello, Ada\n",
      refused: { status: "error", ename: "StdinNotImplementedError", evalue: 'the cell asked for input ("Your name? "), but this frontend does not support input requests (allow_stdin is false)' },
    });
  }, NBCLIENT_TEST_TIMEOUT_MS);
});

/** jupyter_client's own restart (what JupyterLab's Kernel > Restart does): shutdown_request with restart, then a new process. */
const RESTART = `
import json
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="gradient-lab")
try:
    before = kc.execute_interactive("const kept = 41;", timeout=240, output_hook=lambda message: None)["content"]["status"]
    old_pid = km.provisioner.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=240)
    after = kc.execute_interactive("kept + 1", timeout=240, output_hook=lambda message: None)["content"]
    print(json.dumps({"before": before, "new_process": km.provisioner.pid != old_pid, "after": {key: after.get(key) for key in ("status", "ename", "evalue")}}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
`;

describe.skipIf(python.skip)("restarting the gradient-lab kernel through jupyter_client", () => {
  it("starts a new process with none of the old cells' declarations", async () => {
    const env = { ...kernel!.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
    const { stdout } = await run(python.path, ["-c", RESTART], { cwd: resolve(__dirname, ".."), env, maxBuffer: 16 * 1024 * 1024 });
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({
      before: "ok",
      new_process: true,
      after: { status: "error", ename: "TSError", evalue: "TS2304: Cannot find name 'kept'." },
    });
  }, NBCLIENT_TEST_TIMEOUT_MS);
});
