import { TextDecoder } from "node:util";
import type { MessageHeader } from "../wire/message";
import type { Channels } from "./channels";
import { StreamBatch, type StreamName } from "./stream-batching";

/**
 * What a cell's code may ask of the kernel besides printing, found at
 * `globalThis[Symbol.for("gradient-lab.kernel")]` (kernel/display uses it):
 * clear the cell's output, ask the user for input, know whether someone
 * watches its outputs change.
 */
export interface KernelHooks {
  clearOutput(wait: boolean): void;
  /**
   * Whether the running cell's frontend is one a person watches: it takes
   * input (the request's allow_stdin), as JupyterLab, Notebook 7 and VS Code
   * do. Batch runners (nbclient, papermill, nbval, our runner) say it cannot,
   * and keep only a cell's final outputs; nbval does not even apply
   * update_display_data. A live display then shows its final state once.
   */
  watched(): boolean;
  /** Asks the user through the frontend (stdin.ts); fails at once where the request said allow_stdin: false. */
  input(prompt: string, password: boolean): Promise<string>;
}
export const KERNEL_HOOKS = Symbol.for("gradient-lab.kernel");
/**
 * Where gradient-lab/display registers the flush of its throttled live
 * updates (kernel/display/live.ts, FLUSH_DISPLAYS): the kernel calls each
 * after a cell's code is done and before its reply, so the cell ends on its
 * final state.
 */
const FLUSH_DISPLAYS = Symbol.for("gradient-lab.display.flush");

/** Display content as tslab's `lastWriteDisplayData` takes it. */
interface DisplayContent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: Record<string, unknown>;
}

const utf8 = new TextDecoder();

/**
 * Where a cell's output goes: stdout and stderr (every write, batched),
 * displays, clear_output. All of it is published with the execute_request
 * that is running, or, once it is done, with the last one (a timer in a cell
 * still prints to that cell, as in ipykernel). A silent request publishes
 * nothing.
 */
export class CellOutput {
  private parent: Partial<MessageHeader> = {};
  private silent = true;
  private watched = false;
  private readonly stream: StreamBatch;
  /** Where the kernel's own diagnostics go: the process's real stderr, which Jupyter logs. */
  readonly log: (text: string) => void;

  constructor(
    private readonly channels: Channels,
    input: KernelHooks["input"],
  ) {
    this.stream = new StreamBatch((name, text) => void this.publish("stream", { name, text }));
    const stderrWrite = process.stderr.write.bind(process.stderr);
    this.log = (text) => void stderrWrite(`gradient-lab kernel: ${text}\n`);
    process.stdout.write = this.capture("stdout", process.stdout.write.bind(process.stdout));
    process.stderr.write = this.capture("stderr", stderrWrite);
    const hooks: KernelHooks = {
      clearOutput: (wait) => {
        this.stream.flush();
        void this.publish("clear_output", { wait });
      },
      input,
      watched: () => this.watched,
    };
    (globalThis as Record<symbol, unknown>)[KERNEL_HOOKS] = hooks;
  }

  /** From now on output belongs to this request; `watched`: its frontend takes input (see KernelHooks). */
  startCell(parent: MessageHeader, silent: boolean, watched: boolean): void {
    this.stream.flush();
    this.parent = parent;
    this.silent = silent;
    this.watched = watched;
  }

  /**
   * The writer tslab's `display` API and `gradient-lab/display` call (tslab's
   * `lastWriteDisplayData`) for the cell starting now: a new function for each
   * cell, as tslab made one per request (gradient-lab/display tells cells
   * apart by it), which keeps sending as that cell's output when called later.
   */
  displayWriter(): (content: DisplayContent, update: boolean) => void {
    const parent = this.parent;
    const silent = this.silent;
    return (content, update) => {
      this.stream.flush();
      if (silent) return;
      const msgType = update ? "update_display_data" : "display_data";
      void this.channels.publish(parent, msgType, { data: content.data, metadata: content.metadata ?? {}, transient: content.transient ?? {} });
    };
  }

  /** The cell's code is done: held display updates, then pending text, leave before what the kernel sends next. */
  finishCell(): void {
    for (const flush of (globalThis as { [FLUSH_DISPLAYS]?: Set<() => void> })[FLUSH_DISPLAYS] ?? []) {
      try {
        flush();
      } catch (error) {
        this.log(`flushing a live display failed: ${(error as Error).message}`);
      }
    }
    this.stream.flush();
  }

  /** Publishes for the current cell (nothing for a silent one), after any text written before. */
  publish(msgType: string, content: object): Promise<void> {
    if (msgType !== "stream") this.stream.flush();
    if (this.silent) return Promise.resolve();
    return this.channels.publish(this.parent, msgType, content);
  }

  /** Before the first cell (while TypeScript loads) output goes where it would have gone: the kernel's log. */
  private capture(name: StreamName, beforeAnyCell: typeof process.stdout.write) {
    return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      if (this.parent.msg_id === undefined) return beforeAnyCell(chunk as string, encoding as BufferEncoding, callback as () => void);
      this.stream.write(name, typeof chunk === "string" ? chunk : utf8.decode(chunk));
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  }
}
