import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Notebook, Output } from "../kernel/notebook/nbformat";
import { readNotebook } from "../kernel/notebook/nbformat";
import { PatternTimeoutError } from "../kernel/regression/bounded-replace";
import { DIFF_CHANGED_LINES, DIFF_LINE_CHARS, diffOutputs } from "../kernel/regression/compare";
import { compareNotebooks, formatRegression, regressNotebook, type RegressionResult } from "../kernel/regression/harness";
import { PATTERN_LIMIT_MS } from "../kernel/regression/settings";
import { DEFAULT_TOLERANCE } from "../kernel/regression/numbers";

const ARITHMETIC = resolve(__dirname, "fixtures/notebooks/arithmetic.ipynb");

/** The stored notebook with the number in cell 2 ("step = 0.003172") moved by 1e-6. */
function nudged(stored: Notebook): Notebook {
  const copy: Notebook = structuredClone(stored);
  const cell = copy.cells[1]!;
  if (cell.cell_type !== "code") throw new Error("cell 2 of the fixture should be code");
  cell.outputs = [{ output_type: "stream", name: "stdout", text: "step = 0.003173\n" }];
  return copy;
}

describe("the regression harness on the real kernel", () => {
  let result: RegressionResult;
  let stored: Notebook;
  beforeAll(async () => {
    stored = await readNotebook(ARITHMETIC);
    result = await regressNotebook(ARITHMETIC);
  }, 600_000); // a real kernel on a shared 2-core machine: room, not a speed goal

  it("passes when the fresh outputs match the stored ones", () => {
    expect(result.executionFailure).toBeUndefined();
    expect(formatRegression(result)).toBe("");
  });

  it("fails when one stored number is changed by 1e-6, naming the cell and showing the diff", () => {
    const mismatches = compareNotebooks(nudged(stored), result.executed);
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]?.cellNumber).toBe(2);
    expect(mismatches[0]?.firstLine).toBe("const learningRate = 0.01;");
    expect(mismatches[0]?.diff).toContain("- step = 0.003173");
    expect(mismatches[0]?.diff).toContain("+ step = 0.003172");
    expect(mismatches[0]?.diff).toContain("numbers differ: 0.003173 -> 0.003172");
  });

  it("passes the same change once the notebook's tolerance is widened", () => {
    const widened = nudged(stored);
    widened.metadata["gradient-lab"] = { tolerance: { relative: 1e-3 } };
    expect(compareNotebooks(widened, result.executed)).toEqual([]);
  });
});

/** A one-cell notebook whose stored outputs are `outputs`, tags and metadata as given. */
function notebookWith(outputs: Output[], tags: string[] = [], metadata: Record<string, unknown> = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: [{ cell_type: "code", source: "figure()", metadata: { tags }, outputs, execution_count: 1 }],
  };
}

const figure = (y: number[], divId: string): Output => ({
  output_type: "display_data",
  data: {
    "application/vnd.plotly.v1+json": { data: [{ type: "scatter", y }], layout: { title: { text: "loss" } } },
    "text/html": `<div id="${divId}"></div><script>Plotly.newPlot("${divId}")</script>`,
    "text/plain": "Figure: loss",
  },
  metadata: {},
});

