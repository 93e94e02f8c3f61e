import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../kernel/commands/step";
import { seedNetwork } from "../src";

function capture(): { out: () => string; err: () => string } {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  return { out: () => log.mock.calls.map((c) => c.join(" ")).join("\n"), err: () => error.mock.calls.map((c) => c.join(" ")).join("\n") };
}

afterEach(() => vi.restoreAllMocks());

describe("gradient-lab step", () => {
  it("prints the source's step as JSON with parameters keyed by name", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--json"])).toBe(0);
    const report = JSON.parse(io.out());
    const [step] = report.steps;
    expect(step.forward).toEqual({ H3: { z: 0.5, a: 0.5 }, H4: { z: 1.5, a: 1.5 }, O5: { z: 2.5, a: 2.5 } });
    expect(step.loss).toBe(0.25);
    expect(step.gradients).toEqual({ W31: 1, W32: 0, b3: 1, W41: 1, W42: 0, b4: 1, W53: 0.5, W54: 1.5, b5: 1 });
    expect(step.parameters.W53).toBeCloseTo(0.995, 15);
    expect(step.parameters.b5).toBeCloseTo(0.49, 15);
  });

  it("runs several steps exactly, from a network file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "gl-step-")), "net.json");
    writeFileSync(file, JSON.stringify(seedNetwork()));
    const io = capture();
    expect(await main([file, "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "2", "--exact", "--json"])).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.steps[0].parameters.W53).toBe("199/200");
    expect(report.steps[1].loss).toBe("4524129/25000000");
  });

  it("prints a table by default", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01"])).toBe(0);
    expect(io.out()).toContain("loss (squared-error): 0.25");
    expect(io.out()).toMatch(/W53\s+1\s+0.5\s+0.995/);
  });

  it("refuses --steps past --max-steps (default 10,000) before printing anything: --steps 1e9 could only fill the disk", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "1e9"])).toBe(2);
    expect(io.out()).toBe("");
    expect(io.err().split("\n")[0]).toBe(
      "gradient-lab step: --steps 1e9 is more than --max-steps (10000); every step prints its whole trace (about 1.5 KB for the seed network), so raise --max-steps only for a run meant to print that much",
    );
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "3", "--max-steps", "2"])).toBe(2);
    expect(io.out()).toBe("");
  });

  it("runs as many steps as --max-steps allows", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "3", "--max-steps", "3", "--json"])).toBe(0);
    expect(JSON.parse(io.out()).steps.map((step: { step: number }) => step.step)).toEqual([1, 2, 3]);
  });

  it("rejects bad input with one clear line and exit code 2", async () => {
    let io = capture();
    expect(await main(["seed", "--input", "1,0,1", "--target", "2", "--lr", "0.01"])).toBe(2);
    expect(io.err()).toContain("input has 3 value(s) but the network has 2 (X1, X2)");
    vi.restoreAllMocks();
    io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr=-1"])).toBe(2);
    expect(io.err()).toContain('--lr wants a positive number, got "-1"');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(["missing.json", "--input", "1,0", "--target", "2", "--lr", "0.1"])).toBe(2);
    expect(io.err()).toContain("cannot read missing.json (ENOENT)");
  });
});

function networkFile(network: unknown, name = "net.json"): string {
  const file = join(mkdtempSync(join(tmpdir(), "gl-step-")), name);
  writeFileSync(file, typeof network === "string" ? network : JSON.stringify(network));
  return file;
}

/** The seed network with every weight set to `weight`. */
function seedWithWeights(weight: number): ReturnType<typeof seedNetwork> {
  const network = seedNetwork();
  for (const layer of network.layers) for (const neuron of layer.neurons) for (const source of Object.keys(neuron.weights)) neuron.weights[source] = weight;
  return network;
}

describe("gradient-lab step never prints NaN or Infinity with exit 0", () => {
  it("weights of 1e308: names the step, the value and the neuron", async () => {
    const io = capture();
    expect(await main([networkFile(seedWithWeights(1e308)), "--input", "1,0", "--target", "2", "--lr", "0.01", "--json"])).toBe(1);
    expect(io.err()).toBe("gradient-lab step: step 1: Z of O5 is Infinity; the numbers left the range of a float (try smaller weights, inputs or --lr)");
    expect(io.out()).toBe("");
  });

  it("--lr 1e308: the steps before the overflow stay a complete report, then the parameter is named", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "1e308", "--steps", "3", "--json"])).toBe(1);
    expect(io.err()).toMatch(/^gradient-lab step: step 2: \S.* is -?Infinity; the numbers left the range of a float/);
    const report = JSON.parse(io.out());
    expect(report.steps).toHaveLength(1);
    expect(io.out()).not.toMatch(/null|NaN|Infinity/);
  });

  it("binary cross-entropy on the seed network's ReLU output is refused in one line", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "1", "--lr", "0.01", "--loss", "binary-cross-entropy"])).toBe(2);
    expect(io.err()).toBe("gradient-lab step: binary-cross-entropy needs a sigmoid output layer (it is computed from the logits, so saturated outputs stay exact); O5 uses relu");
  });
});

