import { afterEach, describe, expect, it } from "vitest";
import { compileCell } from "../kernel/export/live/cell-code";

// The live cells' compiler (issue 23), run in Node as the page's worker runs it:
// the compiled function evaluated at global scope, `require` given by the test.

const scope = globalThis as Record<string, unknown>;
const made: string[] = [];

async function runCell(source: string, label = "cell-1"): Promise<unknown> {
  const cell = (0, eval)(compileCell(source, label).functionSource) as () => Promise<unknown>;
  return cell();
}

afterEach(() => {
  for (const name of made.splice(0)) delete scope[name];
});

describe("compileCell", () => {
  it("keeps a top-level declaration visible to later cells, with its last value", async () => {
    made.push("total", "add", "Box", "first", "rest");
    await runCell("let total: number;\ntotal = 40;\nfunction add(n: number): number { return total + n; }\nclass Box { constructor(readonly v: number) {} }\nconst [first, ...rest] = [1, 2, 3];");
    expect(await runCell("add(2) + new Box(first).v + rest.length")).toBe(45);
  });

  it("returns the last expression, and nothing when the cell ends with a statement", async () => {
    expect(await runCell("const a = 2;\na * 21")).toBe(42);
    made.push("a");
    expect(await runCell("const b = 1;")).toBeUndefined();
    made.push("b");
  });

  it("awaits at top level", async () => {
    expect(await runCell("const v = await Promise.resolve(7);\nv * 6")).toBe(42);
    made.push("v");
  });

  it("turns imports into the page's require, the names kept for later cells; type-only imports vanish", async () => {
    made.push("require", "check", "renamed", "everything");
    scope.require = (name: string) => ({ check: `check from ${name}`, other: "other" });
    await runCell('import type { Figure } from "gradient-lab";\nimport { check, other as renamed } from "gradient-lab";\nimport * as everything from "gradient-lab/display";');
    expect(await runCell("[check, renamed, everything.other]")).toEqual(["check from gradient-lab", "other", "other"]);
  });

  it("keeps the cell's line numbers: an error's stack names the cell and the line it was thrown on", async () => {
    const error = await runCell("const x: number = 1;\n\nthrow new RangeError(`bad ${x}`);", "cell-9").catch((e: unknown) => e);
    made.push("x");
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).stack).toMatch(/cell-9:3:\d+/);
  });

  it("refuses an export with the line, and reports a syntax error", () => {
    expect(() => compileCell("const a = 1;\nexport const b = 2;", "cell-1")).toThrow(/nothing to export to \(line 2\)/);
    expect(() => compileCell("const = ;", "cell-1")).toThrow(SyntaxError);
  });
});
