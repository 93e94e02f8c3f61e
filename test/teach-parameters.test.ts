import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main as runCommand } from "../kernel/commands/run";
import { main as testCommand } from "../kernel/commands/test";
import { joinText, parseNotebook, type CodeCell, type Notebook } from "../kernel/notebook/nbformat";
import { finishPapermill, injectParameters, INJECTED_TAG } from "../kernel/teach/inject";
import { parseCommandLineValue, resolveValues, typeMismatch } from "../kernel/teach/parameter-values";
import { ParametersError, readParameters } from "../kernel/teach/parameters";
import { takeParameterFlags } from "../kernel/teach/run-parameters";
import { captured } from "./helpers/captured";
import { courseNotebookNames, loadCourseNotebook, outputText } from "./helpers/stored-notebook";


const ONE_STEP = resolve(__dirname, "fixtures/teach/one-step.ipynb");
const out = mkdtempSync(join(tmpdir(), "gradient-lab-parameters-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function notebookWith(parametersSource: string): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# t" },
      { cell_type: "code", metadata: { tags: ["parameters"] }, source: parametersSource, outputs: [], execution_count: null },
      { cell_type: "code", metadata: {}, source: "console.log(rate);", outputs: [], execution_count: null },
    ],
  };
}

describe("the parameters cell", () => {
  it("reads each declaration's name, value, type annotation and comment", () => {
    const cell = readParameters(
      notebookWith('// parameters\nconst rate = 0.01; // SGD step size\n\nconst input: number[] = [1, 0]; // X1, X2\nconst label = "a; b // c"; // keeps ; and // inside the string\nconst exact = true;\nconst net = {"hidden": 2};'),
      "nb.ipynb",
    )!;
    expect(cell.index).toBe(1);
    expect(cell.parameters).toEqual([
      { name: "rate", value: 0.01, annotation: undefined, comment: "SGD step size", line: 2 },
      { name: "input", value: [1, 0], annotation: "number[]", comment: "X1, X2", line: 4 },
      { name: "label", value: "a; b // c", annotation: undefined, comment: "keeps ; and // inside the string", line: 5 },
      { name: "exact", value: true, annotation: undefined, comment: "", line: 6 },
      { name: "net", value: { hidden: 2 }, annotation: undefined, comment: "", line: 7 },
    ]);
  });

  it("is absent from a notebook with no tagged cell, and refuses lines it cannot read, naming file, cell and line", () => {
    expect(readParameters({ ...notebookWith(""), cells: [] }, "nb.ipynb")).toBeUndefined();
    expect(() => readParameters(notebookWith("// p\nlet rate = 0.01;"), "nb.ipynb")).toThrow(/^nb\.ipynb: cell 2, line 2: the parameters cell takes only `const NAME = <JSON literal>; \/\/ comment` lines, got: let rate = 0\.01;$/);
    expect(() => readParameters(notebookWith("const n = 1_000;"), "nb.ipynb")).toThrow(ParametersError);
    expect(() => readParameters(notebookWith("const n = 1;\nconst n = 2;"), "nb.ipynb")).toThrow("nb.ipynb: cell 2, line 2: n is declared twice");
    const twice = notebookWith("const n = 1;");
    twice.cells.push({ ...(twice.cells[1] as CodeCell) });
    expect(() => readParameters(twice, "nb.ipynb")).toThrow('nb.ipynb: cells 2 and 4 are both tagged "parameters"; keep one');
  });
});