describe("gradient-lab step --exact stays within a size budget", () => {
  it("stops with a clear error once a fraction outgrows --max-bits, after printing the steps that fit", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "10", "--exact", "--max-bits", "100", "--json"])).toBe(1);
    expect(io.err()).toMatch(/^gradient-lab step: step 4: an exact fraction needed \d+ bits, over the budget of 100; exact fractions about triple in size every step\. Raise the budget with --max-bits, or drop --exact$/);
    expect(JSON.parse(io.out()).steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3]);
  });

  it("a larger budget lets more steps through; the default stops the source's network before its seventh step", async () => {
    let io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "4", "--exact", "--max-bits", "400", "--json"])).toBe(0);
    expect(JSON.parse(io.out()).steps).toHaveLength(4);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "20", "--exact"])).toBe(1);
    expect(io.err()).toMatch(/^gradient-lab step: step 7: an exact fraction needed \d+ bits, over the budget of 4096;/);
    expect(io.out()).toMatch(/^step 6: forward$/m);
  });

  it("refuses --max-bits without --exact", async () => {
    const io = capture();
    expect(await main(["seed", "--input", "1,0", "--target", "2", "--lr", "0.01", "--max-bits", "10"])).toBe(2);
    expect(io.err()).toContain("--max-bits applies only with --exact");
  });
});

describe("gradient-lab step on large or odd input", () => {
  it("prints the table of a 150,000-input network", async () => {
    // Math.max(...column) overflowed the stack between 50,001 and 130,000 rows on Node 20 here.
    const inputs = Array.from({ length: 150000 }, (_, i) => `X${i + 1}`);
    const network = { inputs, layers: [{ activation: "identity", neurons: [{ name: "O150001", weights: Object.fromEntries(inputs.map((x) => [x, 0.001])), bias: 0 }] }] };
    const io = capture();
    expect(await main([networkFile(network), "--input", inputs.map(() => "1").join(","), "--target", "2", "--lr", "0.01"])).toBe(0);
    expect(io.out()).toMatch(/^W150001_150000\s+0\.001\s+/m);
    expect(io.out().split("\n")).toHaveLength(4 + 1 + 2 + 150001);
  });

  it("refuses an endless file after 64 MB instead of reading until memory runs out", async () => {
    const io = capture();
    expect(await main(["/dev/zero", "--input", "1,0", "--target", "2", "--lr", "0.01"])).toBe(2);
    expect(io.err()).toBe("gradient-lab step: /dev/zero is larger than 64 MB, the most a network file may be; it was not read further");
  });

  it("names the file and the field of an input whose name has no number", async () => {
    const network = seedNetwork();
    network.inputs[0] = "in";
    const file = networkFile(network);
    const io = capture();
    expect(await main([file, "--input", "1,0", "--target", "2", "--lr", "0.01"])).toBe(2);
    expect(io.err()).toBe(`gradient-lab step: ${file}.inputs[0]: neuron name 'in' must end in its number, like X1 or H3`);
  });

  it("keeps the error about a layer of 100,000 outputs short", async () => {
    const outputs = Array.from({ length: 100000 }, (_, i) => ({ name: `O${i + 2}`, weights: { X1: 1 }, bias: 0 }));
    const io = capture();
    expect(await main([networkFile({ inputs: ["X1"], layers: [{ activation: "relu", neurons: outputs }] }), "--input", "1", "--target", "2", "--lr", "0.01"])).toBe(2);
    expect(io.err()).toMatch(/^gradient-lab step: target has 1 value\(s\) but the network has 100000 \(O2, O3, O4, O5, O6, O7, O8, O9, \.\.\. \(100000 in all\)\)$/);
  });
});

describe("gradient-lab step ends on Ctrl-C and SIGTERM while it computes", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(signal, async () => {
      // The built command, as a user runs it, on a run far longer than any test (a hundred million steps).
      const cli = join(__dirname, "..", "dist", "kernel", "cli.js");
      const child = spawn(process.execPath, [cli, "step", "seed", "--input", "1,0", "--target", "2", "--lr", "0.001", "--steps", "100000000", "--max-steps", "100000000", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, how) => resolve({ code, signal: how })));
      try {
        // The first printed step means the loop is running, with the event loop blocked.
        await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
        child.kill(signal);
        // Ended by the signal itself: a handler waiting for the event loop would never have run.
        expect(await exited).toEqual({ code: null, signal });
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    });
  }
});
