import { availableParallelism } from "node:os";
import { type Activation, type ActivationName, activationByName } from "../math/activations";
import { copyInputs } from "./batch-input";
import { type FastBuffers, viewBuffers } from "./buffers";
import { type Epilogues, epiloguesFor } from "./epilogues";
import type { FloatArray } from "../math/float-array";
import { type FastLayout, planLayout } from "./layout";
import { activationLoop, type Phase, runPhase, type StepContext, stepContext } from "./batch-step";
import { SCALAR_MAX_WORK, scalarStep, scalarStepFits } from "./scalar-step";
import { StepCommand } from "./step-command";
import { StepThreads } from "./threads";
import { type Precision, PRECISION_FORMS } from "./precision";
import { type ProductKernel, productKernel } from "./simd-products";
import { checkOutputActivation, type Loss, lossByName, type LossName, losses } from "../math/losses";
import { type NetworkDescription, validateNetwork } from "../network/description";
import { describe, fastShape, loadParameters, type NeuronNames, namedValues } from "./descriptions";
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
  /** Multiply-adds per step up to which a step on one thread runs as plain loops, not in phases (default SCALAR_MAX_WORK, measured on this machine; the numbers are the same either way). */
  scalarMaxWork?: number;
}

/**
 * Multiply-adds per step (batch x the sum of each layer's inputs x outputs)
 * from which two threads beat one, per precision (measured: see precision.ts).
 */
