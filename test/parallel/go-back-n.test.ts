import { describe, expect, it } from "vitest";
import { goBackNEfficiency, goBackNFigure, roundTripInPackets } from "../../src/parallel";

describe("go-back-N efficiency s/(s + m(1-s))", () => {
  it("matches hand values", () => {
    expect(goBackNEfficiency(0.99, 100)).toBeCloseTo(0.99 / 1.99, 15);
    expect(goBackNEfficiency(0.5, 1)).toBe(0.5); // m = 1 is stop-and-wait: efficiency = s
    expect(goBackNEfficiency(1, 1000)).toBe(1); // lossless: no penalty whatever the round trip
    expect(goBackNEfficiency(0, 10)).toBe(0);
  });

  it("falls as loss or round trip grows", () => {
    expect(goBackNEfficiency(0.999, 100)).toBeGreaterThan(goBackNEfficiency(0.99, 100));
    expect(goBackNEfficiency(0.999, 10)).toBeGreaterThan(goBackNEfficiency(0.999, 1000));
  });

  it("equals 1 / (expected slots per delivered packet) = 1 / (1 + m(1-s)/s)", () => {
    for (const [s, m] of [[0.9, 3], [0.999, 122], [0.5, 0]] as const) {
      expect(goBackNEfficiency(s, m)).toBeCloseTo(1 / (1 + (m * (1 - s)) / s), 14);
    }
  });

  it("round trip in packets: 10 us at 400 Gbit/s with 4 KiB packets is about 122", () => {
    expect(roundTripInPackets({ roundTripSeconds: 10e-6, linkBytesPerSecond: 50e9, packetBytes: 4096 })).toBeCloseTo(122.07, 2);
  });

  it("refuses probabilities outside [0, 1] and negative round trips", () => {
    expect(() => goBackNEfficiency(1.2, 3)).toThrow("successProbability must be between 0 and 1, got 1.2");
    expect(() => goBackNEfficiency(0.9, -3)).toThrow("roundTripPackets must not be negative, got -3");
    expect(() => roundTripInPackets({ roundTripSeconds: 1, linkBytesPerSecond: 0, packetBytes: 1 })).toThrow(
      "linkBytesPerSecond must be greater than 0, got 0",
    );
  });
});

describe("go-back-N figure", () => {
  it("draws one line per round trip plus the lossless line at 1", () => {
    const figure = goBackNFigure({ roundTripsInPackets: [10, 1000], lossRates: [1e-4, 1e-2] });
    expect(figure.data).toHaveLength(3);
    const [short, long, lossless] = figure.data as Array<{ name: string; x: number[]; y: number[] }>;
    expect(short!.y[1]).toBeCloseTo(0.99 / (0.99 + 10 * 0.01), 12);
    expect(long!.y[0]).toBeCloseTo(0.9999 / (0.9999 + 1000 * 1e-4), 12);
    expect(lossless!.name).toBe("lossless fabric");
    expect(lossless!.y).toEqual([1, 1]);
    expect(figure.layout.title).toEqual({ text: "Go-back-N efficiency against packet loss" });
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });

  it("uses 31 loss rates from 1e-6 to 1e-1 by default", () => {
    const xs = (goBackNFigure({ roundTripsInPackets: [1] }).data[0] as { x: number[] }).x;
    expect(xs).toHaveLength(31);
    expect(xs[0]).toBeCloseTo(1e-6, 18);
    expect(xs[30]).toBeCloseTo(1e-1, 12);
  });
});
