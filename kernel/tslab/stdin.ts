import type { Channels, Request } from "./channels";

/** Thrown into a cell that asks for input when its frontend said it cannot answer (allow_stdin false), as ipykernel names it. */
export class StdinNotImplementedError extends Error {
  override name = "StdinNotImplementedError";
}

/**
 * Input from the user, the protocol's way: an input_request on stdin to the
 * frontend that sent the running execute_request, answered by its
 * input_reply. Only when that request allowed it (`allow_stdin`); nbclient
 * and other batch runners do not, and a cell asking then fails at once with
 * StdinNotImplementedError instead of waiting for ever.
 */
export class InputRequests {
  private request: Request | undefined;
  private allowed = false;

  constructor(private readonly channels: Channels) {}

  startCell(request: Request, allowStdin: boolean): void {
    this.request = request;
    this.allowed = allowStdin;
  }

  async ask(prompt: string, password: boolean): Promise<string> {
    const request = this.request;
    if (!request || !this.allowed) {
      throw new StdinNotImplementedError(`the cell asked for input ("${prompt}"), but this frontend does not support input requests (allow_stdin is false)`);
    }
    await this.channels.reply(request, "input_request", { prompt, password }, this.channels.stdin);
    for (;;) {
      const answer = await this.channels.receive(this.channels.stdin);
      if (!answer) throw new Error("the kernel is shutting down");
      if (answer.message.header.msg_type === "input_reply") return String((answer.message.content as { value?: unknown }).value ?? "");
    }
  }
}
