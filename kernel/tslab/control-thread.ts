import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "../wire/connection";

/** What the control thread is given. */
export interface ControlThreadData {
  connection: ConnectionInfo;
  session: string;
  kernelInfo: Record<string, unknown>;
  /** One Int32 shared with the main thread: the number of the cell running now, 0 when none (RunningCell). */
  running: SharedArrayBuffer;
}

/**
 * Which cell the main thread is running, readable from the control thread
 * while the main thread is busy: an interrupt that lands while the cell is
 * still being compiled is raised again until that cell has stopped.
 */
export class RunningCell {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly cell = new Int32Array(this.buffer);
  private counter = 0;

  async during<T>(work: () => Promise<T>): Promise<T> {
    Atomics.store(this.cell, 0, ++this.counter);
    try {
      return await work();
    } finally {
      Atomics.store(this.cell, 0, 0);
    }
  }
}

/** What the control thread tells the main thread. */
export type ControlEvent = { type: "shutdown"; restart: boolean };

/**
 * Starts the thread that serves the control channel and the heartbeat
 * (control-thread-worker.ts), as ipykernel serves them from threads of their
 * own: a cell in a busy loop holds the main thread, and an interrupt or a
 * shutdown must still get through, and the heartbeat must still answer.
 * Resolves once both sockets are bound.
 */
export async function startControlThread(data: ControlThreadData, onShutdown: (event: ControlEvent) => void): Promise<Worker> {
  const worker = new Worker(join(__dirname, "control-thread-worker.js"), { workerData: data });
  // The thread must not keep a kernel alive that has otherwise ended.
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: ControlEvent | "bound") => {
      if (message === "bound") resolve();
      else onShutdown(message);
    });
  });
  worker.on("error", (error) => process.stderr.write(`gradient-lab kernel: the control thread failed: ${error.stack ?? error.message}\n`));
  return worker;
}