describe("values from -p and --parameters", () => {
  it("reads -p text as papermill does, but typed by the declared value", () => {
    expect(parseCommandLineValue("0.1", 0.01)).toBe(0.1);
    expect(parseCommandLineValue("-3e-2", 0.01)).toBe(-0.03);
    expect(parseCommandLineValue("True", false)).toBe(true);
    expect(parseCommandLineValue("false", true)).toBe(false);
    expect(parseCommandLineValue("[1, 0.5]", [1, 0])).toEqual([1, 0.5]);
    expect(parseCommandLineValue('{"hidden": 4}', { hidden: 2 })).toEqual({ hidden: 4 });
    // A string parameter takes the text as written, even when it looks like a number.
    expect(parseCommandLineValue("0.1", "seed")).toBe("0.1");
    expect(parseCommandLineValue("abc", 0.01)).toBe("abc");
  });

  it("names what a wrong value is and what was declared", () => {
    expect(typeMismatch("abc", 0.01)).toBe('wants a number (like 0.01), got "abc"');
    expect(typeMismatch([1, "a"], [1, 0])).toBe('[1] wants a number (like 1), got "a"');
    expect(typeMismatch({ hidden: 2, extra: 1 }, { hidden: 2 })).toBe('.extra is not a key of the declared object {"hidden":2}');
    expect(typeMismatch({}, { hidden: 2 })).toBe('.hidden is missing (declared {"hidden":2})');
    expect(typeMismatch([1, 2, 3], [1, 0])).toBeUndefined();
    expect(typeMismatch(["x", 1], ["a", 1])).toBeUndefined();
  });

  it("refuses an undeclared name or a wrong type with one line naming the notebook", () => {
    const declared = readParameters(notebookWith("const rate = 0.01;\nconst input = [1, 0];"), "nb.ipynb")!.parameters;
    expect(() => resolveValues(new Map([["rat", { text: "0.1" }]]), declared, "nb.ipynb")).toThrow("nb.ipynb: the parameters cell declares no rat (it declares rate, input)");
    expect(() => resolveValues(new Map([["rate", { text: "fast" }]]), declared, "nb.ipynb")).toThrow('nb.ipynb: parameter rate wants a number (like 0.01), got "fast"');
    expect(() => resolveValues(new Map([["rate", { json: "0.1" }]]), declared, "nb.ipynb")).toThrow('parameter rate wants a number (like 0.01), got "0.1"');
    expect([...resolveValues(new Map([["input", { text: "[2, 3]" }], ["rate", { json: 0.5 }]]), declared, "nb.ipynb")]).toEqual([["input", [2, 3]], ["rate", 0.5]]);
  });

  it("takes -p NAME VALUE triples out of argv and leaves the rest for the flag parser", () => {
    const { rest, given } = takeParameterFlags(["-p", "rate", "0.1", "--out", "x", "--parameter", "label", "-1", "a.ipynb"]);
    expect(rest).toEqual(["--out", "x", "a.ipynb"]);
    expect([...given]).toEqual([["rate", { text: "0.1" }], ["label", { text: "-1" }]]);
    expect(() => takeParameterFlags(["-p", "rate", "--out", "x"])).toThrow("-p wants a name and a value: -p NAME VALUE");
  });
});

describe("the injected cell and papermill's metadata", () => {
  it("redeclares the given values right after the parameters cell, replacing an earlier injection", () => {
    const source = notebookWith("const rate = 0.01; // step size\nconst tag: string = \"x\";");
    const parameters = readParameters(source, "nb.ipynb")!;
    const run = { inputPath: "in.ipynb", outputPath: "out.ipynb", startTime: new Date("2026-01-01T00:00:00Z") };
    const once = injectParameters(source, parameters, new Map<string, string | number>([["rate", 0.1], ["tag", "y"]]), run);
    const twice = injectParameters(once, readParameters(once, "nb.ipynb")!, new Map([["rate", 0.2]]), run);
    expect(twice.cells.map((cell) => cell.metadata.tags ?? [])).toEqual([[], ["parameters"], [INJECTED_TAG], []]);
    // Exactly papermill's cell with our translator (kernel/teach/papermill/): the declared annotation is not repeated.
    expect(joinText(once.cells[2]!.source)).toBe('// Parameters\nconst rate = 0.1;\nconst tag = "y";\n');
    expect(joinText(twice.cells[2]!.source)).toContain("const rate = 0.2;");
    expect(source.cells).toHaveLength(3);
    const finished = finishPapermill(twice, new Date("2026-01-01T00:00:02.500Z"));
    expect(finished.metadata.papermill).toEqual({
      default_parameters: { rate: 0.01, tag: "x" },
      parameters: { rate: 0.2 },
      environment_variables: {},
      input_path: "in.ipynb",
      output_path: "out.ipynb",
      start_time: "2026-01-01T00:00:00.000Z",
      end_time: "2026-01-01T00:00:02.500Z",
      duration: 2.5,
      exception: null,
    });
  });
});

