import { commInfo, refuseComm } from "./comms";
import type { Channels, Request } from "./channels";
import { complete } from "./complete";
import { execute, type Execution, type ExecuteRequest } from "./execute";
import type { HistoryRequest } from "./history";
import { inspect } from "./inspect";
import { isComplete } from "./is-complete";
import { startStage } from "./start-timing";

/** Messages a frontend sends that need no reply (comms this kernel refuses, input replies that came late). */
const NO_REPLY = new Set(["comm_msg", "comm_close", "input_reply"]);

/**
 * The shell channel's message loop, as in ipykernel: one request at a time,
 * in the order they came, each between a `busy` and an `idle` status with
 * the request as parent. When a cell fails and its request has
 * `stop_on_error` (the default), the execute requests already waiting
 * behind it (a "Run All" batch) are aborted, not run; one that arrives later
 * (nbclient sends the next cell after the reply) runs normally.
 */
export class ShellLoop {
  /** Requests taken from the socket but not yet handled. */
  private readonly waiting: Request[] = [];
  private firstDone!: () => void;
  /** Settles once the first request has been answered (main.ts then lets TypeScript load). */
  readonly firstHandled = new Promise<void>((resolve) => (this.firstDone = resolve));

  constructor(
    private readonly channels: Channels,
    private readonly execution: Execution,
    private readonly kernelInfo: Record<string, unknown>,
    private readonly shutdown: () => void,
  ) {}

  async run(): Promise<void> {
    for (;;) {
      const request = this.waiting.shift() ?? (await this.channels.receive(this.channels.shell));
      if (!request) return;
      await this.handle(request);
      this.firstDone();
    }
  }

  private async handle(request: Request): Promise<void> {
    const { channels } = this;
    const msgType = request.message.header.msg_type;
    await channels.publish(request.message.header, "status", { execution_state: "busy" });
    try {
      await this.dispatch(request, msgType);
    } catch (error) {
      this.execution.output.log(`${msgType} failed: ${(error as Error).stack ?? String(error)}`);
      if (msgType.endsWith("_request")) {
        await channels.reply(request, msgType.replace(/_request$/, "_reply"), { status: "error", ename: "KernelError", evalue: (error as Error).message, traceback: [] });
      }
    } finally {
      await channels.publish(request.message.header, "status", { execution_state: "idle" });
    }
  }

  private async dispatch(request: Request, msgType: string): Promise<void> {
    const { channels, execution } = this;
    const content = request.message.content as Record<string, unknown>;
    switch (msgType) {
      case "kernel_info_request":
        startStage("kernel_info answered");
        return channels.reply(request, "kernel_info_reply", this.kernelInfo);
      case "execute_request": {
        const status = await execute(request, execution);
        if (status === "error" && (content as ExecuteRequest).stop_on_error !== false) await this.abortWaitingExecutions();
        return;
      }
      case "complete_request":
        return channels.reply(request, "complete_reply", complete(await execution.engine(), String(content.code ?? ""), cursor(content)));
      case "inspect_request":
        return channels.reply(request, "inspect_reply", inspect(await execution.engine(), String(content.code ?? ""), cursor(content)));
      case "is_complete_request":
        return channels.reply(request, "is_complete_reply", isComplete(await execution.engine(), String(content.code ?? "")));
      case "history_request":
        return channels.reply(request, "history_reply", execution.history.reply(content as HistoryRequest));
      case "comm_info_request":
        return channels.reply(request, "comm_info_reply", commInfo());
      case "comm_open":
        return refuseComm(request, channels, execution.output.log);
      case "shutdown_request": {
        // The protocol moved shutdown to control (served by control-thread.ts); older clients still send it here.
        const restart = content.restart === true;
        await channels.reply(request, "shutdown_reply", { status: "ok", restart });
        return this.shutdown();
      }
      default:
        if (!NO_REPLY.has(msgType)) execution.output.log(`ignored a ${msgType} on shell: this kernel does not handle it`);
    }
  }

  /**
   * Takes every request already waiting on the socket, then answers each
   * execute_request among them "aborted" (with busy and idle, as ipykernel
   * does); other requests stay queued and are answered normally.
   */
  private async abortWaitingExecutions(): Promise<void> {
    const { channels } = this;
    while (channels.shell.readable) {
      const request = await channels.receive(channels.shell);
      if (!request) break;
      this.waiting.push(request);
    }
    const kept: Request[] = [];
    for (const request of this.waiting.splice(0)) {
      if (request.message.header.msg_type !== "execute_request") {
        kept.push(request);
        continue;
      }
      await channels.publish(request.message.header, "status", { execution_state: "busy" });
      await channels.reply(request, "execute_reply", { status: "aborted", execution_count: this.execution.count });
      await channels.publish(request.message.header, "status", { execution_state: "idle" });
    }
    this.waiting.push(...kept);
  }
}

function cursor(content: Record<string, unknown>): number {
  const code = String(content.code ?? "");
  return typeof content.cursor_pos === "number" ? content.cursor_pos : [...code].length;
}
