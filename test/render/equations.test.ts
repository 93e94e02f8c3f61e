import { describe, expect, it } from "vitest";
import { fractionArithmetic, seedExample, seedNetwork, traceStep } from "../../src";
import { backwardEquations, displayMath, forwardEquations, forwardTable, lossEquation, updateEquations, updateTable } from "../../src/render/equations";

const { input, target, learningRate } = seedExample;
const step = traceStep(seedNetwork(), { input, target, learningRate });

describe("renderers", () => {
  it("write each weighted sum with its numbers, as the source does", () => {
    const lines = forwardEquations(step);
    expect(lines[0]).toBe("Z_{3} = X_{1} \\cdot W_{31} + X_{2} \\cdot W_{32} + b_{3} = (1 \\cdot 0.5) + (0 \\cdot 0.5) + 0 = 0.5");
    expect(lines[1]).toBe("a_{3} = \\mathrm{ReLU}(Z_{3}) = \\mathrm{ReLU}(0.5) = 0.5");
    expect(lines[2]).toBe("Z_{4} = X_{1} \\cdot W_{41} + X_{2} \\cdot W_{42} + b_{4} = (1 \\cdot 1) + (0 \\cdot 1) + 0.5 = 1.5");
    expect(lines[4]).toBe("Z_{5} = H_{3} \\cdot W_{53} + H_{4} \\cdot W_{54} + b_{5} = (0.5 \\cdot 1) + (1.5 \\cdot 1) + 0.5 = 2.5");
  });

  it("write the loss, the chain rule and the updates with numbers", () => {
    expect(lossEquation(step)).toBe("L = (Y_r - Y_e)^2 = (2.5 - 2)^2 = 0.25");
    const back = backwardEquations(step);
    expect(back).toContain("\\frac{\\partial L}{\\partial a_{5}} = 2(Y_r - Y_e) = 2(2.5 - 2) = 1");
    expect(back).toContain("\\frac{\\partial L}{\\partial W_{53}} = \\frac{\\partial L}{\\partial Z_{5}} \\cdot H_{3} = 1 \\cdot 0.5 = 0.5");
    expect(back).toContain("\\frac{\\partial L}{\\partial a_{3}} = \\frac{\\partial L}{\\partial Z_{5}} \\cdot W_{53} = 1 \\cdot 1 = 1");
    expect(back).toContain("\\frac{\\partial L}{\\partial W_{31}} = \\frac{\\partial L}{\\partial Z_{3}} \\cdot X_{1} = 1 \\cdot 1 = 1");
    expect(backwardEquations(step, ["O5"])).toHaveLength(5);
    expect(updateEquations(step, ["W53", "b5"])).toHaveLength(2);
    expect(updateEquations(step)).toContain("W_{53}^{new} = W_{53} - \\eta \\cdot \\frac{\\partial L}{\\partial W_{53}} = 1 - 0.01 \\cdot 0.5 = 0.995");
  });

  it("print floats rounded to 12 digits and fractions exactly", () => {
    expect(updateTable(step)).toContain("| W54 | 1 | 0.01 | 1.5 | 0.985 |");
    const exact = traceStep(seedNetwork(), { input, target, learningRate, arithmetic: fractionArithmetic });
    expect(updateTable(exact)).toContain("| b3 | 0 | 0.01 | 1 | -0.01 |");
    expect(forwardTable(step).split("\n")[0]).toBe("| neuron | weighted sum Z | activation | output a |");
    expect(displayMath(["a", "b"])).toBe("$$a$$\n\n$$b$$");
  });
});
