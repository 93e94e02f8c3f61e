import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

describe("what notebook 01's first cells load at run time", () => {
  it("is the engine's and the display helpers' own compiled files, no package from node_modules (mathjs, plotly.js, katex ...)", () => {
    // As the kernel runs them: in the notebook's folder, the package by its name; the symbolic check then loads mathjs on its call.
    const script = `
      const outside = () => Object.keys(require.cache).filter((file) => file.includes("/node_modules/")).map((file) => file.split("/node_modules/").pop().split("/")[0]);
      const lab = require("gradient-lab");
      require("gradient-lab/display");
      const network = lab.seedNetwork();
      lab.networkDiagram(network, { show: "weight" });
      const step = lab.traceStep(network, { input: [1, 0], target: [2], learningRate: 0.01 });
      lab.displayMath(lab.forwardEquations(step));
      const beforeSymbolic = [...new Set(outside())];
      lab.symbolicLoss(network, lab.seedExample);
      console.log(JSON.stringify({ beforeSymbolic, afterSymbolic: [...new Set(outside())] }));`;
    const child = spawnSync(process.execPath, ["-e", script], { cwd: join(__dirname, "..", "notebooks"), encoding: "utf8" });
    expect(child.stderr).toBe("");
    const loaded = JSON.parse(child.stdout) as { beforeSymbolic: string[]; afterSymbolic: string[] };
    expect(loaded.beforeSymbolic).toEqual([]);
    expect(loaded.afterSymbolic).toContain("mathjs");
  });
});
