import type { Arithmetic } from "./arithmetic";

/**
 * A loss compares the received outputs Yr with the expected ones Ye (the
 * source's names) for one sample. `derivative` is dL/dYr for each output.
 */
export interface Loss {
  readonly name: LossName;
  value<T>(received: readonly T[], expected: readonly T[], A: Arithmetic<T>): T;
  derivative<T>(received: readonly T[], expected: readonly T[], A: Arithmetic<T>): T[];
  /** The formula as LaTeX, with Yr and Ye named as in the source. */
  readonly latex: string;
}

export type LossName = "squared-error" | "mse" | "binary-cross-entropy";

/** The source's loss, (Yr - Ye)^2, summed over the outputs. */
const squaredError: Loss = {
  name: "squared-error",
  value: (received, expected, A) =>
    received.reduce((sum, yr, i) => A.add(sum, square(A.sub(yr, at(expected, i)), A)), A.from(0)),
  // d/dYr (Yr - Ye)^2 = 2 (Yr - Ye)
  derivative: (received, expected, A) => received.map((yr, i) => A.mul(A.from(2), A.sub(yr, at(expected, i)))),
  latex: "L = \\sum_k (Y_{r,k} - Y_{e,k})^2",
};

/** Mean squared error over the outputs: the squared error divided by their count. */
const meanSquaredError: Loss = {
  name: "mse",
  value: (received, expected, A) => A.div(squaredError.value(received, expected, A), A.from(received.length)),
  derivative: (received, expected, A) =>
    squaredError.derivative(received, expected, A).map((d) => A.div(d, A.from(received.length))),
  latex: "L = \\frac{1}{K} \\sum_k (Y_{r,k} - Y_{e,k})^2",
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
  latex: "L = -\\sum_k \\left(Y_{e,k} \\log Y_{r,k} + (1 - Y_{e,k}) \\log(1 - Y_{r,k})\\right)",
};

export const losses: Readonly<Record<LossName, Loss>> = {
  "squared-error": squaredError,
  mse: meanSquaredError,
  "binary-cross-entropy": binaryCrossEntropy,
};

export function lossByName(name: string): Loss {
  if (!Object.prototype.hasOwnProperty.call(losses, name)) {
    throw new Error(`unknown loss '${name}'; known losses: ${Object.keys(losses).join(", ")}`);
  }
  return losses[name as LossName];
}

function square<T>(x: T, A: Arithmetic<T>): T {
  return A.mul(x, x);
}

function at<T>(values: readonly T[], i: number): T {
  const value = values[i];
  if (value === undefined) throw new Error(`loss: expected ${i + 1} target values, got ${values.length}`);
  return value;
}
