import { availableParallelism } from "node:os";
import { type Activation, type ActivationName, activationByName } from "../math/activations";
import { type FastBuffers, viewBuffers } from "./buffers";
import { type Epilogues, epiloguesFor } from "./epilogues";
import type { FloatArray } from "../math/float-array";
import { type FastLayout, planLayout } from "./layout";
import { type Phase, runPhase, type StepCommand, type StepContext } from "./batch-step";
import { StepThreads } from "./threads";
import type { Precision } from "./precision";
import { type ProductKernel, productKernel } from "./simd-products";
import { checkOutputActivation, lossByName, type LossName } from "../math/losses";
import { biasName, type NetworkDescription, validateNetwork, weightName } from "../network/description";
import { checkLearningRate } from "../trace/sgd";

export type { Precision } from "./precision";

/** The typed array a network of precision P computes in. */
export type FloatArrayOf<P extends Precision> = P extends "float32" ? Float32Array : Float64Array;

export interface FastOptions<P extends Precision = Precision> {
  /**
   * "float64" (the default) gives the traced path's numbers bit for bit.
   * "float32" computes in single precision with a 4-lane SIMD kernel, about
   * twice as fast, for training runs where speed matters more than agreement
   * to the last bit (see the tests for the tolerance it keeps).
   */
  precision?: P;
  /**
   * Threads a large step is shared over (this one included); "auto" takes
   * every core. A step too small to gain (see THREAD_MIN_WORK) runs on one.
   * The numbers are the same for every thread count.
   */
  threads?: number | "auto";
  /** Multiply-adds per step from which a step is shared between threads (default THREAD_MIN_WORK for the precision, measured on this machine). */
  threadMinWork?: number;
}

/**
 * Multiply-adds per step (batch x the sum of each layer's inputs x outputs)
 * from which two threads beat one; below, waking a worker and waiting for it
 * at each of a step's three phases costs more than it saves. Measured on this
 * machine's 2 cores (bench/threads-threshold.ts, 27 November, quiet, worker
 * warmed up): float64 2-64-64-1 gained 1.88x at batch 64 (2.7e5) and 1.05x
 * at 32; 32-32-32-32-2 1.36x at 32 (1.0e5) and 0.89x at 16. float32 steps
 * are about 2.5x shorter, so the fixed cost weighs more: 2-64-64-1 gained
 * 1.3-1.6x at batch 256 (1.1e6).
 */
export const THREAD_MIN_WORK: Readonly<Record<Precision, number>> = { float64: 250_000, float32: 1_000_000 };

/** Pages of 64 KiB a network's memory may grow to (4 GiB, the WebAssembly limit); a shared memory must declare one. */
const MAXIMUM_PAGES = 65536;

const FORWARD_PHASES: readonly Phase[] = ["pack", "rows"];
const TRAINING_PHASES: readonly Phase[] = ["pack", "rows", "columns"];

/** Ends a forgotten network's worker threads once the network itself is collected. */
const closeForgotten = new FinalizationRegistry<StepThreads>((pool) => pool.close());

/**
 * The fast path: the same dense network and the same arithmetic as the
 * traced path, in the same order (so, in float64, the same numbers), a whole
 * batch at a time, with no allocation once the buffers exist. Every buffer
 * lives in one WebAssembly memory (see layout.ts), where the SIMD
 * kernel and any worker threads read it in place. Layer l's weights are a
 * row-major (outputs x inputs) matrix.
 */
export class FastNetwork<P extends Precision = "float64"> {
  readonly weights: FloatArrayOf<P>[] = [];
  readonly biases: FloatArrayOf<P>[] = [];
  readonly weightGradients: FloatArrayOf<P>[] = [];
  readonly biasGradients: FloatArrayOf<P>[] = [];
  readonly precision: P;
  /** The most threads a step may use. */
  readonly threads: number;
  private readonly threadMinWork: number;
  /** Forward multiply-adds per sample (the sum of each layer's inputs x outputs): with the batch, what decides the threads. */
  private readonly workPerSample: number;
  // Looked up once: an unknown name fails here, in the constructor, not in the middle of training.
  private readonly activationRecords: readonly Activation[];
  private readonly memory: WebAssembly.Memory | null;
  private readonly kernel: ProductKernel | null;
  private readonly epilogues: Epilogues | null;
  private heap: ArrayBuffer | SharedArrayBuffer;
  private layout: FastLayout;
  private buffers: FastBuffers;
  private pool: StepThreads | null = null;
  private readonly command: StepCommand = { batch: 0, parts: 1, loss: "squared-error", learningRate: 0, forwardOnly: false };
  private context: StepContext;
  private stepThreads = 1;