export const THREAD_MIN_WORK: Readonly<Record<Precision, number>> = {
  float64: PRECISION_FORMS.float64.threadMinWork,
  float32: PRECISION_FORMS.float32.threadMinWork,
};

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
  private readonly scalarMaxWork: number;
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
  private readonly command = new StepCommand();
  private context: StepContext;
  private stepThreads = 1;
  private scalarCheckedBatch = 0;
  private scalarFitsChecked = false;

  constructor(
    readonly sizes: readonly number[],
    readonly activations: readonly ActivationName[],
    readonly names?: NeuronNames,
    options: FastOptions<P> = {},
  ) {
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0))
      throw new Error(`FastNetwork: sizes must be at least two positive whole numbers, got [${sizes.join(", ")}]`);
    if (activations.length !== sizes.length - 1)
      throw new Error(`FastNetwork: expected ${sizes.length - 1} activations (one per layer), got ${activations.length}`);
    const precision = options.precision ?? "float64";
    if (precision !== "float64" && precision !== "float32")
      throw new Error(`FastNetwork: precision must be "float64" or "float32", got ${JSON.stringify(precision)}`);
    this.precision = precision as P;
    this.threads = threadCount(options.threads);
    this.threadMinWork = options.threadMinWork ?? THREAD_MIN_WORK[precision];
    if (!(this.threadMinWork >= 0)) throw new Error(`FastNetwork: threadMinWork must be a number of multiply-adds, 0 or more, got ${options.threadMinWork}`);
    this.scalarMaxWork = options.scalarMaxWork ?? SCALAR_MAX_WORK;
    if (!(this.scalarMaxWork >= 0)) throw new Error(`FastNetwork: scalarMaxWork must be a number of multiply-adds, 0 or more, got ${options.scalarMaxWork}`);
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
    const { sizes, activations, names } = fastShape(network);
    const fast = new FastNetwork(sizes, activations, names, options);
    loadParameters(network, fast.weights, fast.biases);
    return fast;
  }

  toDescription(): NetworkDescription {
    return describe(this.sizes, this.activations, this.names, this.weights, this.biases);
  }

  /** Every parameter by the traced path's names (W31, b3, ...), for comparisons and printing. */
  parameters(): Map<string, number> {
    return namedValues(this.toDescription(), this.weights, this.biases);
  }

  gradients(): Map<string, number> {
    return namedValues(this.toDescription(), this.weightGradients, this.biasGradients);
  }

  /** Per layer, where its activation runs on a batch of this size: "simd", or "javascript: " and why. */
  activationLoops(batch: number): string[] {
    return this.activationRecords.map((activation, l) => activationLoop(this.context, activation, this.sizes[l + 1] as number, batch));
  }

  /** The outputs for a batch (batch x outputs), as a view into an internal buffer that the next call overwrites. */
  forward(inputs: ArrayLike<number>, batch: number): FloatArrayOf<P> {
    this.step(batch, losses["squared-error"], 0, FORWARD_PHASES, inputs, null);
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
    const record = lossByName(loss);
    const logitsForm = record.fromLogits;
    const L = this.sizes.length - 1;
    if (logitsForm !== undefined && this.activations[L - 1] !== logitsForm.activation) {
      const names = this.names?.neurons[L - 1] ?? [];
      checkOutputActivation(
        loss,
        logitsForm.activation,
        Array.from({ length: this.sizes[L] as number }, (_, j) => ({ name: names[j] ?? `output ${j + 1}`, activation: this.activations[L - 1] as string })),
      );
    }
    // The parameters change in the "columns" phase, after every read of the old ones (they were packed in "pack").
    this.step(batch, record, learningRate, TRAINING_PHASES, inputs, targets);
    let lossSum = 0;
    const sampleLoss = this.buffers.sampleLoss;
    for (let s = 0; s < batch; s++) lossSum += sampleLoss[s] as number;
    return lossSum / batch;
  }

  /** Copies the batch in and runs the step: the scalar step, or the phases (the first being "pack"). */
  private step(batch: number, loss: Loss, learningRate: number, phases: readonly Phase[], inputs: ArrayLike<number>, targets: ArrayLike<number> | null): void {
    this.makeRoom(batch);
    const parts = this.partsFor(batch);
    this.stepThreads = parts;
    // A net too small for SIMD (the source's 2-2-1) takes millions of steps a second: the phases' shares and choices would cost more than its arithmetic.
    if (parts === 1 && this.scalarStepFits(batch)) {
      this.load(inputs, targets, batch);
      scalarStep(this.context, batch, loss, learningRate, phases === FORWARD_PHASES);
      return;
    }
    // One command and one context, filled in again each step, so a step leaves no garbage.
    const command = this.command;
    command.batch = batch;
    command.parts = parts;
    command.loss = loss.name;
    command.learningRate = learningRate;
    command.forwardOnly = phases === FORWARD_PHASES;
    const context = this.context;
    if (parts === 1) {
      this.load(inputs, targets, batch);
      for (const phase of phases) runPhase(context, phase, command, 0);
      return;
    }
    if (this.pool === null) {
      this.pool = new StepThreads(this.threads, this.memory as WebAssembly.Memory, this.layout, this.activations, this.command);
      closeForgotten.register(this, this.pool, this);
    }
    // Packing reads no input: the workers pack while this thread copies the batch in (all of it its own work), then it packs with them.
    const pool = this.pool;
    pool.start(phases[0] as Phase);
    try {
      this.load(inputs, targets, batch);
    } finally {
      pool.finish(context);
    }
    for (let p = 1; p < phases.length; p++) pool.run(context, phases[p] as Phase);
  }

  /** Whether a step of this batch stays in JavaScript throughout, so scalar-step.ts may run it (asked again only when the batch changes). */
  private scalarStepFits(batch: number): boolean {
    if (batch !== this.scalarCheckedBatch) {
      this.scalarCheckedBatch = batch;
      this.scalarFitsChecked = scalarStepFits(this.context, batch, this.scalarMaxWork);
    }
    return this.scalarFitsChecked;
  }

  /** Threads for a step of this batch: all of them once the work is large enough to gain, else one. */
  private partsFor(batch: number): number {
    if (this.threads === 1 || this.memory === null) return 1;
    return batch * this.workPerSample >= this.threadMinWork && batch >= 2 * this.layout.blockRows ? this.threads : 1;
  }

  /** Grows the network's memory to the largest batch seen (steps after that allocate nothing); before a step's threads start, since it ends them. */
  private makeRoom(batch: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive whole number, got ${batch}`);
    if (batch > this.layout.capacity) {
      this.close();
      this.layout = this.plan(batch);
      this.buffers = this.place(this.layout);
      this.context = this.contextFor(this.buffers);
    }
  }

  /** Copies a batch into the network's memory (made room for by makeRoom). */
  private load(inputs: ArrayLike<number>, targets: ArrayLike<number> | null, batch: number): void {
    copyInputs(inputs, this.buffers.activations[0] as FloatArray, this.buffers.inputStaging, batch, this.sizes[0] as number, this.epilogues);
    if (targets === null) return;
    const nOut = this.sizes[this.sizes.length - 1] as number;
    if (targets.length < batch * nOut) throw new Error(`computeGradients: targets hold ${targets.length} numbers, a batch of ${batch} needs ${batch * nOut}`);
    const into = this.buffers.targets;
    for (let k = 0; k < batch * nOut; k++) into[k] = targets[k] as number;
  }

  private contextFor(buffers: FastBuffers): StepContext {
    return stepContext(this.layout, buffers, this.kernel, this.epilogues, this.activationRecords);
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
}

function threadCount(threads: number | "auto" | undefined): number {
  if (threads === undefined) return 1;
  if (threads === "auto") return availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new Error(`FastNetwork: threads must be a whole number from 1 to 256 or "auto", got ${JSON.stringify(threads)}`);
  return threads;
}
