import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { newPageEnv } from "../kernel/export/markdown";
import { renderOutput } from "../kernel/export/outputs";
import { executeNotebook } from "../kernel/notebook/execute";
import { readNotebook } from "../kernel/notebook/nbformat";

/** A kernel start and two cells on a loaded 2-core machine: room, not a speed goal. */
const KERNEL_TEST_TIMEOUT_MS = 300_000;
const FIXTURE = resolve(__dirname, "fixtures/frontends/value-and-error.ipynb");

describe("execute_result and error outputs through our runner and the site", () => {
  it("stores a cell's value as Out[n] and an error with its traceback, and the site shows both", async () => {
    const { notebook, failure } = await executeNotebook(await readNotebook(FIXTURE), FIXTURE);
    const [, valueCell, errorCell] = notebook.cells;
    const value = valueCell?.cell_type === "code" ? valueCell.outputs[0] : undefined;
    expect(valueCell?.cell_type === "code" && valueCell.outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "42" }, metadata: {} }]);
    const error = errorCell?.cell_type === "code" ? errorCell.outputs[0] : undefined;
    expect(error).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "no layer 4" });
    expect(error?.output_type === "error" && error.traceback.join("\n")).toContain("Cell In[2], line 2\n      1 const layers = 3;\n----> 2 throw new RangeError(`no layer ${layers + 1}`);");
    expect(failure).toMatchObject({ cellNumber: 3, reason: "error", message: "RangeError: no layer 4" });

    const page = newPageEnv();
    expect(renderOutput(value!, page, false, "value")).toBe('<pre class="gl-text">42</pre>');
    expect(renderOutput(error!, page, false, "error")).toContain("Cell In[2], line 2");
  }, KERNEL_TEST_TIMEOUT_MS);
});
