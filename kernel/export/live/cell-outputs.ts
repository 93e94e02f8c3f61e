import type { Output } from "../../notebook/nbformat";
import type { WorkerMessage } from "./worker-messages";

/**
 * One cell's outputs as the kernel's runner records them (nbformat), built
 * from the worker's messages: streams of the same name in a row merged, a
 * display update changing every output shown with its id, clear_output
 * honoured (with `wait`, at the next output).
 */
export class CellOutputs {
  readonly outputs: Output[] = [];
  private clearPending = false;
  /** Display ids by output, for updates. */
  private readonly ids = new Map<Output, string>();

  /** Adds what one message says; returns true when the outputs changed. */
  take(message: WorkerMessage): boolean {
    switch (message.kind) {
      case "clear":
        if (message.wait) this.clearPending = true;
        else this.clear();
        return !message.wait;
      case "stream": {
        this.clearIfPending();
        const last = this.outputs[this.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === message.name) last.text = `${String(last.text)}${message.text}`;
        else this.outputs.push({ output_type: "stream", name: message.name, text: message.text });
        return true;
      }
      case "display": {
        if (message.update) {
          for (const [output, id] of this.ids) if (id === message.displayId && output.output_type === "display_data") output.data = message.bundle;
          return true;
        }
        this.clearIfPending();
        const output: Output = { output_type: "display_data", data: message.bundle, metadata: {} };
        this.outputs.push(output);
        if (message.displayId !== undefined) this.ids.set(output, message.displayId);
        return true;
      }
      case "result":
        this.clearIfPending();
        this.outputs.push({ output_type: "execute_result", data: message.bundle, metadata: {}, execution_count: null });
        return true;
      case "error":
        this.clearIfPending();
        this.outputs.push({ output_type: "error", ename: message.ename, evalue: message.evalue, traceback: message.traceback });
        return true;
      case "done":
        return false;
    }
  }

  private clearIfPending(): void {
    if (this.clearPending) this.clear();
  }

  private clear(): void {
    this.outputs.length = 0;
    this.ids.clear();
    this.clearPending = false;
  }
}
