import { describe, expect, it } from "vitest";
import { sourceErrata } from "../../src";

describe("the source's slips, found by the engine", () => {
  const errata = new Map(sourceErrata().map((e) => [e.id, e]));

  it("every checked claim fails to reproduce the source's own numbers", () => {
    expect([...errata.keys()]).toEqual(["bias-swap", "gradient-formula", "wrong-bias-name"]);
    for (const e of errata.values()) expect(e.claimHolds, e.id).toBe(false);
  });

  it("bias swap: the prose's biases give H3 = 1 and H4 = 1, the arithmetic's give 0.5 and 1.5", () => {
    expect(errata.get("bias-swap")?.claimGives).toBe("with b3 = 0.5, b4 = 0: H3 = 1, H4 = 1, O5 = 2.5");
    expect(errata.get("bias-swap")?.engineGives).toBe("with b3 = 0, b4 = 0.5: H3 = 0.5, H4 = 1.5, O5 = 2.5");
  });

  it("gradient formula: 2 W53 (Yr - Ye) is 1, the evaluated 2 H3 (Yr - Ye) is 0.5", () => {
    expect(errata.get("gradient-formula")?.claimGives).toBe("2 W53 (Yr - Ye) = 2 x 1 x 0.5 = 1");
    expect(errata.get("gradient-formula")?.engineGives).toBe("dL/dW53 = 2 (Yr - Ye) x H3 = 2 x 0.5 x 0.5 = 0.5");
  });

  it("b3 is not an output-layer parameter; b5 is", () => {
    expect(errata.get("wrong-bias-name")?.claimGives).toContain("are W53, W54, b5");
    expect(errata.get("wrong-bias-name")?.sourceSays).toContain('caption of the bias figure repeats "the new bias b3"');
  });
});
