import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import type { ActivationName } from "../math/activations";
import type { FastLayout } from "./layout";
import { type Phase, runPhase, type StepContext } from "./batch-step";
import { StepCommand } from "./step-command";

/**
 * Worker threads that share a step with the calling thread. Everything
 * lives in one shared memory, so a phase is started by writing a command
 * into a small shared control block and bumping a counter; each worker does
 * its part and bumps another. The caller blocks (Atomics.wait) until all are
 * done, which keeps trainStep synchronous. Waiting spins briefly first: a
 * phase often ends within microseconds, far sooner than a sleeping thread wakes.
 */

// Slots of the control block (Int32Array), then an error message. The step's command has its own shared memory (StepCommand).
const SLOT = { generation: 0, done: 1, phase: 2, ready: 3, failed: 4 } as const;
const MESSAGE_BYTE = 64;
const MESSAGE_BYTES = 1024;
const CONTROL_BYTES = MESSAGE_BYTE + MESSAGE_BYTES;

const phases: readonly Phase[] = ["pack", "rows", "columns"];
/** Spins of Atomics.load before sleeping: about 20 microseconds here. */
const SPINS = 20000;
/** A worker that has not started within this long is reported, not waited on forever. */
const START_TIMEOUT_MS = 30000;

export interface WorkerSetup {
  memory: WebAssembly.Memory;
  layout: FastLayout;
  activations: readonly ActivationName[];
  control: SharedArrayBuffer;
  /** The StepCommand's memory, which the caller writes before each phase. */
  command: SharedArrayBuffer;
  part: number;
}

export class StepThreads {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly slots = new Int32Array(this.control, 0, 16);
  private readonly workers: Worker[] = [];
  private started = false;

  /** `threads` counts the caller: 2 means one worker. Every phase runs `command`, which the caller fills in before each step. */
  constructor(
    readonly threads: number,
    memory: WebAssembly.Memory,
    layout: FastLayout,
    activations: readonly ActivationName[],
    private readonly command: StepCommand,
  ) {
    const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
    const script = workerScript();
    for (let part = 1; part < threads; part++) {
      const setup: WorkerSetup = { memory, layout, activations, control: this.control, command: command.memory, part };
      const worker = new Worker(script, { workerData: setup });
      // A network nobody closes must not keep the process (or a notebook's kernel) from exiting.
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Runs one phase on every thread, this one doing part 0; returns when all parts are done. */
  run(context: StepContext, phase: Phase): void {
    if (!this.started) this.awaitStart();
    const slots = this.slots;
    slots[SLOT.phase] = phases.indexOf(phase);
    Atomics.store(slots, SLOT.done, 0);
    Atomics.add(slots, SLOT.generation, 1);
    Atomics.notify(slots, SLOT.generation);
    let failure: unknown;
    try {
      runPhase(context, phase, this.command, 0);
    } catch (error) {
      failure = error;
    }
    // Even when this part failed, the workers are still writing: wait for them before anything reuses the buffers.
    waitUntil(slots, SLOT.done, this.workers.length, Number.POSITIVE_INFINITY);
    if (failure !== undefined) throw failure;
    if (Atomics.load(slots, SLOT.failed) !== 0) {
      const message = new TextDecoder().decode(new Uint8Array(this.control, MESSAGE_BYTE, MESSAGE_BYTES).slice()).replace(/\0+$/, "");
      Atomics.store(slots, SLOT.failed, 0);
      throw new Error(`fast path worker thread: ${message}`);
    }
  }

  close(): void {
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }

  private awaitStart(): void {
    if (!waitUntil(this.slots, SLOT.ready, this.workers.length, START_TIMEOUT_MS)) {
      this.close();
      throw new Error(`fast path: ${this.threads - 1} worker thread(s) did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    this.started = true;
  }
}

/** Blocks until slot `index` reaches `target`: spins first, then sleeps on it. False when `timeoutMs` ran out. */
function waitUntil(slots: Int32Array, index: number, target: number, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  let spins = 0;
  for (;;) {
    const value = Atomics.load(slots, index);
    if (value >= target) return true;
    if (++spins < SPINS) continue;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(slots, index, value, Math.min(left, 1000));
  }
}

/** The body of a worker thread: do this part of every phase the caller starts, forever (until terminated). */
export function serveSteps(setup: WorkerSetup, context: StepContext): void {
  const slots = new Int32Array(setup.control, 0, 16);
  const command = new StepCommand(setup.command);
  let seen = Atomics.load(slots, SLOT.generation);
  Atomics.add(slots, SLOT.ready, 1);
  Atomics.notify(slots, SLOT.ready);
  for (;;) {
    let spins = 0;
    while (Atomics.load(slots, SLOT.generation) === seen) {
      if (++spins > SPINS) Atomics.wait(slots, SLOT.generation, seen);
    }
    seen = Atomics.load(slots, SLOT.generation);
    try {
      if (setup.part < command.parts) runPhase(context, phases[slots[SLOT.phase] as number] as Phase, command, setup.part);
    } catch (error) {
      const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).slice(0, MESSAGE_BYTES);
      const into = new Uint8Array(setup.control, MESSAGE_BYTE, MESSAGE_BYTES);
      into.fill(0);
      into.set(text);
      Atomics.store(slots, SLOT.failed, 1);
    }
    Atomics.add(slots, SLOT.done, 1);
    Atomics.notify(slots, SLOT.done);
  }
}

/**
 * The worker's script, compiled JavaScript either way: beside this file in
 * the build, or in dist/ when this file runs from its TypeScript source
 * (vitest), since a worker thread cannot load TypeScript.
 */
function workerScript(): string {
  const beside = join(__dirname, "worker.js");
  if (existsSync(beside)) return beside;
  const built = join(__dirname, "..", "..", "dist", "src", "fast", "worker.js");
  if (existsSync(built)) return built;
  throw new Error(`fast path: no compiled worker script at ${beside} or ${built}; run npm run build`);
}
