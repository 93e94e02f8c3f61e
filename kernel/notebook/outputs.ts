import type { JupyterMessage } from "../wire/message";
import { joinText, type Output } from "./nbformat";

/**
 * Turns iopub messages into nbformat outputs, as JupyterLab shows them:
 * consecutive stream chunks of one name merge, update_display_data changes
 * the earlier output with the same display_id (in any cell), and
 * clear_output empties the cell (at the next output when `wait` is set).
 */
export class OutputCollector {
  private readonly byDisplayId = new Map<string, Output[]>();
  private outputs: Output[] = [];
  private clearBeforeNext = false;

  /** Starts collecting for a new cell; returns the array it fills. */
  startCell(): Output[] {
    this.outputs = [];
    this.clearBeforeNext = false;
    return this.outputs;
  }

  add(message: JupyterMessage): void {
    const content = message.content as Record<string, any>;
    switch (message.header.msg_type) {
      case "stream":
        this.push({ output_type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") });
        break;
      case "display_data":
        this.push({ output_type: "display_data", data: content.data ?? {}, metadata: content.metadata ?? {} }, content.transient?.display_id);
        break;
      case "execute_result":
        this.push(
          { output_type: "execute_result", execution_count: content.execution_count ?? null, data: content.data ?? {}, metadata: content.metadata ?? {} },
          content.transient?.display_id,
        );
        break;
      case "error":
        this.push({ output_type: "error", ename: String(content.ename ?? ""), evalue: String(content.evalue ?? ""), traceback: content.traceback ?? [] });
        break;
      case "update_display_data":
        for (const output of this.byDisplayId.get(content.transient?.display_id) ?? []) {
          if (output.output_type === "display_data" || output.output_type === "execute_result") {
            output.data = content.data ?? {};
            output.metadata = content.metadata ?? {};
          }
        }
        break;
      case "clear_output":
        if (content.wait) this.clearBeforeNext = true;
        else this.outputs.splice(0);
        break;
    }
  }

  private push(output: Output, displayId?: unknown): void {
    if (this.clearBeforeNext) {
      this.outputs.splice(0);
      this.clearBeforeNext = false;
    }
    const last = this.outputs[this.outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = joinText(last.text) + joinText(output.text);
      return;
    }
    this.outputs.push(output);
    if (typeof displayId === "string") {
      const list = this.byDisplayId.get(displayId) ?? [];
      list.push(output);
      this.byDisplayId.set(displayId, list);
    }
  }
}
