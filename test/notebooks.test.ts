import { describe, expect, it } from "vitest";
import { formatRegression, regressNotebook } from "../kernel/regression/harness";
import { courseNotebookPaths } from "./helpers/stored-notebook";

/**
 * The course as a regression suite: every notebook in notebooks/ is executed
 * on the real kernel and each cell's outputs must equal the stored ones
 * (numbers within the notebook's tolerance). After an intended change,
 * `gradient-lab test --update notebooks/NN-name.ipynb` stores the new outputs.
 */
const notebooks = courseNotebookPaths();

describe("course notebooks reproduce their stored outputs", () => {
  it("finds the course's notebooks", () => expect(notebooks.length, "notebooks in notebooks/").toBeGreaterThan(0));
  for (const file of notebooks) {
    it(file.slice(file.lastIndexOf("/") + 1), async () => {
      const result = await regressNotebook(file, { timeoutMs: 120_000 });
      expect(formatRegression(result), "the notebook's report").toBe("");
    }, 600_000); // a whole notebook on a loaded 2-core machine: room, not a speed goal
  }
});
