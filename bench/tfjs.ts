import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { ActivationName } from "../src";
import { startingNetwork } from "./engine";
import type { Repeat } from "./measure";
import { type TrainingWorkload, workloadBatch } from "./workloads";

export type TfjsSystem = "tfjs-cpu" | "tfjs-wasm";

/** TensorFlow.js's own form of each engine activation a workload may use; leaky ReLU's slope is the engine's 0.01. */
const TFJS_ACTIVATIONS: Partial<Record<ActivationName, (z: tf.Tensor2D) => tf.Tensor2D>> = {
  relu: (z) => tf.relu(z),
  identity: (z) => z,
  sigmoid: (z) => tf.sigmoid(z),
  tanh: (z) => tf.tanh(z),
  "leaky-relu": (z) => tf.leakyRelu(z, 0.01),
  softplus: (z) => tf.softplus(z),
};

/** An activation with no TensorFlow.js form here is an error, never a silent identity that would time a different network. */
function tfjsActivation(name: ActivationName): (z: tf.Tensor2D) => tf.Tensor2D {
  const form = TFJS_ACTIVATIONS[name];
  if (!form) throw new Error(`bench/tfjs.ts: no TensorFlow.js form for activation "${name}"; add it to TFJS_ACTIVATIONS`);
  return form;
}

/**
 * Switches TensorFlow.js to the pure-JS cpu backend or the WebAssembly one.
 * The .wasm binaries ship inside the npm package: point the loader at that
 * folder so nothing is fetched from the network.
 */
export async function useTfjsBackend(system: TfjsSystem): Promise<void> {
  // Production mode: tfjs skips its debug-time checks (and its console banner); the fastest honest setting for a peer.
  tf.enableProdMode();
  const backend = system === "tfjs-cpu" ? "cpu" : "wasm";
  if (backend === "wasm") setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
}

export interface TfjsTrainer {
  repeat: Repeat;
  /** The current loss, for checking that training happens. */
  loss(): number;
  dispose(): void;
}

/**
 * The idiomatic TensorFlow.js training step: variables, a loss closure and
 * `optimizer.minimize`, starting from the same weights as the engine (cast
 * to float32, the only precision tfjs offers).
 */
export function tfjsTrainer(workload: TrainingWorkload): TfjsTrainer {
  const start = startingNetwork(workload);
  const weights = start.weights.map((w, l) => {
    const nIn = workload.sizes[l] as number;
    const nOut = workload.sizes[l + 1] as number;
    // The engine stores (outputs x inputs); tf.matMul(x, W) wants (inputs x outputs).
    return tf.variable(tf.tensor2d(Float32Array.from(w), [nOut, nIn]).transpose());
  });
  const biases = start.biases.map((b) => tf.variable(tf.tensor1d(Float32Array.from(b))));
  const { inputs, targets } = workloadBatch(workload);
  const x = tf.tensor2d(Float32Array.from(inputs), [workload.batch, workload.sizes[0] as number]);
  const y = tf.tensor2d(Float32Array.from(targets), [workload.batch, workload.sizes[workload.sizes.length - 1] as number]);
  const optimizer = tf.train.sgd(workload.learningRate);

  const lossOf = (): tf.Scalar => {
    let a: tf.Tensor2D = x;
    workload.activations.forEach((activation, l) => {
      const z = tf.add(tf.matMul(a, weights[l] as tf.Variable), biases[l] as tf.Variable) as tf.Tensor2D;
      a = tfjsActivation(activation)(z);
    });
    // Squared error summed over the outputs, averaged over the batch: the engine's loss.
    return tf.mean(tf.sum(tf.square(tf.sub(a, y)), 1));
  };

  return {
    repeat: (n) => {
      for (let k = 0; k < n; k++) {
        tf.tidy(() => {
          optimizer.minimize(lossOf);
        });
      }
    },
    loss: () => tf.tidy(() => lossOf().dataSync()[0] as number),
    dispose: () => {
      tf.dispose([...weights, ...biases, x, y]);
      optimizer.dispose();
    },
  };
}
