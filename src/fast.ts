import { type Activation, type ActivationName, activationByName } from "./activations";
import { checkOutputActivation, lossByName, type LossName } from "./losses";
import { biasName, type NetworkDescription, validateNetwork, weightName } from "./network";
import { orderedProduct, transpose } from "./fast-kernels";
import { type Layout, simdAvailable, simdProduct } from "./fast-wasm";
import { checkLearningRate, sgdKernel } from "./sgd";

/**
 * The fast path: the same dense network and the same arithmetic as the
 * traced path, in the same order (so the same numbers), but on Float64Array
 * buffers, a whole batch at a time, with no allocation once the buffers exist.
 * Layer l's weights are a row-major (outputs x inputs) matrix.
 */
export class FastNetwork {
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
  readonly weightGradients: Float64Array[];
  readonly biasGradients: Float64Array[];
  private capacity = 0;
  // Per layer, batch x width: pre-activations, activations (index 0 = the inputs) and dL/dz.
  private z: Float64Array[] = [];
  private a: Float64Array[] = [];
  private dz: Float64Array[] = [];
  private upstream: Float64Array[] = [];
  // Room for transposed operands, for products small enough to run on the JavaScript kernel (see product()).
  private aT: Float64Array[] = [];
  private dzT: Float64Array[] = [];
  private readonly weightsT: Float64Array[];
  // Looked up once: an unknown name fails here, in the constructor, not in the middle of training.
  private readonly activationRecords: readonly Activation[];

