import type { NetworkDescription } from "./description";

/**
 * The source's 2-2-1 network (Figure 2-2), with the biases its arithmetic
 * uses: b3 = 0, b4 = 0.5, b5 = 0.5. Its prose says the reverse for H3 and H4
 * (H3 0.5, H4 0); `sourceErrata` checks that slip against the engine.
 */
export function seedNetwork(): NetworkDescription {
  return {
    name: "the source's 2-2-1 network",
    inputs: ["X1", "X2"],
    layers: [
      {
        activation: "relu",
        neurons: [
          { name: "H3", weights: { X1: 0.5, X2: 0.5 }, bias: 0 },
          { name: "H4", weights: { X1: 1, X2: 1 }, bias: 0.5 },
        ],
      },
      {
        activation: "relu",
        neurons: [{ name: "O5", weights: { H3: 1, H4: 1 }, bias: 0.5 }],
      },
    ],
  };
}

/** The source's training sample and learning rate: X1 = 1, X2 = 0, Ye = 2, eta = 0.01. */
export const seedExample = { input: [1, 0], target: [2], learningRate: 0.01 } as const;
