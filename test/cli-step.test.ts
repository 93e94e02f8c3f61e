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
