import WebSocket from "ws";
import type { Output } from "../../kernel/notebook/nbformat";
import { OutputCollector } from "../../kernel/notebook/outputs";
import { newMessage, type JupyterMessage } from "../../kernel/wire/message";

/** What one executed cell gave: its outputs (as our runner stores them) and the reply's status. */
export interface CellRun {
  outputs: Output[];
  status: string;
}

/**
 * A kernel behind a Jupyter server, reached as a browser reaches it: the
 * server's websocket (`/api/kernels/<id>/channels`, the JSON protocol), one
 * cell at a time. Outputs become nbformat outputs through the runner's own
 * OutputCollector, so they compare with the stored ones as the harness does.
 */
export class KernelWebSocket {
  private readonly collector = new OutputCollector();
  private readonly session = `learner-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private pending: { msgId: string; outputs: Output[]; reply?: string; idle: boolean; done(run: CellRun): void } | undefined;
  /** When the first output of any cell arrived (performance.now()), if one has. */
  firstOutputAt: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.receive(JSON.parse(String(data)) as JupyterMessage & { channel: string }));
  }

  static open(url: string, headers: Record<string, string>): Promise<KernelWebSocket> {
    return new Promise((opened, failed) => {
      const socket = new WebSocket(url, { headers });
      socket.once("open", () => opened(new KernelWebSocket(socket)));
      socket.once("error", failed);
      socket.once("unexpected-response", (_request, response) => failed(new Error(`${url}: HTTP ${response.statusCode} instead of a websocket`)));
    });
  }

  /** Runs one cell; resolves once its reply and the kernel's idle for it have both arrived. */
  execute(code: string): Promise<CellRun> {
    if (this.pending) throw new Error("KernelWebSocket: one cell at a time");
    const request = newMessage("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, this.session);
    return new Promise((done, failed) => {
      this.pending = { msgId: request.header.msg_id, outputs: this.collector.startCell(), idle: false, done };
      this.socket.send(JSON.stringify({ ...request, channel: "shell" }), (error) => error && failed(error));
    });
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: JupyterMessage & { channel: string }): void {
    const pending = this.pending;
    if (!pending || message.parent_header.msg_id !== pending.msgId) return;
    if (message.channel === "shell" && message.header.msg_type === "execute_reply") {
      pending.reply = String((message.content as { status?: unknown }).status);
    } else if (message.channel === "iopub") {
      const type = message.header.msg_type;
      if (type === "status") {
        pending.idle ||= (message.content as { execution_state?: string }).execution_state === "idle";
      } else if (type !== "execute_input") {
        this.firstOutputAt ??= performance.now();
        this.collector.add(message);
      }
    }
    if (pending.reply !== undefined && pending.idle) {
      this.pending = undefined;
      pending.done({ outputs: pending.outputs, status: pending.reply });
    }
  }
}
