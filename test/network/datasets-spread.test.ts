import { describe, expect, it } from "vitest";
import { buildNetwork, circles, layerSpread, SeededRandom, splitPoints, twoSpirals } from "../../src";

describe("data sets", () => {
  it("are reproducible, balanced and laid out as flat buffers", () => {
    const a = twoSpirals(200, { seed: 3 });
    expect(a).toEqual(twoSpirals(200, { seed: 3 }));
    expect(a.count).toBe(200);
    expect(a.inputs.length).toBe(400);
    expect(a.targets.reduce((s, t) => s + t, 0)).toBe(100);
    expect(a.inputs[2]).toBe(a.points[1]?.x);
    const ring = circles(100, { seed: 1, noise: 0 });
    for (const p of ring.points) expect(Math.hypot(p.x, p.y)).toBeCloseTo(p.label === 1 ? 0.4 : 0.9, 12);
    const { train, test } = splitPoints(a, 0.75);
    expect([train.count, test.count]).toEqual([150, 50]);
    expect(() => splitPoints(a, 1)).toThrow("fraction must lie strictly between 0 and 1, got 1");
  });
});

describe("layerSpread", () => {
  it("shows He keeping ReLU activations steady where N(0, 1) makes them grow", () => {
    const random = new SeededRandom(5);
    const samples = Array.from({ length: 40 }, () => ({ input: Array.from({ length: 16 }, () => random.normal()), target: [0] }));
    const sizes = [16, 16, 16, 16, 16, 16, 1];
    const he = layerSpread(buildNetwork({ sizes, activation: "relu", init: "he", seed: 1 }), samples);
    const naive = layerSpread(buildNetwork({ sizes, activation: "relu", init: "naive", seed: 1 }), samples);
    expect(he.map((s) => s.layer)).toEqual([1, 2, 3, 4, 5, 6]);
    // N(0,1) weights on 16 inputs multiply the spread by about sqrt(16/2) = 2.8 per ReLU layer.
    const growth = (naive[4]?.activationStd ?? 0) / (naive[0]?.activationStd ?? 1);
    expect(growth).toBeGreaterThan(20);
    const heGrowth = (he[4]?.activationStd ?? 0) / (he[0]?.activationStd ?? 1);
    expect(heGrowth).toBeGreaterThan(0.3);
    expect(heGrowth).toBeLessThan(3);
  });
});
