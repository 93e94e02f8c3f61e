import type { NetworkDescription } from "../network/description";
import { seedExample, seedNetwork } from "../network/seed-network";
import { traceStep } from "../trace/traced-step";

/**
 * The source's slips, each one a claim of the source checked against the
 * engine: what the source states, what the engine computes, and whether
 * they agree. Nothing here types the answer in; every "engine" value is computed.
 */
export interface Erratum {
  id: string;
  topic: string;
  /** What the source says, in our words. */
  sourceSays: string;
  /** What the engine computes when it follows the source's claim literally. */
  claimGives: string;
  /** What the engine computes for the correct reading. */
  engineGives: string;
  /** True when the claim, followed literally, reproduces the source's own numbers. */
  claimHolds: boolean;
  correction: string;
}

const { input, target, learningRate } = seedExample;
const sample = { input: [...input], target: [...target], learningRate };

export function sourceErrata(): Erratum[] {
  return [biasSwap(), gradientFormula(), wrongBiasName()];
}

/** The prose gives H3 a bias of 0.5 and H4 a bias of 0, but its arithmetic uses b3 = 0 and b4 = 0.5. */
function biasSwap(): Erratum {
  const prose = withBiases(seedNetwork(), { H3: 0.5, H4: 0 });
  const asWritten = traceStep(prose, sample).forward;
  const asComputed = traceStep(seedNetwork(), sample).forward;
  const value = (records: typeof asWritten, neuron: string): number => records.find((r) => r.neuron === neuron)?.a ?? Number.NaN;
  const claimH3 = value(asWritten, "H3");
  const claimH4 = value(asWritten, "H4");
  return {
    id: "bias-swap",
    topic: "hidden-layer biases",
    sourceSays: "H3 and O5 have a bias of 0.5 and H4 a bias of 0; then it computes H3 = 0.5 and H4 = 1.5",
    claimGives: `with b3 = 0.5, b4 = 0: H3 = ${claimH3}, H4 = ${claimH4}, O5 = ${value(asWritten, "O5")}`,
    engineGives: `with b3 = 0, b4 = 0.5: H3 = ${value(asComputed, "H3")}, H4 = ${value(asComputed, "H4")}, O5 = ${value(asComputed, "O5")}`,
    claimHolds: claimH3 === 0.5 && claimH4 === 1.5,
    correction: "the worked example uses b3 = 0 and b4 = 0.5 (the prose swaps them); O5 = 2.5 either way, which hides the slip",
  };
}

/** The source writes dL/dW53 = 2 W53 (Yr - Ye) but evaluates 2 x 0.5 x 0.5, which is 2 H3 (Yr - Ye). */
function gradientFormula(): Erratum {
  const step = traceStep(seedNetwork(), sample);
  const w53 = step.gradients.find((g) => g.parameter === "W53");
  const yr = step.loss.received[0] ?? Number.NaN;
  const ye = step.loss.expected[0] ?? Number.NaN;
  const oldW53 = step.updates.find((u) => u.parameter === "W53")?.old ?? Number.NaN;
  const h3 = w53?.input ?? Number.NaN;
  const claimed = 2 * oldW53 * (yr - ye);
  return {
    id: "gradient-formula",
    topic: "the gradient of W53",
    sourceSays: "dL/dW53 = 2 W53 (Yr - Ye), evaluated as 2 x 0.5 x (2.5 - 2) = 0.5",
    claimGives: `2 W53 (Yr - Ye) = 2 x ${oldW53} x ${yr - ye} = ${claimed}`,
    engineGives: `dL/dW53 = 2 (Yr - Ye) x H3 = 2 x ${yr - ye} x ${h3} = ${w53?.gradient}`,
    claimHolds: claimed === w53?.gradient,
    correction: "the factor is the input the weight carries, H3 = 0.5, not the weight itself: dL/dW53 = 2 (Yr - Ye) H3",
  };
}

/** "The same computation applies to W54 and b3", repeated in the bias figure's caption: b3 is a hidden-layer bias; the output bias is b5. */
function wrongBiasName(): Erratum {
  const step = traceStep(seedNetwork(), sample);
  const outputParameters = step.gradients.filter((g) => g.neuron === "O5").map((g) => g.parameter);
  const b3 = step.gradients.find((g) => g.parameter === "b3");
  const b3Path = step.backward.find((r) => r.neuron === "H3");
  return {
    id: "wrong-bias-name",
    topic: "which bias the output-layer formula covers",
    sourceSays: 'the same computation as for W53 applies to W54 and b3 (and the caption of the bias figure repeats "the new bias b3")',
    claimGives: `the parameters of the output neuron O5 are ${outputParameters.join(", ")}; b3 is not among them`,
    engineGives: `dL/db3 = dL/dZ5 x W53 x ReLU'(Z3) = ${b3Path?.upstreamTerms[0]?.gradient} x ${b3Path?.upstreamTerms[0]?.weight} x ${b3Path?.localDerivative} = ${b3?.gradient}, a chain-rule gradient through the hidden layer`,
    claimHolds: outputParameters.includes("b3"),
    correction: "the same computation applies to W54 and b5; b3 needs the chain rule like W31",
  };
}

function withBiases(network: NetworkDescription, biases: Record<string, number>): NetworkDescription {
  return {
    ...network,
    layers: network.layers.map((layer) => ({
      ...layer,
      neurons: layer.neurons.map((n) => (n.name in biases ? { ...n, bias: biases[n.name] as number } : n)),
    })),
  };
}
