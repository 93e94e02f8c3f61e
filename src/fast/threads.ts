import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import type { ActivationName } from "../math/activations";
import type { FastLayout } from "./layout";
import { type Phase, runPhase, type StepContext } from "./batch-step";
import { StepCommand } from "./step-command";

/**
 * Worker threads that share a step with the calling thread. Everything
 * lives in one shared memory, so a phase is started by writing it into a
 * small shared control block and bumping a generation counter. The phase is
 * cut into slices (batch-step.ts), and every thread, the caller included,
 * takes the next slice left until none is: a worker that the system wakes
 * late, or runs on a busy core, takes fewer slices instead of holding the
 * others up, and at worst the caller does the whole phase. The caller then
 * blocks (Atomics.wait) until every slice is done, which keeps trainStep
 * synchronous. Waiting spins first: a phase often ends within microseconds,
 * far sooner than a sleeping thread wakes.
 */

// Slots of the control block (Int32Array), then an error message. The step's command has its own shared memory (StepCommand).
const SLOT = { generation: 0, finished: 1, phase: 2, ready: 3, failed: 4, slices: 5, workersAsleep: 6, callerAsleep: 7 } as const;
const MESSAGE_BYTE = 64;
const MESSAGE_BYTES = 1024;
/** Then one Int32 per slice: the generation of the phase that took it last (a slice is free to a phase whose generation is newer). */
const TAKEN_BYTE = MESSAGE_BYTE + MESSAGE_BYTES;
const MAX_THREADS = 256;

const phases: readonly Phase[] = ["pack", "rows", "columns"];
/**
 * Slices per thread in a phase: a large one and a small one (see share in
 * layout.ts), so a thread that starts late still finds work, and each
 * slice re-reads little: a slice of the columns phase reads all of the
 * batch's dL/dz (512 KB in W2's float64), and four slices a thread measured
 * 5-8% slower than fixed halves there.
 */
const SLICES_PER_THREAD = 2;
/**
 * Spins of Atomics.load before sleeping: about 20 microseconds here. Longer
 * buys nothing between a training loop's steps, where the next phase starts
 * within microseconds (the batch is copied in while the workers pack), and
 * costs on a busy machine: the scheduler runs a thread that slept sooner
 * than one that spun (measured: a worker spinning ten times longer took
 * under 20% of the slices in most steps).
 */
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

/** The slices a phase is cut into for `parts` threads. */
export const slicesFor = (parts: number): number => (parts === 1 ? 1 : SLICES_PER_THREAD * parts);

const CONTROL_BYTES = TAKEN_BYTE + 4 * slicesFor(MAX_THREADS);

export class StepThreads {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly slots = new Int32Array(this.control, 0, 16);
  private readonly taken = new Int32Array(this.control, TAKEN_BYTE);
  private readonly workers: Worker[] = [];
  private started = false;
  /** The phase started last, its generation and its slices. */
  private phase: Phase = "pack";
  private generation = 0;
  private slices = 1;

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

  /** Runs one phase on every thread, this one taking slices too; returns when all slices are done. */
  run(context: StepContext, phase: Phase): void {
    this.start(phase);
    this.finish(context);
  }

  /** Starts a phase on the workers and returns at once, so this thread can do other work first; finish() then takes slices and waits for the rest. */
  start(phase: Phase): void {
    if (!this.started) this.awaitStart();
    const slots = this.slots;
    this.phase = phase;
    this.slices = slicesFor(this.command.parts);
    // Compared by their difference (see take), so the count may wrap round.
    this.generation = (Atomics.load(slots, SLOT.generation) + 1) | 0;
    slots[SLOT.phase] = phases.indexOf(phase);
    slots[SLOT.slices] = this.slices;
    Atomics.store(slots, SLOT.finished, 0);
    Atomics.store(slots, SLOT.generation, this.generation);
    wake(slots, SLOT.generation, SLOT.workersAsleep);
  }

