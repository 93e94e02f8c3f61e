import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as runCommand } from "../../kernel/commands/run";
import { cellTags, joinText, parseNotebook, type Notebook } from "../../kernel/notebook/nbformat";
import { compareNotebooks } from "../../kernel/regression/harness";
import { INJECTED_TAG } from "../../kernel/teach/inject";
import { captured } from "../helpers/captured";
import { installKernelPrefix, REPOSITORY, type KernelPrefix } from "../helpers/kernel-prefix";
import { outputText } from "../helpers/stored-notebook";
import { runProgram } from "../helpers/run-program";
import { needVenv } from "../helpers/venv";

/**
 * papermill, as a teacher's pipeline runs it, on the gradient-lab kernel:
 * our translator (kernel/teach/papermill/, installed into .venv from
 * test/python/requirements.txt) writes the -p values as TypeScript, and the
 * run matches `gradient-lab run -p` cell for cell.
 */
const papermill = needVenv("papermill on the gradient-lab kernel", "papermill");
const python = needVenv("papermill on the gradient-lab kernel", "python");
const course05 = join(REPOSITORY, "notebooks", "05-training-loop.ipynb");
const out = mkdtempSync(join(tmpdir(), "gradient-lab-papermill-"));
let kernel: KernelPrefix;

beforeAll(() => {
  if (!papermill.skip) kernel = installKernelPrefix();
});
afterAll(() => {
  kernel?.remove();
  rmSync(out, { recursive: true, force: true });
});

function injectedCell(notebook: Notebook) {
  const cell = notebook.cells.find((c) => cellTags(c).includes(INJECTED_TAG));
  if (!cell) throw new Error("no cell tagged injected-parameters");
  return cell;
}

describe.skipIf(papermill.skip)("papermill -k gradient-lab", () => {
  it("translates every JSON type papermill can pass into the TypeScript `gradient-lab run -p` writes", () => {
    const script = `
import json, sys
from papermill.translators import translate_parameters
values = {"rate": 0.1, "tiny": 1e-7, "huge": 1e21, "steps": 3, "on": True, "none": None, "name": 'say "hi" é', "sizes": [2, 2, 1], "nested": {"a": [0.5, False]}}
print(json.dumps(translate_parameters("gradient-lab", "typescript", values)))`;
    const result = spawnSync(python.path, ["-c", script], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toBe(
      [
        "// Parameters",
        "const rate = 0.1;",
        "const tiny = 1e-7;",
        "const huge = 1e+21;",
        "const steps = 3;",
        "const on = true;",
        "const none = null;",
        'const name = "say \\"hi\\" é";',
        "const sizes = [2,2,1];",
        'const nested = {"a":[0.5,false]};',
        "",
      ].join("\n"),
    );
  });

  it("runs notebook 05 with learningRate 0.1 injected: the same cell, metadata.papermill and outputs as gradient-lab run -p", async () => {
    const papermillCopy = join(out, "papermill-05.ipynb");
    const result = await runProgram(papermill.path, ["-k", "gradient-lab", "-p", "learningRate", "0.1", course05, papermillCopy], { cwd: join(REPOSITORY, "notebooks"), env: kernel.env });
    expect(result.status, result.stderr).toBe(0);
    const run = await captured(() => runCommand(["-p", "learningRate", "0.1", course05, "--out", join(out, "run")]));
    expect(run.result, run.errors.join("\n")).toBe(0);

    const viaPapermill = parseNotebook(readFileSync(papermillCopy, "utf8"), papermillCopy);
    const viaRun = parseNotebook(readFileSync(join(out, "run", "05-training-loop.ipynb"), "utf8"), "run -p");
    expect(joinText(injectedCell(viaPapermill).source)).toBe("// Parameters\nconst learningRate = 0.1;\n");
    expect(joinText(injectedCell(viaRun).source)).toBe(joinText(injectedCell(viaPapermill).source));
    expect(viaPapermill.cells.indexOf(injectedCell(viaPapermill))).toBe(viaRun.cells.indexOf(injectedCell(viaRun)));

    const ours = viaRun.metadata.papermill as Record<string, unknown>;
    const theirs = viaPapermill.metadata.papermill as Record<string, unknown>;
    expect(theirs.parameters).toEqual({ learningRate: 0.1 });
    expect(ours.parameters).toEqual(theirs.parameters);
    // Every key papermill writes, but its own version, which names papermill's release.
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).filter((key) => key !== "version").sort());
    expect(theirs.exception).toBeNull();

    // The new rate reached the training: step 1's loss is the lr = 0.1 one in both.
    expect(/step 1: loss (\S+)/.exec(outputText(viaPapermill))?.[1]).toBe("0.04410000");
    expect(compareNotebooks(viaRun, viaPapermill)).toEqual([]);
    // ... a comparison that does see a different rate: the stored default run differs from both.
    const withoutInjection = { ...viaPapermill, cells: viaPapermill.cells.filter((cell) => cell !== injectedCell(viaPapermill)) };
    expect(compareNotebooks(parseNotebook(readFileSync(course05, "utf8"), course05), withoutInjection).length).toBeGreaterThan(0);
  }, 600_000);
});
