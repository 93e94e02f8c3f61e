import { describe, expect, it } from "vitest";
import {
  doubleBinaryTreeSeconds,
  ecmpCollisions,
  expertCapacity,
  gpuPlace,
  hierarchicalAllReduce,
  inNetworkAllReduceSeconds,
  moeAllToAllBytes,
  railRoute,
  ringAllReduceSeconds,
  routeTokens,
  simulateEcmp,
} from "../../src/parallel";

describe("ECMP hash collisions", () => {
  it("8 flows on 8 links: no collision with probability 8!/8^8 = 0.0024, 8 (7/8)^8 = 2.75 links idle", () => {
    const c = ecmpCollisions(8, 8);
    expect(c.noCollision).toBeCloseTo(40320 / 8 ** 8, 15);
    expect(c.idleLinks).toBeCloseTo(8 * (7 / 8) ** 8, 12);
    expect(c.sharingFlows).toBeCloseTo(8 * (1 - (7 / 8) ** 7), 12);
  });

  it("the birthday numbers: 23 flows on 365 links collide with probability just over 1/2", () => {
    expect(1 - ecmpCollisions(23, 365).noCollision).toBeCloseTo(0.5073, 4);
    expect(ecmpCollisions(9, 8).noCollision).toBe(0);
    expect(ecmpCollisions(0, 8)).toEqual({ noCollision: 1, idleLinks: 8, sharingFlows: 0 });
  });

  it("random hash draws agree with the formulas within sampling error", () => {
    const formula = ecmpCollisions(8, 8);
    const trials = simulateEcmp(8, 8, 20_000, 3);
    expect(Math.abs(trials.noCollision - formula.noCollision)).toBeLessThan(0.002);
    expect(Math.abs(trials.idleLinks - formula.idleLinks)).toBeLessThan(0.03);
    expect(Math.abs(trials.sharingFlows - formula.sharingFlows)).toBeLessThan(0.05);
    expect(trials.busiestLink).toBeGreaterThan(2.3);
    expect(trials.busiestLink).toBeLessThan(2.7);
  });

  it("refuses no links", () => {
    expect(() => ecmpCollisions(3, 0)).toThrow("links must be greater than 0, got 0");
  });
});

describe("all-reduce beyond the ring", () => {
  const input = { ranks: 1024, bytes: 1e6, latencySeconds: 5e-6, linkBytesPerSecond: 50e9 };
  it("double binary tree: 2 ceil(log2 n) latencies plus the 2S bytes a rank sends", () => {
    expect(doubleBinaryTreeSeconds(input)).toBeCloseTo(2 * 10 * 5e-6 + (2 * 1e6) / 50e9, 15);
    expect(doubleBinaryTreeSeconds({ ...input, ranks: 5 })).toBeCloseTo(2 * 3 * 5e-6 + (2 * 1e6) / 50e9, 15);
  });
  it("in-network reduction: 2 alpha + S/B, half the ring's bandwidth term at large n", () => {
    expect(inNetworkAllReduceSeconds(input)).toBeCloseTo(1e-5 + 2e-5, 15);
    const large = { ...input, bytes: 1e10, latencySeconds: 0 };
    expect(ringAllReduceSeconds(large) / inNetworkAllReduceSeconds(large)).toBeCloseTo((2 * 1023) / 1024, 12);
  });
  it("hierarchical: each NIC sends 2(N-1)/N x S/g, and the parts add up", () => {
    const h = hierarchicalAllReduce({ nodes: 4, gpusPerNode: 8, bytes: 8e9, nodeLatencySeconds: 0, nodeBytesPerSecond: 400e9, networkLatencySeconds: 0, networkBytesPerSecond: 50e9 });
    expect(h.nicBytesPerGpu).toBe(1.5e9);
    expect(h.reduceScatterInNode).toBeCloseTo((7 / 8) * 8e9 / 400e9, 15);
    expect(h.allReduceAcrossNodes).toBeCloseTo(1.5e9 / 50e9, 15);
    expect(h.total).toBeCloseTo(2 * h.reduceScatterInNode + h.allReduceAcrossNodes, 15);
  });
});

describe("a rail-optimized fabric", () => {
  const fabric = { gpusPerNode: 8, nodesPerUnit: 32 };
  it("places rank 11 on node 1, rail 3, unit 0, and rank 263 on node 32 of unit 1", () => {
    expect(gpuPlace(11, fabric)).toEqual({ node: 1, rail: 3, unit: 0 });
    expect(gpuPlace(263, fabric)).toEqual({ node: 32, rail: 7, unit: 1 });
  });
  it("same server: no switch; same rail: one leaf; another rail: the spine, or NVLink then one leaf", () => {
    expect(railRoute(0, 5, fabric).switchHops).toBe(0);
    expect(railRoute(3, 11, fabric)).toEqual({ switchHops: 1, route: "rail 3 leaf" });
    expect(railRoute(3, 12, fabric).switchHops).toBe(3);
    expect(railRoute(3, 12, fabric, { nvlinkToRail: true })).toEqual({ switchHops: 1, route: "NVLink to GPU 4 of node 0, then rail 4 leaf" });
    expect(railRoute(3, 259, fabric).switchHops).toBe(3);
  });
});

describe("mixture-of-experts all-to-all", () => {
  it("2 T k h (n-1)/n values per GPU per layer forward", () => {
    expect(moeAllToAllBytes({ tokensPerGpu: 4096, hidden: 4096, topK: 2, gpus: 8, bytesPerValue: 2 })).toBe((2 * 4096 * 2 * 4096 * 7 * 2) / 8);
  });
  it("capacity ceil(cf k T / E); uniform routing at factor 2 drops little, a skewed router much more", () => {
    expect(expertCapacity(1000, 8, 2, 1.25)).toBe(313);
    const uniform = routeTokens({ tokens: 4096, experts: 8, topK: 2, capacityFactor: 1.25, seed: 2 });
    expect(uniform.load.reduce((a, b) => a + b, 0)).toBe(8192);
    expect(uniform.droppedShare).toBeLessThan(0.01);
    const skewed = routeTokens({ tokens: 4096, experts: 8, topK: 2, capacityFactor: 1.25, popularity: [8, 4, 2, 1, 1, 1, 1, 1], seed: 2 });
    expect(skewed.droppedShare).toBeGreaterThan(0.1);
    expect(skewed.dropped).toBe(skewed.load.reduce((sum, l) => sum + Math.max(0, l - skewed.capacity), 0));
  });
  it("refuses more experts per token than there are", () => {
    expect(() => routeTokens({ tokens: 10, experts: 2, topK: 3, capacityFactor: 1 })).toThrow("topK must not exceed experts (2), got 3");
  });
});
