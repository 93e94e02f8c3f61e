import type { Arithmetic } from "./arithmetic";

/**
 * One record per loss, holding every form of it, looked up by name by the
 * traced path, the fast path, the symbolic check and the renderers. A loss
 * compares the received outputs Yr with the expected ones Ye (the source's
 * names) for one sample; `derivative` is dL/dYr for each output.
 */
export interface Loss {
  readonly name: LossName;
  value<T>(received: readonly T[], expected: readonly T[], A: Arithmetic<T>): T;
  derivative<T>(received: readonly T[], expected: readonly T[], A: Arithmetic<T>): T[];
  /**
   * The fast path's kernel for the `count` outputs of one sample starting at
   * `offset`: writes dL/dYr into `into` and returns the loss, with the same
   * operations in the same order as `value`/`derivative` in floats.
   */
  kernel(received: Float64Array, expected: Float64Array, offset: number, count: number, into: Float64Array): number;
  /** The loss as a mathjs expression of the outputs' and targets' expressions, for the symbolic check. */
  expression(received: readonly string[], expected: readonly string[]): string;
  /** The formula as LaTeX, with Yr and Ye named as in the source, for `outputs` outputs. */
  latex(outputs: number): string;
  /** The formula with the numbers put in (omitted where that would not fit on a line). */
  substituted?(received: readonly string[], expected: readonly string[]): string;
  /** dL/dYr for one output, as LaTeX: the formula, then with the numbers put in. */
  derivativeLatex(received: string, expected: string, outputs: number): string;
}

/** The source's loss, (Yr - Ye)^2, summed over the outputs. */
const squaredError: Loss = {
  name: "squared-error",
  value: (received, expected, A) =>
    received.reduce((sum, yr, i) => A.add(sum, square(A.sub(yr, at(expected, i)), A)), A.from(0)),
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
};

/** Mean squared error over the outputs: the squared error divided by their count. */
const meanSquaredError: Loss = {
  name: "mse",
  value: (received, expected, A) => A.div(squaredError.value(received, expected, A), A.from(received.length)),
  derivative: (received, expected, A) =>
    squaredError.derivative(received, expected, A).map((d) => A.div(d, A.from(received.length))),
  kernel: (received, expected, offset, count, into) => {
    const value = squaredError.kernel(received, expected, offset, count, into);
    for (let k = offset; k < offset + count; k++) into[k] = (into[k] as number) / count;
    return value / count;
  },
  expression: (received, expected) => `(${squares(received, expected).join(" + ")}) / ${received.length}`,
  latex: (outputs) => `L = \\frac{1}{${outputs}} \\sum_k (Y_{r,k} - Y_{e,k})^2`,
  substituted: (received, expected) => `\\frac{1}{${received.length}}\\left(${squares(received, expected).join(" + ")}\\right)`,
  derivativeLatex: (yr, ye, outputs) => `\\frac{2}{${outputs}}(Y_r - Y_e) = \\frac{2}{${outputs}}(${yr} - ${ye})`,
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
  derivative: (received, expected, A) =>
    received.map((yr, i) => A.div(A.sub(yr, at(expected, i)), A.mul(yr, A.sub(A.from(1), yr)))),
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
  if (!Object.prototype.hasOwnProperty.call(losses, name)) {
    throw new Error(`unknown loss '${name}'; known losses: ${Object.keys(losses).join(", ")}`);
  }
  return losses[name as LossName];
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