  constructor(
    readonly sizes: readonly number[],
    readonly activations: readonly ActivationName[],
    readonly names?: { inputs: string[]; neurons: string[][]; name?: string },
    options: FastOptions<P> = {},
  ) {
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`FastNetwork: sizes must be at least two positive whole numbers, got [${sizes.join(", ")}]`);
    if (activations.length !== sizes.length - 1) throw new Error(`FastNetwork: expected ${sizes.length - 1} activations (one per layer), got ${activations.length}`);
    const precision = options.precision ?? "float64";
    if (precision !== "float64" && precision !== "float32") throw new Error(`FastNetwork: precision must be "float64" or "float32", got ${JSON.stringify(precision)}`);
    this.precision = precision as P;
    this.threads = threadCount(options.threads);
    this.threadMinWork = options.threadMinWork ?? THREAD_MIN_WORK[precision];
    if (!(this.threadMinWork >= 0)) throw new Error(`FastNetwork: threadMinWork must be a number of multiply-adds, 0 or more, got ${options.threadMinWork}`);
    this.activationRecords = activations.map((name) => activationByName(name));
    this.workPerSample = sizes.slice(1).reduce((sum, out, l) => sum + out * (sizes[l] as number), 0);
    this.memory = typeof WebAssembly === "object" ? new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true }) : null;
    this.kernel = this.memory === null ? null : productKernel(precision, this.memory);
    this.epilogues = this.memory === null || this.kernel === null ? null : epiloguesFor(precision, this.memory);
    this.heap = this.memory?.buffer ?? new ArrayBuffer(0);
    this.layout = this.plan(1);
    this.buffers = this.place(this.layout);
    this.context = this.contextFor(this.buffers);
  }

  /** How many threads the last forward pass or step ran on (1 below the size that gains from more). */
  get lastStepThreads(): number {
    return this.stepThreads;
  }

  /** Ends the worker threads, if any (a step after this starts new ones). Safe to call twice. */
  close(): void {
    if (this.pool === null) return;
    closeForgotten.unregister(this);
    this.pool.close();
    this.pool = null;
  }

  /** From a fully connected description with one activation per layer; anything else is an error naming the neuron. */
  static fromDescription<P extends Precision = "float64">(description: NetworkDescription, options: FastOptions<P> = {}): FastNetwork<P> {
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
      options,
    );
    network.layers.forEach((layer, l) => {
      const w = fast.weights[l] as FloatArray;
      const b = fast.biases[l] as FloatArray;
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
        const w = this.weights[l] as FloatArray;
        const sources = previous;
        previous = layer;
        return {
          activation: this.activations[l],
          neurons: layer.map((name, j) => ({
            name,
            weights: Object.fromEntries(sources.map((source, i) => [source, w[j * sources.length + i] as number])),
            bias: (this.biases[l] as FloatArray)[j] as number,
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
  forward(inputs: ArrayLike<number>, batch: number): FloatArrayOf<P> {
    this.load(inputs, null, batch);
    this.step(batch, "squared-error", 0, FORWARD_PHASES);
    const L = this.sizes.length - 1;
    return (this.buffers.activations[L] as FloatArrayOf<P>).subarray(0, batch * (this.sizes[L] as number)) as FloatArrayOf<P>;
  }

  /**
   * Forward and backward over a batch: fills weightGradients and biasGradients
   * with the gradient of the mean loss, and returns that mean loss.
   */
  computeGradients(inputs: ArrayLike<number>, targets: ArrayLike<number>, batch: number, loss: LossName = "squared-error"): number {
    return this.train(inputs, targets, batch, 0, loss);
  }

  /** One SGD step on a batch; returns the mean loss before the update. */
  trainStep(inputs: ArrayLike<number>, targets: ArrayLike<number>, batch: number, learningRate: number, loss: LossName = "squared-error"): number {
    checkLearningRate(learningRate);
    return this.train(inputs, targets, batch, learningRate, loss);
  }

  private train(inputs: ArrayLike<number>, targets: ArrayLike<number>, batch: number, learningRate: number, loss: LossName): number {
    const logitsForm = lossByName(loss).fromLogits;
    const L = this.sizes.length - 1;
    if (logitsForm !== undefined && this.activations[L - 1] !== logitsForm.activation) {
      const names = this.names?.neurons[L - 1] ?? [];
      checkOutputActivation(loss, logitsForm.activation, Array.from({ length: this.sizes[L] as number }, (_, j) => ({ name: names[j] ?? `output ${j + 1}`, activation: this.activations[L - 1] as string })));
    }
    this.load(inputs, targets, batch);
    this.buffers.constants[0] = batch;
    this.buffers.constants[1] = learningRate;
    // The parameters change in the "columns" phase, after every read of the old ones (they were packed in "pack").
    this.step(batch, loss, learningRate, TRAINING_PHASES);
    let lossSum = 0;
    const sampleLoss = this.buffers.sampleLoss;
    for (let s = 0; s < batch; s++) lossSum += sampleLoss[s] as number;
    return lossSum / batch;
  }

  private step(batch: number, loss: LossName, learningRate: number, phases: readonly Phase[]): void {
    // One command and one context, filled in again each step: the source's 2-2-1 net takes millions of steps a second, and garbage would cost it a tenth of them.
    const command = this.command;
    command.batch = batch;
    command.parts = this.partsFor(batch);
    command.loss = loss;
    command.learningRate = learningRate;
    command.forwardOnly = phases === FORWARD_PHASES;
    const context = this.context;
    this.stepThreads = command.parts;
    if (command.parts === 1) {
      for (const phase of phases) runPhase(context, phase, command, 0);
      return;
    }
    if (this.pool === null) {
      this.pool = new StepThreads(this.threads, this.memory as WebAssembly.Memory, this.layout, this.activations);
      closeForgotten.register(this, this.pool, this);
    }
    for (const phase of phases) this.pool.run(context, phase, command);
  }

  /** Threads for a step of this batch: all of them once the work is large enough to gain, else one. */
  private partsFor(batch: number): number {
    if (this.threads === 1 || this.memory === null) return 1;
    return batch * this.workPerSample >= this.threadMinWork && batch >= 2 * this.layout.blockRows ? this.threads : 1;
  }

  /** Copies a batch into the network's memory, growing it to the largest batch seen (steps after that allocate nothing). */
  private load(inputs: ArrayLike<number>, targets: ArrayLike<number> | null, batch: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive whole number, got ${batch}`);
    if (batch > this.layout.capacity) {
      this.close();
      this.layout = this.plan(batch);
      this.buffers = this.place(this.layout);
      this.context = this.contextFor(this.buffers);
    }
    const width0 = this.sizes[0] as number;
    if (inputs.length < batch * width0) throw new Error(`forward: inputs hold ${inputs.length} numbers, a batch of ${batch} needs ${batch * width0}`);
    const a0 = this.buffers.activations[0] as FloatArray;
    for (let k = 0; k < batch * width0; k++) {
      const x = inputs[k] as number;
      if (!Number.isFinite(x)) throw new Error(`forward: input ${k % width0} of sample ${Math.floor(k / width0)} is ${x}`);
      a0[k] = x;
    }
    if (targets === null) return;
    const nOut = this.sizes[this.sizes.length - 1] as number;
    if (targets.length < batch * nOut) throw new Error(`computeGradients: targets hold ${targets.length} numbers, a batch of ${batch} needs ${batch * nOut}`);
    const into = this.buffers.targets;
    for (let k = 0; k < batch * nOut; k++) into[k] = targets[k] as number;
  }

  private contextFor(buffers: FastBuffers): StepContext {
    return { layout: this.layout, buffers, kernel: this.kernel, epilogues: this.epilogues, activations: this.activationRecords };
  }

  private plan(capacity: number): FastLayout {
    return planLayout(this.precision, this.sizes, capacity, this.threads, this.kernel?.blockRows ?? 1, this.kernel?.blockColumns ?? 1);
  }

  /**
   * Makes room for a layout and views on it. The parameters come first in
   * every layout of this network, so they keep their place (and values)
   * when the batch buffers grow; a shared memory grows without moving, so
   * views handed out earlier stay valid too.
   */
  private place(layout: FastLayout): FastBuffers {
    if (this.memory !== null) {
      const have = this.memory.buffer.byteLength;
      if (have < layout.end) this.memory.grow(Math.ceil((layout.end - have) / 65536));
      this.heap = this.memory.buffer;
    } else if (this.heap.byteLength < layout.end) {
      const larger = new ArrayBuffer(layout.end);
      new Uint8Array(larger).set(new Uint8Array(this.heap));
      this.heap = larger;
    }
    const buffers = viewBuffers(this.heap, layout);
    const replace = <T>(into: T[], from: readonly FloatArray[]) => into.splice(0, into.length, ...(from as unknown as T[]));
    replace(this.weights, buffers.weights);
    replace(this.biases, buffers.biases);
    replace(this.weightGradients, buffers.weightGradients);
    replace(this.biasGradients, buffers.biasGradients);
    return buffers;
  }

  private named(weights: readonly FloatArray[], biases: readonly FloatArray[]): Map<string, number> {
    const description = this.toDescription();
    const values = new Map<string, number>();
    let previous = description.inputs;
    description.layers.forEach((layer, l) => {
      layer.neurons.forEach((neuron, j) => {
        previous.forEach((source, i) => values.set(weightName(neuron.name, source), (weights[l] as FloatArray)[j * previous.length + i] as number));
        values.set(biasName(neuron.name), (biases[l] as FloatArray)[j] as number);
      });
      previous = layer.neurons.map((n) => n.name);
    });
    return values;
  }
}

function threadCount(threads: number | "auto" | undefined): number {
  if (threads === undefined) return 1;
  if (threads === "auto") return availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new Error(`FastNetwork: threads must be a whole number from 1 to 256 or "auto", got ${JSON.stringify(threads)}`);
  return threads;
}