/** The line the fixture prints: "<label>: rate <r>, loss after step 1 = <loss>". */
function lossAfterStepOne(notebook: Notebook): { line: string; loss: number } {
  const line = notebook.cells
    .flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []))
    .map((output) => (output.output_type === "stream" ? joinText(output.text) : ""))
    .find((text) => text.includes("loss after step 1"));
  if (!line) throw new Error("the notebook printed no loss after step 1");
  return { line: line.trim(), loss: Number(line.split("= ")[1]) };
}

describe("gradient-lab run -p on a real kernel", () => {
  it("injects the new values, the run uses them, and metadata.papermill records them", async () => {
    const defaults = await captured(() => runCommand(["--out", join(out, "defaults"), ONE_STEP]));
    expect(defaults.result, defaults.errors.join("\n")).toBe(0);
    const varied = await captured(() => runCommand(["-p", "learningRate", "0.1", "-p", "input", "[1, 0.5]", "-p", "label", "0.5", "--out", join(out, "varied"), ONE_STEP]));
    expect(varied.result, varied.errors.join("\n")).toBe(0);

    const before = parseNotebook(readFileSync(join(out, "defaults/one-step.ipynb"), "utf8"), "defaults");
    const after = parseNotebook(readFileSync(join(out, "varied/one-step.ipynb"), "utf8"), "varied");
    expect(before.metadata.papermill).toBeUndefined();
    expect(lossAfterStepOne(before).line).toBe("seed; sample: rate 0.01, loss after step 1 = 0.18096515999999982");
    const injected = after.cells[2]!;
    expect(injected.metadata.tags).toEqual([INJECTED_TAG]);
    expect(joinText(injected.source)).toContain("\nconst learningRate = 0.1;\n");
    // The string parameter took "0.5" as text; the array and the rate as JSON.
    expect(lossAfterStepOne(after).line).toMatch(/^0\.5: rate 0\.1, loss after step 1 = /);
    expect(lossAfterStepOne(after).loss).not.toBeCloseTo(lossAfterStepOne(before).loss, 3);
    const papermill = after.metadata.papermill as Record<string, unknown>;
    expect(papermill.parameters).toEqual({ learningRate: 0.1, input: [1, 0.5], label: "0.5" });
    expect(papermill.default_parameters).toEqual({ learningRate: 0.01, input: [1, 0], label: "seed; sample", logScale: false });
    expect(papermill.output_path).toBe(join(out, "varied/one-step.ipynb"));
    expect(papermill.duration).toBeGreaterThan(0);
    // The source notebook is as it was.
    expect(readFileSync(ONE_STEP, "utf8")).not.toContain(INJECTED_TAG);
  });

  it("fails with one line, before any kernel starts, for an undeclared name, a wrong type, a missing parameters cell or --in-place", async () => {
    const noCell = join(out, "no-parameters.ipynb");
    const plain = parseNotebook(readFileSync(ONE_STEP, "utf8"), ONE_STEP);
    writeFileSync(noCell, JSON.stringify({ ...plain, cells: plain.cells.filter((cell) => !cell.metadata.tags?.includes("parameters")) }));
    const file = join(out, "values.json");
    writeFileSync(file, JSON.stringify({ logScale: "yes" }));
    const cases: Array<[string[], string]> = [
      [["-p", "learningRat", "0.1", ONE_STEP], `gradient-lab run: ${ONE_STEP}: the parameters cell declares no learningRat (it declares learningRate, input, label, logScale)`],
      [["-p", "learningRate", "fast", ONE_STEP], `gradient-lab run: ${ONE_STEP}: parameter learningRate wants a number (like 0.01), got "fast"`],
      [["--parameters", file, ONE_STEP], `gradient-lab run: ${ONE_STEP}: parameter logScale wants a boolean (like false), got "yes"`],
      [["-p", "learningRate", "0.1", noCell], `gradient-lab run: ${noCell}: no cell is tagged "parameters", so learningRate has nothing to replace`],
    ];
    for (const [argv, line] of cases) {
      const run = await captured(() => runCommand(["--out", join(out, "never"), ...argv]));
      expect(run.result).toBe(2);
      expect(run.errors).toEqual([line]);
      // No progress line: no kernel was started.
      expect(run.stderr).toBe("");
    }
    // gradient-lab test runs the stored defaults: it takes no -p at all.
    const tested = await captured(() => testCommand(["-p", "learningRate", "0.1", ONE_STEP]));
    expect(tested.result).toBe(2);
    expect(tested.stderr).toBe("");
    const inPlace = await captured(() => runCommand(["--in-place", "-p", "learningRate", "0.1", ONE_STEP]));
    expect(inPlace.result).toBe(2);
    expect(inPlace.errors[0]!.split("\n")[0]).toBe("-p/--parameters cannot go with --in-place: the source notebook would keep the injected values");
  });
});

