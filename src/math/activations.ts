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
  /** f'(z) as LaTeX, and in the words a learner writes ("ReLU'(Z5)", "1"), for the chain rule's factors in explain and check */
  derivativeLatex(z: string): string;
  derivativeWords(z: string): string;
  /**
   * How the fast path's SIMD epilogues compute it, two or four numbers at a
   * time. Every record states it: a piecewise-linear activation gives its
   * slope below zero and the epilogues are generated from it; one that needs
   * exp or tanh says so, and the fast path runs its `kernel` in JavaScript.
   */
  readonly simd: SimdForm;
}

/**
 * a = z > 0 ? z : slopeBelowZero * z, with a slope of 0 giving +0 below zero
 * (as ReLU's `z > 0 ? z : 0` does, not -0); or no SIMD form, and why.
 */
export type SimdForm = { readonly slopeBelowZero: number } | { readonly none: string };

/** The slope below zero of a piecewise-linear activation, or null when the fast path has no SIMD form of it. */
export function slopeBelowZero(activation: Activation): number | null {
  const form = activation.simd as SimdForm | undefined;
  if (form === undefined) throw new Error(`activation ${activation.name}: its record states no SIMD form (simd: { slopeBelowZero } or { none: why })`);
  return "slopeBelowZero" in form ? form.slopeBelowZero : null;
}

/**
 * A piecewise-linear activation's record: z above zero, `slope` times z
 * below (ReLU: 0, leaky ReLU: 0.01), in every form from the one number.
 */
function piecewiseLinear(name: ActivationName, slope: number, word: string, latexName: string): Activation {
  const below = <T>(z: T, A: Arithmetic<T>): T => (slope === 0 ? A.from(0) : A.mul(A.from(slope), z));
  return {
    name,
    forward: (z, A) => (A.compare(z, A.from(0)) > 0 ? z : below(z, A)),
    // At z = 0 the function has no derivative; like every framework we take the slope below zero there.
    derivative: (z, A) => A.from(A.compare(z, A.from(0)) > 0 ? 1 : slope),
    kernel: {
      // biome-ignore lint/complexity/useMathMinMax: Math.max(z, 0) gives -0 for -0 and NaN for NaN, where the traced path gives +0
      forward: slope === 0 ? (z) => (z > 0 ? z : 0) : (z) => (z > 0 ? z : slope * z),
      derivative: (z) => (z > 0 ? 1 : slope),
    },
    // max(0, z) has no symbolic derivative in mathjs; (z + |z|) / 2 is the same function and does, and (z - |z|) / 2 is min(0, z).
    expression: (z) => (slope === 0 ? `((${z}) + abs(${z})) / 2` : `(((${z}) + abs(${z})) / 2 + ${slope} * ((${z}) - abs(${z})) / 2)`),
    latex: (z) => `\\mathrm{${latexName}}(${z})`,
    derivativeLatex: (z) => `\\mathrm{${latexName}}'(${z})`,
    derivativeWords: (z) => `${word}'(${z})`,
    simd: { slopeBelowZero: slope },
  };
}

const relu = piecewiseLinear("relu", 0, "ReLU", "ReLU");

const identity: Activation = {
  name: "identity",
  forward: (z) => z,
  derivative: (_z, A) => A.from(1),
  kernel: { forward: (z) => z, derivative: () => 1 },
  expression: (z) => `(${z})`,
  latex: (z) => z,
  derivativeLatex: () => "1",
  derivativeWords: () => "1",
  // z > 0 ? z : 1 * z is z, bit for bit: the epilogue copies it.
  simd: { slopeBelowZero: 1 },
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
  derivativeLatex: (z) => `\\sigma'(${z})`,
  derivativeWords: (z) => `sigmoid'(${z})`,
  simd: { none: "needs exp, which WebAssembly SIMD lacks" },
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
  derivativeLatex: (z) => `\\tanh'(${z})`,
  derivativeWords: (z) => `tanh'(${z})`,
  simd: { none: "needs tanh, which WebAssembly SIMD lacks" },
};

/** ReLU that lets a small share of a negative z through, so a neuron below zero still learns. */
const leakyRelu = piecewiseLinear("leaky-relu", 0.01, "leaky-relu", "LeakyReLU");

/** Leaky ReLU with the steeper slope GANs use (0.2). */
const leakyRelu02 = piecewiseLinear("leaky-relu-0.2", 0.2, "leaky-relu-0.2", "LeakyReLU_{0.2}");

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
  derivativeLatex: (z) => `\\mathrm{softplus}'(${z})`,
  derivativeWords: (z) => `softplus'(${z})`,
  simd: { none: "needs exp and log, which WebAssembly SIMD lacks" },
};

/** Every activation by the name a network description uses. */
export const activations = { relu, identity, sigmoid, tanh, "leaky-relu": leakyRelu, "leaky-relu-0.2": leakyRelu02, softplus };

export type ActivationName = keyof typeof activations;

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === "string" && Object.hasOwn(activations, name);
}

/** The record for a name; an unknown name is an error listing the known ones. */
export function activationByName(name: string): Activation {
  if (!isActivationName(name)) throw new Error(`unknown activation ${JSON.stringify(name) ?? String(name)}; known: ${Object.keys(activations).join(", ")}`);
  return activations[name];
}
