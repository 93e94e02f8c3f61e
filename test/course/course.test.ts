import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { joinText } from "../../kernel/notebook/nbformat";
import { courseFolder as folder, courseNotebookNames, loadCourseNotebook as load, outputText } from "../helpers/stored-notebook";

/**
 * The committed course notebooks as files: valid nbformat 4.5, small enough
 * to share, written in short cells that open with a comment, and holding in
 * their stored outputs every number the source gives. (That the outputs are
 * still what the engine computes is notebooks.test.ts's job.)
 */
const files = courseNotebookNames();

describe("course notebooks as files", () => {
  it("numbers every notebook 01-, 02-, ... with no gap or repeat, the thirteen of the course at least", () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
    expect(files.map((f) => f.slice(0, 3))).toEqual(files.map((_, i) => `${String(i + 1).padStart(2, "0")}-`));
  });

  for (const file of files) {
    it(`${file}: nbformat 4.5 on the gradient-lab kernel, under 1 MB, every code cell opens with a comment`, () => {
      const notebook = load(file);
      expect([notebook.nbformat, notebook.nbformat_minor]).toEqual([4, 5]);
      expect(notebook.metadata.kernelspec).toMatchObject({ name: "gradient-lab", language: "typescript" });
      expect(statSync(join(folder, file)).size).toBeLessThan(1024 * 1024);
      for (const cell of notebook.cells) {
        expect(typeof cell.id, `${file}: every cell has an id`).toBe("string");
        if (cell.cell_type === "code") expect(joinText(cell.source).startsWith("// "), `${file}: cell ${cell.id} opens with a comment`).toBe(true);
      }
    });
  }
});

describe("every number the source gives appears in a stored output", () => {
  const expectations: [string, RegExp[]][] = [
    ["01-forward-pass.ipynb", [/H3: Z = 0\.5, a = 0\.5/, /H4: Z = 1\.5, a = 1\.5/, /O5: Z = 2\.5, a = 2\.5/, /= \(1 \\cdot 0\.5\) \+ \(0 \\cdot 0\.5\) \+ 0 = 0\.5/]],
    ["02-loss.ipynb", [/Yr = 2\.5, Ye = 2, loss = 0\.25/, /\(2\.5 - 2\)\^2 = 0\.25/]],
    ["03-output-layer.ipynb", [/dL\/dW53 = 0\.5\n/, /W53: 1 -> 0\.995/, /W54: 1 -> 0\.985/, /b5: 0\.5 -> 0\.49/, /W53 -> 199\/200/, /agree exactly on all 9 parameters: true/]],
    ["04-hidden-layer.ipynb", [/W31: 0\.5 - 0\.01 \* 1 = 0\.49/, /W32: 0\.5 - 0\.01 \* 0 = 0\.5/, /b3: 0 - 0\.01 \* 1 = -0\.01/, /W41: 1 - 0\.01 \* 1 = 0\.99/, /W42: 1 - 0\.01 \* 0 = 1/, /b4: 0\.5 - 0\.01 \* 1 = 0\.49/, /iteration 2 loss: 0\.18096516/]],
    ["05-training-loop.ipynb", [/step 1: loss 0\.18096516/, /training diverged/]],
    ["07-errata.ipynb", [
      /= \(1 \\cdot 0\.5\) \+ \(0 \\cdot 0\.5\) \+ 0\.5 = 1\$\$/,
      /2 W53 \(Yr - Ye\) = 2 x 1 x \(2\.5 - 2\) = 1\n/,
      /O5's parameters: W53, W54, b5\n/,
      /with the updated W53: 1 x 0\.995 x 1 x 1 = 0\.995\n/,
    ]],
  ];
  for (const [file, patterns] of expectations) {
    it(file, () => {
      const text = outputText(load(file));
      for (const pattern of patterns) expect(text).toMatch(pattern);
    });
  }
});