  /** Takes slices of the started phase until none is left, then waits for the workers' last ones. */
  finish(context: StepContext): void {
    const { slots, taken, generation, slices, phase } = this;
    let failure: unknown;
    try {
      for (let slice = claim(taken, generation, slices, 0); slice >= 0; slice = claim(taken, generation, slices, 0)) {
        runPhase(context, phase, this.command, 0, slice, slices);
        Atomics.add(slots, SLOT.finished, 1);
      }
    } catch (error) {
      failure = error;
    }
    // Even when a slice failed here, the workers may still be writing: wait for their slices (and give up the ones nobody took) before anything reuses the buffers.
    if (failure !== undefined) while (claim(taken, generation, slices, 0) >= 0) Atomics.add(slots, SLOT.finished, 1);
    waitUntil(slots, SLOT.finished, slices - (failure !== undefined ? 1 : 0), Number.POSITIVE_INFINITY, SPINS);
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
    if (!waitUntil(this.slots, SLOT.ready, this.workers.length, START_TIMEOUT_MS, SPINS)) {
      this.close();
      throw new Error(`fast path: ${this.threads - 1} worker thread(s) did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    this.started = true;
  }
}

/**
 * The next slice of this generation's phase for thread `thread`, or -1 when
 * all are taken. A thread tries its own large slice first (share in
 * layout.ts: the first half of the slices are large, one per thread), so on
 * an idle machine each thread keeps the same rows and columns step after
 * step, in its own cache, rather than taking over the other's; then the
 * small slices, then another thread's large one if it is still there. A
 * thread that read an old phase finds every slice taken in that phase.
 */
function claim(taken: Int32Array, generation: number, slices: number, thread: number): number {
  const large = Math.ceil(slices / 2);
  const own = thread < large ? thread : -1;
  if (own >= 0 && take(taken, own, generation)) return own;
  for (let slice = large; slice < slices; slice++) if (take(taken, slice, generation)) return slice;
  for (let slice = 0; slice < large; slice++) if (slice !== own && take(taken, slice, generation)) return slice;
  return -1;
}

/**
 * Marks a slice taken in this generation; false when a thread took it in
 * this generation or a later one. "Later", not just "other": a worker that
 * read an old generation must not take back a slice of the next phase.
 */
function take(taken: Int32Array, slice: number, generation: number): boolean {
  const was = Atomics.load(taken, slice);
  return ((generation - was) | 0) > 0 && Atomics.compareExchange(taken, slice, was, generation) === was;
}

/** Blocks until slot `index` reaches `target`: spins first, then sleeps on it. False when `timeoutMs` ran out. */
function waitUntil(slots: Int32Array, index: number, target: number, timeoutMs: number, spinsFirst: number): boolean {
  const deadline = Date.now() + timeoutMs;
  let spins = 0;
  for (;;) {
    const value = Atomics.load(slots, index);
    if (value >= target) return true;
    if (++spins < spinsFirst) continue;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    sleep(slots, index, value, SLOT.callerAsleep, Math.min(left, 1000));
  }
}

/**
 * Atomics.wait on slot `index` while it holds `value`, counted in slot
 * `asleep` so that wake() calls Atomics.notify only when someone sleeps:
 * measured here, a notify on every phase took a third of the caller's time
 * on a busy machine. No wake-up is lost: a sleeper counts itself before it
 * checks the value, and a waker changes the value before it reads the count.
 */
function sleep(slots: Int32Array, index: number, value: number, asleep: number, timeoutMs?: number): void {
  Atomics.add(slots, asleep, 1);
  Atomics.wait(slots, index, value, timeoutMs);
  Atomics.sub(slots, asleep, 1);
}

/** Wakes whoever sleeps on slot `index` (after the caller changed it), if anyone does. */
function wake(slots: Int32Array, index: number, asleep: number): void {
  if (Atomics.load(slots, asleep) > 0) Atomics.notify(slots, index);
}

/** The body of a worker thread: take slices of every phase the caller starts, forever (until terminated). */
export function serveSteps(setup: WorkerSetup, context: StepContext): void {
  const slots = new Int32Array(setup.control, 0, 16);
  const taken = new Int32Array(setup.control, TAKEN_BYTE);
  const command = new StepCommand(setup.command);
  let seen = Atomics.load(slots, SLOT.generation);
  Atomics.add(slots, SLOT.ready, 1);
  Atomics.notify(slots, SLOT.ready);
  for (;;) {
    let spins = 0;
    while (Atomics.load(slots, SLOT.generation) === seen) {
      if (++spins > SPINS) sleep(slots, SLOT.generation, seen, SLOT.workersAsleep);
    }
    seen = Atomics.load(slots, SLOT.generation);
    if (setup.part >= command.parts) continue;
    const phase = phases[slots[SLOT.phase] as number] as Phase;
    const slices = slots[SLOT.slices] as number;
    for (let slice = claim(taken, seen, slices, setup.part); slice >= 0; slice = claim(taken, seen, slices, setup.part)) {
      try {
        runPhase(context, phase, command, setup.part, slice, slices);
      } catch (error) {
        const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).slice(0, MESSAGE_BYTES);
        const into = new Uint8Array(setup.control, MESSAGE_BYTE, MESSAGE_BYTES);
        into.fill(0);
        into.set(text);
        Atomics.store(slots, SLOT.failed, 1);
      }
      Atomics.add(slots, SLOT.finished, 1);
      wake(slots, SLOT.finished, SLOT.callerAsleep);
    }
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
