import type { ActivationName } from "./activations";
import type { Arithmetic } from "./arithmetic";
import type { FloatArray } from "./float-array";

/**
 * A loss of one sample's values against the expected ones Ye, in every form
 * a path computes: the values are the outputs Yr, or for a logits form the
 * output layer's Z. `derivative` is dL/d(each value).
 */
interface LossForms {
  value<T>(values: readonly T[], expected: readonly T[], A: Arithmetic<T>): T;
  derivative<T>(values: readonly T[], expected: readonly T[], A: Arithmetic<T>): T[];
  /**
   * The fast path's kernel for the `count` values of one sample starting at
   * `offset`: writes the derivative into `into` and returns the loss, with
   * the same operations in the same order as `value`/`derivative` in floats.
   */
  kernel(values: FloatArray, expected: FloatArray, offset: number, count: number, into: FloatArray): number;
  /** The loss as a mathjs expression of the values' and targets' expressions, for the symbolic check. */
  expression(values: readonly string[], expected: readonly string[]): string;
}

/**
 * One record per loss, holding every form of it, looked up by name by the
 * traced path, the fast path, the symbolic check and the renderers. A loss
 * compares the received outputs Yr with the expected ones Ye (the source's
 * names) for one sample.
 */
export interface Loss extends LossForms {
  readonly name: LossName;
  /** The formula as LaTeX, with Yr and Ye named as in the source, for `outputs` outputs. */
  latex(outputs: number): string;
  /** The formula with the numbers put in (omitted where that would not fit on a line). */
  substituted?(received: readonly string[], expected: readonly string[]): string;
  /** dL/dYr for one output, as LaTeX: the formula, then with the numbers put in. */
  derivativeLatex(received: string, expected: string, outputs: number): string;
  /** The words explain and check use for it. */
  readonly words: LossWords;
  /**
   * Set for a loss that training computes from the output layer's Z (its
   * logits) instead of its outputs: the outputs' form loses everything to
   * rounding once the activation saturates (sigmoid(40) is 1 in floats, and
   * log(1 - 1) is -Infinity). Training then requires that output activation.
   */
  readonly fromLogits?: LogitsForm;
}

/** A loss in the plain text a learner writes, with Yr and Ye as the source names them, for `outputs` outputs. */
export interface LossWords {
  /** The loss: "(Yr - Ye)^2". */
  formula(outputs: number): string;
  /** dL/dYr for one output, a chain-rule factor's meaning: "2(Yr - Ye)". */
  derivative(outputs: number): string;
  /** What the loss does with Yr - Ye, for an answer that stopped at the difference: "squares it". */
  readonly ofDifference: string;
}

/**
 * A loss as a function of the output layer's Z (the values), with the
 * output activation it assumes; `derivative` and `kernel` give dL/dZ. Its
 * mathjs expression is written plainly, so the symbolic check does not share
 * the stable formula it checks.
 */
export interface LogitsForm extends LossForms {
  readonly activation: ActivationName;
  /** dL/dZ for one output as LaTeX, with the numbers put in. */
  derivativeLatex(received: string, expected: string): string;
}

/** The source's loss, (Yr - Ye)^2, summed over the outputs. */
const squaredError: Loss = {
  name: "squared-error",
  value: (received, expected, A) => received.reduce((sum, yr, i) => A.add(sum, square(A.sub(yr, at(expected, i)), A)), A.from(0)),
  // d/dYr (Yr - Ye)^2 = 2 (Yr - Ye)
  derivative: (received, expected, A) => received.map((yr, i) => A.mul(A.from(2), A.sub(yr, at(expected, i)))),
  kernel: (received, expected, offset, count, into) => {
    let value = 0;
    for (let k = offset; k < offset + count; k++) {
      const d = (received[k] as number) - (expected[k] as number);
      value = value + d * d;
      into[k] = 2 * d;
    }
    return value;
  },
  expression: (received, expected) => squares(received, expected).join(" + "),
  latex: () => "L = (Y_r - Y_e)^2",
  substituted: (received, expected) => squares(received, expected).join(" + "),
  derivativeLatex: (yr, ye) => `2(Y_r - Y_e) = 2(${yr} - ${ye})`,
  words: { formula: () => "(Yr - Ye)^2", derivative: () => "2(Yr - Ye)", ofDifference: "squares it" },
};

