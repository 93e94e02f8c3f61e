import type { Arithmetic } from "../math/arithmetic";
import { nameList } from "../math/format";
import type { ForwardPass } from "./forward";
import { checkOutputActivation, type Loss } from "../math/losses";
import type { Model } from "../network/model";
import type { LossRecord, NeuronGradientRecord, ParameterGradientRecord } from "./records";

export interface BackwardPass<T> {
  loss: LossRecord<T>;
  neurons: NeuronGradientRecord<T>[];
  gradients: ParameterGradientRecord<T>[];
}

/**
 * The chain rule from the output layer back to the first hidden layer. Every
 * factor comes from the forward pass and the model as they were before any
 * update: backprop differentiates one fixed function, so updating W53 before
 * computing the hidden layer's gradients (as the source's order suggests)
 * would differentiate a different one.
 */
export function backward<T>(model: Model<T>, pass: ForwardPass<T>, expected: readonly T[], loss: Loss, A: Arithmetic<T>): BackwardPass<T> {
  const outputLayer = model.layers[model.layers.length - 1] ?? [];
  if (expected.length !== outputLayer.length) {
    throw new Error(`target has ${expected.length} value(s) but the network has ${outputLayer.length} output(s) (${nameList(outputLayer.map((n) => n.name))})`);
  }
  const zOf = new Map(pass.records.map((record) => [record.neuron, record.z]));
  const logitsForm = loss.fromLogits;
  let lossRecord: LossRecord<T>;
  if (logitsForm === undefined) {
    lossRecord = {
      loss: loss.name,
      received: pass.outputs,
      expected: [...expected],
      value: loss.value(pass.outputs, expected, A),
      derivative: loss.derivative(pass.outputs, expected, A),
    };
  } else {
    checkOutputActivation(
      loss.name,
      logitsForm.activation,
      outputLayer.map((neuron) => ({ name: neuron.name, activation: neuron.activation.name })),
    );
    const logits = outputLayer.map((neuron) => zOf.get(neuron.name) as T);
    lossRecord = {
      loss: loss.name,
      received: pass.outputs,
      expected: [...expected],
      logits,
      value: logitsForm.value(logits, expected, A),
      derivative: logitsForm.derivative(logits, expected, A),
    };
  }

  // dL/da for each neuron, filled in as the layers above it are processed.
  const upstreamTerms = new Map<string, NeuronGradientRecord<T>["upstreamTerms"]>();
  outputLayer.forEach((neuron, k) => {
    upstreamTerms.set(neuron.name, [{ from: "loss", gradient: lossRecord.derivative[k] as T }]);
  });

  const neurons: NeuronGradientRecord<T>[] = [];
  const gradients: ParameterGradientRecord<T>[] = [];
  for (let l = model.layers.length - 1; l >= 0; l--) {
    for (const neuron of model.layers[l] ?? []) {
      const terms = upstreamTerms.get(neuron.name) ?? [];
      const upstream = terms.reduce((sum, term) => A.add(sum, term.weight === undefined ? term.gradient : A.mul(term.gradient, term.weight)), A.from(0));
      const z = zOf.get(neuron.name) as T;
      // A loss taken from the logits already gives dL/dz: the activation is inside it, so its local factor is 1.
      const fromLogits = logitsForm !== undefined && l === model.layers.length - 1;
      const localDerivative = fromLogits ? A.from(1) : neuron.activation.derivative(z, A);
      const dLdz = fromLogits ? upstream : A.mul(upstream, localDerivative);
      neurons.push({
        neuron: neuron.name,
        layer: l + 1,
        upstreamTerms: terms,
        upstream,
        activation: neuron.activation.name,
        z,
        localDerivative,
        product: dLdz,
      });

      for (const term of neuron.terms) {
        const input = pass.values.get(term.source) as T;
        gradients.push({ parameter: term.weightName, neuron: neuron.name, source: term.source, dLdz, input, gradient: A.mul(dLdz, input) });
        // Pass dL/dz back along the old weight to the neuron the weight comes from.
        const list = upstreamTerms.get(term.source) ?? [];
        list.push({ from: neuron.name, weightName: term.weightName, weight: term.weight, gradient: dLdz });
        upstreamTerms.set(term.source, list);
      }
      gradients.push({ parameter: neuron.biasName, neuron: neuron.name, source: null, dLdz, input: A.from(1), gradient: dLdz });
    }
  }
  return { loss: lossRecord, neurons, gradients };
}