  constructor(
    readonly sizes: readonly number[],
    readonly activations: readonly ActivationName[],
    readonly names?: { inputs: string[]; neurons: string[][]; name?: string },
  ) {
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`FastNetwork: sizes must be at least two positive whole numbers, got [${sizes.join(", ")}]`);
    if (activations.length !== sizes.length - 1) throw new Error(`FastNetwork: expected ${sizes.length - 1} activations (one per layer), got ${activations.length}`);
    this.activationRecords = activations.map((name) => activationByName(name));
    const layers = sizes.slice(1).map((out, l) => ({ out, in: sizes[l] as number }));
    this.weights = layers.map((s) => new Float64Array(s.out * s.in));
    this.biases = layers.map((s) => new Float64Array(s.out));
    this.weightGradients = layers.map((s) => new Float64Array(s.out * s.in));
    this.biasGradients = layers.map((s) => new Float64Array(s.out));
    this.weightsT = layers.map((s) => new Float64Array(s.out * s.in));
  }

  /** From a fully connected description with one activation per layer; anything else is an error naming the neuron. */
  static fromDescription(description: NetworkDescription): FastNetwork {
    const network = validateNetwork(description);
    const activations: ActivationName[] = [];
    let previous = network.inputs;
    const fast = new FastNetwork(
      [network.inputs.length, ...network.layers.map((layer) => layer.neurons.length)],
      network.layers.map((layer, l) => {
        const first = layer.neurons[0]?.activation ?? layer.activation;
        for (const neuron of layer.neurons) {
          const own = neuron.activation ?? layer.activation;
          if (own !== first) throw new Error(`fast path: layer ${l + 1} mixes activations (${neuron.name} uses ${own}, ${layer.neurons[0]?.name} uses ${first}); it needs one activation per layer`);
        }
        activations.push(first as ActivationName);
        return first as ActivationName;
      }),
      { inputs: [...network.inputs], neurons: network.layers.map((layer) => layer.neurons.map((n) => n.name)), ...(network.name === undefined ? {} : { name: network.name }) },
    );
    network.layers.forEach((layer, l) => {
      const w = fast.weights[l] as Float64Array;
      const b = fast.biases[l] as Float64Array;
      layer.neurons.forEach((neuron, j) => {
        previous.forEach((source, i) => {
          const value = neuron.weights[source];
          if (value === undefined) throw new Error(`fast path: ${neuron.name} has no weight from ${source} (${weightName(neuron.name, source)}); it needs fully connected layers`);
          w[j * previous.length + i] = value;
        });
        b[j] = neuron.bias;
      });
      previous = layer.neurons.map((n) => n.name);
    });
    return fast;
  }

  toDescription(): NetworkDescription {
    let number = 0;
    const inputs = this.names?.inputs ?? Array.from({ length: this.sizes[0] as number }, () => `X${++number}`);
    const neurons = this.names?.neurons ?? this.sizes.slice(1).map((n, l) => Array.from({ length: n }, () => `${l === this.sizes.length - 2 ? "O" : "H"}${++number}`));
    let previous = inputs;
    return {
      ...(this.names?.name === undefined ? {} : { name: this.names.name }),
      inputs: [...inputs],
      layers: neurons.map((layer, l) => {
        const w = this.weights[l] as Float64Array;
        const sources = previous;
        previous = layer;
        return {
          activation: this.activations[l],
          neurons: layer.map((name, j) => ({
            name,
            weights: Object.fromEntries(sources.map((source, i) => [source, w[j * sources.length + i] as number])),
            bias: (this.biases[l] as Float64Array)[j] as number,
          })),
        };
      }),
    };
  }

  /** Every parameter by the traced path's names (W31, b3, ...), for comparisons and printing. */
  parameters(): Map<string, number> {
    return this.named(this.weights, this.biases);
  }

  gradients(): Map<string, number> {
    return this.named(this.weightGradients, this.biasGradients);
  }

  /** The outputs for a batch (batch x outputs), as a view into an internal buffer that the next call overwrites. */
  forward(inputs: Float64Array, batch: number): Float64Array {
    this.run(inputs, batch);
    return (this.a[this.weights.length] as Float64Array).subarray(0, batch * (this.sizes[this.sizes.length - 1] as number));
  }

  /** The forward pass into the internal buffers; training reads them directly, so a step creates no view (no garbage). */
  private run(inputs: Float64Array, batch: number): void {
    this.reserve(batch);
    const width0 = this.sizes[0] as number;
    if (inputs.length < batch * width0) throw new Error(`forward: inputs hold ${inputs.length} numbers, a batch of ${batch} needs ${batch * width0}`);
    const a0 = this.a[0] as Float64Array;
    for (let k = 0; k < batch * width0; k++) {
      const x = inputs[k] as number;
      if (!Number.isFinite(x)) throw new Error(`forward: input ${k % width0} of sample ${Math.floor(k / width0)} is ${x}`);
      a0[k] = x;
    }
    for (let l = 0; l < this.weights.length; l++) {
      const nIn = this.sizes[l] as number;
      const nOut = this.sizes[l + 1] as number;
      const z = this.z[l] as Float64Array;
      // z = x W^T, each sum over the inputs in order; the bias comes last, as in the traced path.
      product(this.a[l] as Float64Array, this.weights[l] as Float64Array, z, batch, nOut, nIn, "rows", "rows", null, null);
      addBiasAndActivate(this.activationRecords[l] as Activation, this.biases[l] as Float64Array, z, this.a[l + 1] as Float64Array, batch, nOut);
    }
  }

  /**
   * Forward and backward over a batch: fills weightGradients and biasGradients
   * with the gradient of the mean loss, and returns that mean loss.
   */
  computeGradients(inputs: Float64Array, targets: Float64Array, batch: number, loss: LossName = "squared-error"): number {
    this.run(inputs, batch);
    const L = this.weights.length;
    const outputs = this.a[L] as Float64Array;
    const nOut = this.sizes[L] as number;
    if (targets.length < batch * nOut) throw new Error(`computeGradients: targets hold ${targets.length} numbers, a batch of ${batch} needs ${batch * nOut}`);
    let lossSum = 0;
    const record = lossByName(loss);
    const logitsForm = record.fromLogits;
    if (logitsForm === undefined) {
      const top = this.upstream[L] as Float64Array;
      for (let s = 0; s < batch; s++) lossSum += record.kernel(outputs, targets, s * nOut, nOut, top);
    } else {
      if (this.activations[L - 1] !== logitsForm.activation) {
        const names = this.names?.neurons[L - 1] ?? [];
        checkOutputActivation(loss, logitsForm.activation, Array.from({ length: nOut }, (_, j) => ({ name: names[j] ?? `output ${j + 1}`, activation: this.activations[L - 1] as string })));
      }
      // The loss gives dL/dz of the output layer directly.
      for (let s = 0; s < batch; s++) lossSum += logitsForm.kernel(this.z[L - 1] as Float64Array, targets, s * nOut, nOut, this.dz[L - 1] as Float64Array);
    }
    for (let l = L - 1; l >= 0; l--) {
      const nIn = this.sizes[l] as number;
      const width = this.sizes[l + 1] as number;
      const gw = this.weightGradients[l] as Float64Array;
      const gb = this.biasGradients[l] as Float64Array;
      const dz = this.dz[l] as Float64Array;
      const dzT = this.dzT[l] as Float64Array;
      const x = this.a[l] as Float64Array;
      const xT = this.aT[l] as Float64Array;
      const activation = this.activationRecords[l] as Activation;
      const z = this.z[l] as Float64Array;
      const a = this.a[l + 1] as Float64Array;
      const up = this.upstream[l + 1] as Float64Array;
      if (logitsForm === undefined || l < L - 1) chainThroughActivation(activation, up, z, a, dz, batch * width);
      // dL/dW[j][i] sums dz[s][j] * x[s][i] over the samples in order: rows of dz
      // and x transposed to (neuron x sample) against each other.
      product(dz, x, gw, width, nIn, batch, "columns", "columns", dzT, xT);
      gb.fill(0);
      for (let s = 0; s < batch; s++) for (let j = 0; j < width; j++) gb[j] = (gb[j] as number) + (dz[s * width + j] as number);
      for (let k = 0; k < gw.length; k++) gw[k] = (gw[k] as number) / batch;
      for (let k = 0; k < gb.length; k++) gb[k] = (gb[k] as number) / batch;
      if (l > 0) {
        // dL/da of the layer below: sum over this layer's neurons in order, along the old weights.
        product(dz, this.weights[l] as Float64Array, this.upstream[l] as Float64Array, batch, nIn, width, "rows", "columns", null, this.weightsT[l] as Float64Array);
      }
    }
    return lossSum / batch;
  }

  /** One SGD step on a batch; returns the mean loss before the update. */
  trainStep(inputs: Float64Array, targets: Float64Array, batch: number, learningRate: number, loss: LossName = "squared-error"): number {
    checkLearningRate(learningRate);
    const value = this.computeGradients(inputs, targets, batch, loss);
    for (let l = 0; l < this.weights.length; l++) {
      sgdKernel(this.weights[l] as Float64Array, this.weightGradients[l] as Float64Array, learningRate);
      sgdKernel(this.biases[l] as Float64Array, this.biasGradients[l] as Float64Array, learningRate);
    }
    return value;
  }

  private reserve(batch: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive whole number, got ${batch}`);
    if (batch <= this.capacity) return;
    // Grow once to the largest batch seen; steps after that allocate nothing.
    this.capacity = batch;
    this.a = this.sizes.map((n) => new Float64Array(batch * n));
    this.upstream = this.sizes.map((n) => new Float64Array(batch * n));
    this.z = this.sizes.slice(1).map((n) => new Float64Array(batch * n));
    this.dz = this.sizes.slice(1).map((n) => new Float64Array(batch * n));
    this.aT = this.sizes.slice(0, -1).map((n) => new Float64Array(batch * n));
    this.dzT = this.sizes.slice(1).map((n) => new Float64Array(batch * n));
  }

  private named(weights: Float64Array[], biases: Float64Array[]): Map<string, number> {
    const description = this.toDescription();
    const values = new Map<string, number>();
    let previous = description.inputs;
    description.layers.forEach((layer, l) => {
      layer.neurons.forEach((neuron, j) => {
        previous.forEach((source, i) => values.set(weightName(neuron.name, source), (weights[l] as Float64Array)[j * previous.length + i] as number));
        values.set(biasName(neuron.name), (biases[l] as Float64Array)[j] as number);
      });
      previous = layer.neurons.map((n) => n.name);
    });
    return values;
  }
}

/**
 * Below this many multiply-adds, copying into WebAssembly memory costs more
 * than SIMD saves (measured: a 3x5x7 product runs 6x slower there), so tiny
 * nets such as the source's 2-2-1 stay in plain JavaScript.
 */
const SIMD_MIN_WORK = 8192;

/**
 * orderedProduct's contract, on whichever kernel is faster for the shape; both
 * give the same bits. An operand in "columns" layout is given transposed; the
 * JavaScript kernel needs it in rows and transposes it into `scratch` first.
 */
function product(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, aLayout: Layout, bLayout: Layout, aScratch: Float64Array | null, bScratch: Float64Array | null): void {
  // Fewer than 4 rows of b would leave most of each 4-wide SIMD block padding.
  if (n >= 4 && m * n * k >= SIMD_MIN_WORK && simdAvailable()) return simdProduct(a, b, c, m, n, k, aLayout, bLayout);
  let aRows = a;
  let bRows = b;
  if (aLayout === "columns") transpose(a, k, m, (aRows = aScratch as Float64Array));
  if (bLayout === "columns") transpose(b, k, n, (bRows = bScratch as Float64Array));
  orderedProduct(aRows, bRows, c, m, n, k);
}

/** z += bias (per neuron), then a = activation(z), over a (batch x width) layer. */
function addBiasAndActivate(activation: Activation, bias: Float64Array, z: Float64Array, a: Float64Array, batch: number, width: number): void {
  // ReLU gets its own loop: deciding the activation once per layer rather than once per number measurably speeds the MLPs up.
  const relu = activation.name === "relu";
  const f = activation.kernel.forward;
  for (let s = 0; s < batch; s++) {
    const row = s * width;
    for (let j = 0; j < width; j++) {
      const sum = (z[row + j] as number) + (bias[j] as number);
      z[row + j] = sum;
      a[row + j] = relu ? (sum > 0 ? sum : 0) : f(sum);
    }
  }
}

/** dz = dL/da * da/dz, element by element. */
function chainThroughActivation(activation: Activation, up: Float64Array, z: Float64Array, a: Float64Array, dz: Float64Array, count: number): void {
  if (activation.name === "relu") {
    for (let k = 0; k < count; k++) dz[k] = (up[k] as number) * ((z[k] as number) > 0 ? 1 : 0);
  } else {
    const derivative = activation.kernel.derivative;
    for (let k = 0; k < count; k++) dz[k] = (up[k] as number) * derivative(z[k] as number, a[k] as number);
  }
}