/** Mean squared error over the outputs: the squared error divided by their count. */
const meanSquaredError: Loss = {
  name: "mse",
  value: (received, expected, A) => A.div(squaredError.value(received, expected, A), A.from(received.length)),
  derivative: (received, expected, A) => squaredError.derivative(received, expected, A).map((d) => A.div(d, A.from(received.length))),
  kernel: (received, expected, offset, count, into) => {
    const value = squaredError.kernel(received, expected, offset, count, into);
    for (let k = offset; k < offset + count; k++) into[k] = (into[k] as number) / count;
    return value / count;
  },
  expression: (received, expected) => `(${squares(received, expected).join(" + ")}) / ${received.length}`,
  latex: (outputs) => `L = \\frac{1}{${outputs}} \\sum_k (Y_{r,k} - Y_{e,k})^2`,
  substituted: (received, expected) => `\\frac{1}{${received.length}}\\left(${squares(received, expected).join(" + ")}\\right)`,
  derivativeLatex: (yr, ye, outputs) => `\\frac{2}{${outputs}}(Y_r - Y_e) = \\frac{2}{${outputs}}(${yr} - ${ye})`,
  words: {
    formula: (outputs) => `sum of (Yr - Ye)^2 / ${outputs}`,
    derivative: (outputs) => `2(Yr - Ye)/${outputs}`,
    ofDifference: "squares it and averages over the outputs",
  },
};

