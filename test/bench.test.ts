import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ActivationName, seedExample, seedNetwork, train } from "../src";
import { engineTrainer } from "../bench/engine";
import { formatTable, type ResultRow, writeResults } from "../bench/results";
import { benchInProcess, runBench } from "../bench/run";
import { tfjsTrainer, useTfjsBackend } from "../bench/tfjs";
import { mnistShapedMlp, seedStep, smallMlp, type TrainingWorkload } from "../bench/workloads";

// Tiny versions of the workloads and of the timing: this checks the program, not the speed.
const tinyMlp: TrainingWorkload = { ...smallMlp, sizes: [2, 8, 8, 1], batch: 8 };
const tinyMnist: TrainingWorkload = { ...mnistShapedMlp, sizes: [16, 8, 4], batch: 4 };
const quick = { runs: 1, minSeconds: 0.001 };

const systems = ["gradient-lab", "tfjs-cpu", "tfjs-wasm", "pytorch", "nbconvert"];

function expectRowShape(rows: readonly ResultRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.workload).toMatch(/^[1-4]-[a-z0-9-]+$/);
    expect(systems).toContain(row.system);
    expect(typeof row.throughput).toBe("number");
    expect(Number.isFinite(row.throughput) && row.throughput > 0).toBe(true);
    expect(["steps/s", "samples/s", "notebooks/s"]).toContain(row.unit);
  }
}

describe("bench program", () => {
  it("workload 1 on gradient-lab computes the traced path's numbers", () => {
    const trainer = engineTrainer(seedStep, { keepLosses: true });
    trainer.repeat(40);
    const traced = train(seedNetwork(), { samples: [{ input: [...seedExample.input], target: [...seedExample.target] }], learningRate: seedExample.learningRate, maxSteps: 40 });
    expect(trainer.losses).toEqual(traced.history.slice(0, 40).map((h) => h.loss));
    expect(trainer.losses[0]).toBe(0.25);
    expect(Object.fromEntries(trainer.network.parameters())).toEqual(traced.history[40]?.parameters);
  });

  it("TensorFlow.js draws leaky ReLU and softplus as themselves, not as the identity it once fell back to", async () => {
    await useTfjsBackend("tfjs-cpu");
    const lossOf = (activations: ActivationName[]): { engine: number; tfjs: number } => {
      const workload = { ...tinyMlp, activations };
      const engine = engineTrainer(workload, { keepLosses: true });
      engine.repeat(1);
      const tfjs = tfjsTrainer(workload);
      try {
        return { engine: engine.losses[0] as number, tfjs: tfjs.loss() };
      } finally {
        tfjs.dispose();
      }
    };
    const newer = lossOf(["leaky-relu", "softplus", "identity"]);
    // float32 against float64: agreement to about 1e-6 relative.
    expect(Math.abs(newer.tfjs - newer.engine) / newer.engine).toBeLessThan(1e-5);
    const identity = lossOf(["identity", "identity", "identity"]);
    expect(Math.abs(identity.engine - newer.engine) / newer.engine).toBeGreaterThan(1e-3);
  });

  it("times gradient-lab and both TensorFlow.js backends on tiny workloads, in the result format", async () => {
    const rows = [...(await benchInProcess(seedStep, quick)), ...(await benchInProcess(tinyMlp, quick)), ...(await benchInProcess(tinyMnist, quick))];
    expectRowShape(rows);
    expect(rows.map((r) => `${r.workload} ${r.system}`)).toEqual(
      [seedStep, tinyMlp, tinyMnist].flatMap((w) => ["gradient-lab", "tfjs-cpu", "tfjs-wasm"].map((s) => `${w.name} ${s}`)),
    );
    expect(rows.find((r) => r.workload === tinyMlp.name)?.unit).toBe("samples/s");
    expect(formatTable(rows).split("\n")).toHaveLength(2 + rows.length);
  });

  it("runs the whole program (PyTorch where installed) and writes the JSON it prints", async () => {
    const lines: string[] = [];
    const rows = await runBench({ workloads: [seedStep, tinyMlp], course: false, measure: quick, courseRuns: 1, log: (line) => lines.push(line) });
    expectRowShape(rows);
    const torch = rows.filter((r) => r.system === "pytorch");
    if (torch.length === 0) expect(lines.some((line) => line.startsWith("PyTorch skipped: "))).toBe(true);
    else expect(torch.map((r) => `${r.workload} ${r.precision}`)).toEqual([`${seedStep.name} float32`, `${seedStep.name} float64`, `${tinyMlp.name} float32`, `${tinyMlp.name} float64`]);
    const folder = mkdtempSync(join(tmpdir(), "gradient-lab-bench-test-"));
    try {
      writeResults(join(folder, "latest.json"), rows);
      expect(JSON.parse(readFileSync(join(folder, "latest.json"), "utf8"))).toEqual(rows);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("the committed results have the same shape, one row per system and workload", () => {
    const rows = JSON.parse(readFileSync(join(__dirname, "..", "bench", "results", "latest.json"), "utf8")) as ResultRow[];
    expectRowShape(rows);
    const keys = rows.map((r) => `${r.workload} ${r.system} ${r.precision ?? ""}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.some((r) => r.workload.startsWith("1-") && r.system === "gradient-lab")).toBe(true);
  });
});