describe("gradient-lab run -p learningRate 0.1 on notebook 05", () => {
  const course05 = resolve(__dirname, "../notebooks/05-training-loop.ipynb");
  const stepOneLoss = (notebook: Notebook): string => /step 1: loss (\S+)/.exec(outputText(notebook))?.[1] ?? "none";

  it("writes a copy whose injected cell and outputs show the new rate, with metadata.papermill.parameters", async () => {
    const run = await captured(() => runCommand(["-p", "learningRate", "0.1", course05, "--out", join(out, "05")]));
    expect(run.result, run.errors.join("\n")).toBe(0);
    const executed = parseNotebook(readFileSync(join(out, "05/05-training-loop.ipynb"), "utf8"), "05");
    // The stored outputs are the default run's (the regression suite checks them).
    const stored = parseNotebook(readFileSync(course05, "utf8"), "05");
    const parametersAt = stored.cells.findIndex((cell) => cell.metadata.tags?.includes("parameters"));
    expect(joinText(stored.cells[parametersAt]!.source)).toMatch(/^const learningRate = 0\.01;/m);
    const injected = executed.cells[parametersAt + 1]!;
    expect(injected.metadata.tags).toEqual([INJECTED_TAG]);
    expect(joinText(injected.source)).toBe("// Parameters\nconst learningRate = 0.1;\n");
    expect(stepOneLoss(stored)).toBe("0.18096516");
    expect(stepOneLoss(executed)).toBe("0.04410000");
    expect((executed.metadata.papermill as { parameters: unknown }).parameters).toEqual({ learningRate: 0.1 });
  });

  it("refuses a name 05 does not declare, in one line", async () => {
    const run = await captured(() => runCommand(["-p", "learning_rate", "0.1", course05, "--out", join(out, "never")]));
    expect(run.result).toBe(2);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^gradient-lab run: .*05-training-loop\.ipynb: the parameters cell declares no learning_rate \(it declares .*learningRate.*\)$/);
    expect(run.stderr).toBe("");
  });
});

describe("the course notebooks' parameters cells", () => {
  it.each(courseNotebookNames())("%s: its parameters cell, if any, reads under run -p's rules", (name) => {
    const parameters = readParameters(loadCourseNotebook(name), name);
    if (parameters) expect(parameters.parameters.length).toBeGreaterThan(0);
  });
});