/** -(Ye log Yr + (1 - Ye) log(1 - Yr)) summed over outputs; Yr must lie strictly between 0 and 1. */
const binaryCrossEntropy: Loss = {
  name: "binary-cross-entropy",
  value: (received, expected, A) =>
    received.reduce((sum, yr, i) => {
      const ye = at(expected, i);
      const one = A.from(1);
      const term = A.add(A.mul(ye, A.log(yr, "binary cross-entropy")), A.mul(A.sub(one, ye), A.log(A.sub(one, yr), "binary cross-entropy")));
      return A.sub(sum, term);
    }, A.from(0)),
  // dL/dYr = (Yr - Ye) / (Yr (1 - Yr))
  derivative: (received, expected, A) => received.map((yr, i) => A.div(A.sub(yr, at(expected, i)), A.mul(yr, A.sub(A.from(1), yr)))),
  kernel: (received, expected, offset, count, into) => {
    let value = 0;
    for (let k = offset; k < offset + count; k++) {
      const yr = received[k] as number;
      const ye = expected[k] as number;
      value = value - (ye * Math.log(yr) + (1 - ye) * Math.log(1 - yr));
      into[k] = (yr - ye) / (yr * (1 - yr));
    }
    return value;
  },
  expression: (received, expected) => received.map((yr, k) => `-(${expected[k]} * log(${yr}) + (1 - ${expected[k]}) * log(1 - ${yr}))`).join(" + "),
  latex: () => "L = -\\sum_k \\left(Y_{e,k} \\log Y_{r,k} + (1 - Y_{e,k}) \\log(1 - Y_{r,k})\\right)",
  derivativeLatex: (yr, ye) => `\\frac{Y_r - Y_e}{Y_r (1 - Y_r)} = \\frac{${yr} - ${ye}}{${yr}(1 - ${yr})}`,
  words: {
    formula: () => "-(Ye log Yr + (1 - Ye) log(1 - Yr))",
    derivative: () => "(Yr - Ye)/(Yr(1 - Yr))",
    ofDifference: "takes the logarithms of Yr and 1 - Yr",
  },
  fromLogits: {
    activation: "sigmoid",
    // With Yr = sigmoid(Z): L = max(Z, 0) - Z Ye + log(1 + e^(-|Z|)), every term finite whatever Z is.
    value: (logits, expected, A) =>
      logits.reduce((sum, z, i) => {
        const negative = A.compare(z, A.from(0)) < 0;
        const magnitude = negative ? A.sub(A.from(0), z) : z;
        const softplusTail = A.log1p(A.exp(A.sub(A.from(0), magnitude), "binary cross-entropy"), "binary cross-entropy");
        return A.add(sum, A.add(A.sub(negative ? A.from(0) : z, A.mul(z, at(expected, i))), softplusTail));
      }, A.from(0)),
    // dL/dZ = sigmoid(Z) - Ye, written (1 - Ye) sigmoid(Z) - Ye sigmoid(-Z) so that Ye = 1 keeps the tiny sigmoid(-Z) instead of 1 - 1 = 0.
    derivative<T>(logits: readonly T[], expected: readonly T[], A: Arithmetic<T>): T[] {
      const sigmoidOf = (x: T): T => A.div(A.from(1), A.add(A.from(1), A.exp(A.sub(A.from(0), x), "binary cross-entropy")));
      return logits.map((z, i) => {
        const ye = at(expected, i);
        return A.sub(A.mul(A.sub(A.from(1), ye), sigmoidOf(z)), A.mul(ye, sigmoidOf(A.sub(A.from(0), z))));
      });
    },
    kernel: (logits, expected, offset, count, into) => {
      let value = 0;
      for (let k = offset; k < offset + count; k++) {
        const z = logits[k] as number;
        const ye = expected[k] as number;
        const negative = z < 0;
        const magnitude = negative ? 0 - z : z;
        value = value + ((negative ? 0 : z) - z * ye + Math.log1p(Math.exp(0 - magnitude)));
        into[k] = (1 - ye) * (1 / (1 + Math.exp(0 - z))) - ye * (1 / (1 + Math.exp(0 - (0 - z))));
      }
      return value;
    },
    expression: (logits, expected) => logits.map((z, k) => `(log(1 + exp(${z})) - ${expected[k]} * (${z}))`).join(" + "),
    derivativeLatex: (yr, ye) => `\\sigma(Z) - Y_e = Y_r - Y_e = ${yr} - ${ye}`,
  },
};

/** Every loss by the name the options and the command line use. */
export const losses = {
  "squared-error": squaredError,
  mse: meanSquaredError,
  "binary-cross-entropy": binaryCrossEntropy,
};

export type LossName = keyof typeof losses;

/** The record for a name; an unknown name is an error listing the known ones. */
export function lossByName(name: string): Loss {
  if (!Object.hasOwn(losses, name)) {
    throw new Error(`unknown loss '${name}'; known losses: ${Object.keys(losses).join(", ")}`);
  }
  return losses[name as LossName];
}

/** A loss computed from the logits means one output activation; anything else is refused naming the neuron. */
export function checkOutputActivation(loss: string, wanted: string, outputs: readonly { name: string; activation: string }[]): void {
  const other = outputs.find((neuron) => neuron.activation !== wanted);
  if (other !== undefined) {
    throw new Error(
      `${loss} needs a ${wanted} output layer (it is computed from the logits, so saturated outputs stay exact); ${other.name} uses ${other.activation}`,
    );
  }
}

function squares(received: readonly string[], expected: readonly string[]): string[] {
  return received.map((yr, k) => `(${yr} - ${expected[k]})^2`);
}

function square<T>(x: T, A: Arithmetic<T>): T {
  return A.mul(x, x);
}

function at<T>(values: readonly T[], i: number): T {
  const value = values[i];
  if (value === undefined) throw new Error(`loss: expected ${i + 1} target values, got ${values.length}`);
  return value;
}