describe("output comparison", () => {
  it("compares Plotly figures by their data, not their HTML", () => {
    expect(compareNotebooks(notebookWith([figure([0.25, 0.125], "a1")]), notebookWith([figure([0.25, 0.125], "b2")]))).toEqual([]);
    const [mismatch] = compareNotebooks(notebookWith([figure([0.25, 0.125], "a1")]), notebookWith([figure([0.25, 0.126], "a1")]));
    expect(mismatch?.diff).toContain("numbers differ: 0.125 -> 0.126");
  });

  it("finds changed text that is not a number", () => {
    const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
    const [mismatch] = compareNotebooks(notebookWith([stdout("loss 0.5\n")]), notebookWith([stdout("gain 0.5\n")]));
    expect(mismatch?.diff).toBe("- loss 0.5\n+ gain 0.5".replace(/^/, "  [stdout]\n"));
  });

  it("matches the common head and tail first: one changed line in the middle of a long output is the whole diff", () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `frame ${i}: width ${i / 8}`);
    expect(diffOutputs(lines, [...lines], DEFAULT_TOLERANCE)).toBeUndefined();
    const changed = lines.map((line, i) => (i === 20_000 ? "frame 20000: width 9999" : line));
    expect(diffOutputs(lines, changed, DEFAULT_TOLERANCE)).toBe([
      "  ... 19997 unchanged lines",
      "  frame 19997: width 2499.625",
      "  frame 19998: width 2499.75",
      "  frame 19999: width 2499.875",
      "- frame 20000: width 2500",
      "  ^ numbers differ: 2500 -> 9999 (relative 7.50e-1)",
      "+ frame 20000: width 9999",
      "  frame 20001: width 2500.125",
      "  frame 20002: width 2500.25",
      "  frame 20003: width 2500.375",
      "  ... 19996 unchanged lines",
    ].join("\n"));
    expect(diffOutputs(["a 1", "b 2"], ["a 1", "x", "b 2"], DEFAULT_TOLERANCE)).toBe("  a 1\n+ x\n  b 2");
  });

  it("merges stream chunks the kernel split differently", () => {
    const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
    expect(compareNotebooks(notebookWith([stdout("a = 1\nb = 2\n")]), notebookWith([stdout("a = 1\n"), stdout("b = 2\n")]))).toEqual([]);
  });

  it("honours nbval-ignore-output and nbval-skip", () => {
    const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
    for (const tag of ["nbval-ignore-output", "nbval-skip"]) {
      expect(compareNotebooks(notebookWith([stdout("1\n")], [tag]), notebookWith([stdout("2\n")]))).toEqual([]);
    }
  });

  it("applies the notebook's sanitizing patterns before comparing", () => {
    const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
    const metadata = { "gradient-lab": { sanitize: [{ regex: "took \\d+ ms", replace: "took <t> ms" }] } };
    expect(compareNotebooks(notebookWith([stdout("took 12 ms\n")], [], metadata), notebookWith([stdout("took 97 ms\n")]))).toEqual([]);
    expect(compareNotebooks(notebookWith([stdout("took 12 ms\n")]), notebookWith([stdout("took 97 ms\n")]))).toHaveLength(1);
  });

  it("rejects a malformed tolerance with the place it came from", () => {
    const stored = notebookWith([], [], { "gradient-lab": { tolerance: { relative: "big" } } });
    expect(() => compareNotebooks(stored, stored)).toThrow('notebook metadata: tolerance.relative must be a number >= 0, got "big"');
  });
});

describe("output comparison within bounds", () => {
  const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
  const numbered = (count: number, change?: [number, string]) =>
    Array.from({ length: count }, (_, i) => (change && change[0] === i ? change[1] : `line ${i} of the log`)).join("\n") + "\n";

  it("matches 100,000 equal lines (the line-by-line table would need 10^10 cells)", () => {
    const text = numbered(100_000);
    expect(compareNotebooks(notebookWith([stdout(text)]), notebookWith([stdout(text)]))).toEqual([]);
  });

  it("shows one changed line among 100,000 with three lines of context and counts the rest", () => {
    const [mismatch] = compareNotebooks(notebookWith([stdout(numbered(100_000))]), notebookWith([stdout(numbered(100_000, [50_000, "a new line"]))]));
    expect(mismatch?.diff.split("\n")).toEqual([
      "  ... 49998 unchanged lines",
      "  line 49997 of the log",
      "  line 49998 of the log",
      "  line 49999 of the log",
      "- line 50000 of the log",
      "+ a new line",
      "  line 50001 of the log",
      "  line 50002 of the log",
      "  line 50003 of the log",
      "  ... 49996 unchanged lines",
    ]);
  });

  it("cuts each diff line to a few hundred characters and lists at most DIFF_CHANGED_LINES changes", () => {
    const huge = "x".repeat(5_000_000);
    const [long] = compareNotebooks(notebookWith([stdout(`${huge}\n`)]), notebookWith([stdout(`${huge}y\n`)]));
    const lines = long!.diff.split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(DIFF_LINE_CHARS + 40);
    expect(lines[1]).toBe(`- ${"x".repeat(DIFF_LINE_CHARS - 2)}... (4999762 more characters)`);
    const [many] = compareNotebooks(notebookWith([stdout(numbered(5000))]), notebookWith([stdout(numbered(5000).replaceAll("log", "file"))]));
    expect(many!.diff.split("\n").filter((line) => /^[-+] /.test(line))).toHaveLength(DIFF_CHANGED_LINES);
    expect(many!.diff).toMatch(/\.\.\. and 9800 more changed lines$/);
  });

  it("stops a notebook's backtracking sanitize pattern with an error naming it", () => {
    const metadata = { "gradient-lab": { sanitize: [{ regex: "(a+)+$", replace: "" }] } };
    const text = `${"a".repeat(40)}!\n`;
    expect(() => compareNotebooks(notebookWith([stdout(text)], [], metadata), notebookWith([stdout(text)]))).toThrow(
      new PatternTimeoutError(`notebook metadata: sanitize regex "(a+)+$" ran longer than ${PATTERN_LIMIT_MS} ms on one output (it backtracks without end; make it simpler)`),
    );
  });

  it("gives up at the deadline instead of comparing on", () => {
    const metadata = { "gradient-lab": { sanitize: [{ regex: "x", replace: "y" }] } };
    const passed = { at: Date.now() - 1, limitMs: 5000 };
    expect(() => compareNotebooks(notebookWith([stdout("x\n")], [], metadata), notebookWith([stdout("x\n")]), passed)).toThrow(
      "comparing the outputs took longer than the time limit (5 s)",
    );
  });
});
