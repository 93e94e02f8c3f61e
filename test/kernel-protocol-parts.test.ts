import { describe, expect, it } from "vitest";
import { codePointsToUtf16, utf16ToCodePoints } from "../kernel/tslab/cursor";
import { globToRegExp, History, SESSION } from "../kernel/tslab/history";
import { JUPYTER_DISPLAY, resultBundle } from "../kernel/tslab/result";
import { composeMaps, decodeMappings, encodeMappings, originalPosition } from "../kernel/tslab/source-map";
import { diagnosticsError, thrownError } from "../kernel/tslab/traceback";
import { PLOTLY_MIME } from "../kernel/display/names";

describe("history_request", () => {
  const history = new History();
  history.add(1, "6 * 7");
  history.add(2, "'hello'");
  history.add(3, "6 * 7");
  history.setOutput(3, "42");

  it("answers tail, range (stop excluded) and search with its glob, unique and n", () => {
    expect(history.reply({ hist_access_type: "tail", n: 2 })).toEqual({ status: "ok", history: [[SESSION, 2, "'hello'"], [SESSION, 3, "6 * 7"]] });
    expect(history.reply({ hist_access_type: "range", session: SESSION, start: 2, stop: 3 })).toEqual({ status: "ok", history: [[SESSION, 2, "'hello'"]] });
    expect(history.reply({ hist_access_type: "range", session: 0, start: 1 })).toMatchObject({ history: [[SESSION, 1, "6 * 7"], [SESSION, 2, "'hello'"], [SESSION, 3, "6 * 7"]] });
    expect(history.reply({ hist_access_type: "search", pattern: "6*7" })).toMatchObject({ history: [[SESSION, 1, "6 * 7"], [SESSION, 3, "6 * 7"]] });
    expect(history.reply({ hist_access_type: "search", pattern: "6*7", unique: true })).toMatchObject({ history: [[SESSION, 3, "6 * 7"]] });
    expect(history.reply({ hist_access_type: "search", pattern: "*", n: 1 })).toMatchObject({ history: [[SESSION, 3, "6 * 7"]] });
  });

  it("gives input and text output as a pair with `output`, and names a wrong access type", () => {
    expect(history.reply({ hist_access_type: "tail", n: 1, output: true })).toEqual({ status: "ok", history: [[SESSION, 3, ["6 * 7", "42"]]] });
    expect(history.reply({ hist_access_type: "everything" })).toMatchObject({ status: "error", evalue: 'hist_access_type must be tail, range or search, not "everything"' });
  });

  it("reads globs as SQLite's GLOB: whole input, *, ?, sets, everything else literal", () => {
    expect(globToRegExp("a?c").test("abc")).toBe(true);
    expect(globToRegExp("a?c").test("abcd")).toBe(false);
    expect(globToRegExp("[xy]*").test("y.z")).toBe(true);
    expect(globToRegExp("[^xy]*").test("y.z")).toBe(false);
    expect(globToRegExp("(a+)").test("(a+)")).toBe(true);
  });
});

describe("cursor positions", () => {
  it("counts code points for Jupyter and UTF-16 units for TypeScript, which differ after an astral character", () => {
    const code = "const π = '𝑥'; π";
    expect(codePointsToUtf16(code, 16)).toBe(17);
    expect(utf16ToCodePoints(code, 17)).toBe(16);
    expect(codePointsToUtf16("abc", 2)).toBe(2);
  });
});

describe("source maps", () => {
  it("decodes and encodes VLQ mappings losslessly, and chains two maps", () => {
    const first = decodeMappings("AAAA;AACA,IAAI;AAEA");
    // Original columns carry over from line to line, as the format says: the last segment is at column 4.
    expect(first).toEqual([[[0, 0, 0]], [[0, 1, 0], [4, 1, 4]], [[0, 3, 4]]]);
    expect(decodeMappings(encodeMappings(first))).toEqual(first);
    // The second step moved line 1 (0-based) of the first's output to line 2 and line 2 to line 0.
    const second = [[[0, 2, 0]], [], [[0, 1, 4]]] as const;
    const chained = composeMaps(first, second.map((line) => line.map((segment) => [...segment] as [number, number, number])));
    expect(originalPosition(chained, 0, 0)).toEqual({ line: 3, column: 4 });
    expect(originalPosition(chained, 2, 9)).toEqual({ line: 1, column: 4 });
    expect(originalPosition(chained, 1, 0)).toBeUndefined();
  });
});

describe("execute_result bundles", () => {
  it("prints a value as util.inspect does, without colour codes", () => {
    expect(resultBundle(42)).toEqual({ "text/plain": "42" });
    expect(resultBundle("hello")).toEqual({ "text/plain": "'hello'" });
    expect(resultBundle({ a: 1, b: [1, 2] })).toEqual({ "text/plain": "{ a: 1, b: [ 1, 2 ] }" });
  });

  it("takes a value's own bundle from Symbol.for('Jupyter.display'), and draws a Plotly figure as show() does", () => {
    const table = { [JUPYTER_DISPLAY]: () => ({ "text/markdown": "| a |\n| - |" }) };
    expect(resultBundle(table)).toMatchObject({ "text/markdown": "| a |\n| - |" });
    expect(resultBundle(table)["text/plain"]).toEqual(expect.any(String));
    const figure = resultBundle({ data: [{ type: "scatter", x: [1], y: [2] }], layout: { title: { text: "Loss" } } });
    expect(figure[PLOTLY_MIME]).toMatchObject({ data: [{ type: "scatter" }] });
    expect(figure["text/plain"]).toBe("Figure: Loss");
    expect(() => resultBundle({ [JUPYTER_DISPLAY]: () => 3 })).toThrow('returned 3, not a MIME bundle object');
  });
});

describe("error content", () => {
  it("names a TypeScript diagnostic TSError with its code, line and column, and a caret under it", () => {
    const content = diagnosticsError([{ start: { line: 1, character: 6 }, messageText: "Type 'string' is not assignable to type 'number'.", code: 2322, category: 1 }], { label: "Cell In[4]", lines: ["// total", 'const total: number = "3";'] });
    expect(content.ename).toBe("TSError");
    expect(content.evalue).toBe("TS2322: Type 'string' is not assignable to type 'number'.");
    expect(content.traceback[1]).toBe(`Cell In[4], line 2, column 7: error TS2322: Type 'string' is not assignable to type 'number'.\n      1 // total\n----> 2 const total: number = "3";\n              ^`);
  });

  it("keeps a thrown value's name and message and drops every frame of the kernel itself", () => {
    const error = new RangeError("too far");
    error.stack = ["RangeError: too far", `    at run (${__dirname}/../node_modules/tslab/dist/executor.js:1:1)`, "    at Script.runInThisContext (node:vm:137:12)", "    at step (/course/lib/engine.js:12:3)"].join("\n");
    const content = thrownError(error, () => undefined);
    expect(content).toMatchObject({ ename: "RangeError", evalue: "too far" });
    expect(content.traceback.slice(1)).toEqual(["File /course/lib/engine.js:12, in step", "RangeError: too far"]);
    expect(thrownError("plain text", () => undefined)).toMatchObject({ ename: "Error", evalue: "plain text" });
  });
});
