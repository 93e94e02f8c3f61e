import type { Arithmetic } from "./arithmetic";

/**
 * One record per activation, holding every form of it that the lab uses, so
 * adding an activation means adding one record here and nothing else: the
 * traced path, the fast path, the symbolic check and the renderers all look
 * the record up by name.
 */
export interface Activation {
  readonly name: ActivationName;
  /** a = f(z), written once for floats and exact fractions alike */
  forward<T>(z: T, A: Arithmetic<T>): T;
  /** da/dz, evaluated at the same z */
  derivative<T>(z: T, A: Arithmetic<T>): T;
  /**
   * The fast path's float kernel: the same operations in the same order as
   * `forward`/`derivative` in float arithmetic, so both paths give the same bits.
   * The derivative may use a = f(z), which the fast path already holds.
   */
  readonly kernel: { forward(z: number): number; derivative(z: number, a: number): number };
  /** f(z) as a mathjs expression, for the symbolic check (it must have a mathjs derivative) */
  expression(z: string): string;
  /** f(z) as LaTeX, for the equation renderers */
  latex(z: string): string;
}

const relu: Activation = {
  name: "relu",
  forward: (z, A) => (A.compare(z, A.from(0)) > 0 ? z : A.from(0)),
  // At z = 0 ReLU has no derivative; like every framework we take 0 there.
  derivative: (z, A) => A.from(A.compare(z, A.from(0)) > 0 ? 1 : 0),
  kernel: { forward: (z) => (z > 0 ? z : 0), derivative: (z) => (z > 0 ? 1 : 0) },
  // max(0, z) has no symbolic derivative in mathjs; (z + |z|) / 2 is the same function and does.
  expression: (z) => `((${z}) + abs(${z})) / 2`,
  latex: (z) => `\\mathrm{ReLU}(${z})`,
};

const identity: Activation = {
  name: "identity",
  forward: (z) => z,
  derivative: (_z, A) => A.from(1),
  kernel: { forward: (z) => z, derivative: () => 1 },
  expression: (z) => `(${z})`,
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
  kernel: { forward: (z) => 1 / (1 + Math.exp(0 - z)), derivative: (_z, a) => a * (1 - a) },
  expression: (z) => `1 / (1 + exp(-(${z})))`,
  latex: (z) => `\\sigma(${z})`,
};

const tanh: Activation = {
  name: "tanh",
  // Math.tanh, not a formula of exp(): that loses the low digits near 0 (tanh(1e-9) came out 1.00000002822922e-9).
  forward: (z, A) => A.tanh(z, "tanh"),
  // tanh'(z) = 1 - tanh(z)^2
  derivative: (z, A) => {
    const t = tanh.forward(z, A);
    return A.sub(A.from(1), A.mul(t, t));
  },
  kernel: { forward: (z) => Math.tanh(z), derivative: (_z, a) => 1 - a * a },
  expression: (z) => `tanh(${z})`,
  latex: (z) => `\\tanh(${z})`,
};

/** ReLU that lets a small share of a negative z through, so a neuron below zero still learns. */
const leakyRelu: Activation = {
  name: "leaky-relu",
  forward: (z, A) => (A.compare(z, A.from(0)) > 0 ? z : A.mul(A.from(0.01), z)),
  derivative: (z, A) => A.from(A.compare(z, A.from(0)) > 0 ? 1 : 0.01),
  kernel: { forward: (z) => (z > 0 ? z : 0.01 * z), derivative: (z) => (z > 0 ? 1 : 0.01) },
  // max(0, z) + 0.01 min(0, z), each written with abs() so mathjs can differentiate it.
  expression: (z) => `(((${z}) + abs(${z})) / 2 + 0.01 * ((${z}) - abs(${z})) / 2)`,
  latex: (z) => `\\mathrm{LeakyReLU}(${z})`,
};

/** A smooth ReLU, log(1 + e^z); its derivative is the sigmoid. */
const softplus: Activation = {
  name: "softplus",
  // max(z, 0) + log(1 + e^(-|z|)): the exponent is never positive, so a large z cannot overflow.
  forward: (z, A) => {
    const negative = A.compare(z, A.from(0)) < 0;
    const magnitude = negative ? A.sub(A.from(0), z) : z;
    return A.add(negative ? A.from(0) : z, A.log(A.add(A.from(1), A.exp(A.sub(A.from(0), magnitude), "softplus")), "softplus"));
  },
  derivative: (z, A) => sigmoid.forward(z, A),
  kernel: {
    forward: (z) => {
      const negative = z < 0;
      const magnitude = negative ? 0 - z : z;
      return (negative ? 0 : z) + Math.log(1 + Math.exp(0 - magnitude));
    },
    derivative: (z) => sigmoid.kernel.forward(z),
  },
  expression: (z) => `log(1 + exp(${z}))`,
  latex: (z) => `\\mathrm{softplus}(${z})`,
};

/** Every activation by the name a network description uses. */
export const activations = { relu, identity, sigmoid, tanh, "leaky-relu": leakyRelu, softplus };

export type ActivationName = keyof typeof activations;

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(activations, name);
}

/** The record for a name; an unknown name is an error listing the known ones. */
export function activationByName(name: string): Activation {
  if (!isActivationName(name)) throw new Error(`unknown activation ${JSON.stringify(name) ?? String(name)}; known: ${Object.keys(activations).join(", ")}`);
  return activations[name];
}
