import type { Arithmetic } from "./arithmetic";

/** Each activation keeps its local derivative da/dz right next to its forward math. */
export interface Activation {
  readonly name: ActivationName;
  /** a = f(z) */
  forward<T>(z: T, A: Arithmetic<T>): T;
  /** da/dz, evaluated at the same z */
  derivative<T>(z: T, A: Arithmetic<T>): T;
  /** f(z) as LaTeX, for the equation renderers */
  latex(z: string): string;
}

export type ActivationName = "relu" | "identity" | "sigmoid" | "tanh";

const relu: Activation = {
  name: "relu",
  forward: (z, A) => (A.compare(z, A.from(0)) > 0 ? z : A.from(0)),
  // At z = 0 ReLU has no derivative; like every framework we take 0 there.
  derivative: (z, A) => A.from(A.compare(z, A.from(0)) > 0 ? 1 : 0),
  latex: (z) => `\\mathrm{ReLU}(${z})`,
};

const identity: Activation = {
  name: "identity",
  forward: (z) => z,
  derivative: (_z, A) => A.from(1),
  latex: (z) => z,
};

const sigmoid: Activation = {
  name: "sigmoid",
  forward: (z, A) => A.div(A.from(1), A.add(A.from(1), A.exp(A.sub(A.from(0), z), "sigmoid"))),
  // sigma'(z) = sigma(z) (1 - sigma(z))
  derivative: (z, A) => {
    const s = sigmoid.forward(z, A);
    return A.mul(s, A.sub(A.from(1), s));
  },
  latex: (z) => `\\sigma(${z})`,
};

const tanh: Activation = {
  name: "tanh",
  // (1 - e^(-2|z|)) / (1 + e^(-2|z|)) with the sign of z: the exponent is never positive, so it cannot overflow.
  forward: (z, A) => {
    const negative = A.compare(z, A.from(0)) < 0;
    const e = A.exp(A.mul(A.from(negative ? 2 : -2), z), "tanh");
    const t = A.div(A.sub(A.from(1), e), A.add(A.from(1), e));
    return negative ? A.sub(A.from(0), t) : t;
  },
  // tanh'(z) = 1 - tanh(z)^2
  derivative: (z, A) => {
    const t = tanh.forward(z, A);
    return A.sub(A.from(1), A.mul(t, t));
  },
  latex: (z) => `\\tanh(${z})`,
};

export const activations: Readonly<Record<ActivationName, Activation>> = { relu, identity, sigmoid, tanh };

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(activations, name);
}
