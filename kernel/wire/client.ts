import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import * as zmq from "zeromq";
import { address, type ConnectionInfo } from "./connection";
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage } from "./message";
import { within } from "./within";

/** Raised for every request still waiting when the kernel goes away. */
export class KernelGoneError extends Error {}

/** Raised for the request a message past the client's limit answers (the kernel lives on). */
export class MessageTooLargeError extends Error {}

interface PendingRequest {
  resolve(reply: JupyterMessage): void;
  reject(error: Error): void;
}

export type IopubListener = (message: JupyterMessage) => void;

/**
 * The largest message taken from the kernel: a bigger one fails the request
 * it answers (MessageTooLargeError, naming both sizes) and is not parsed.
 * Far above any honest output: a cell printing 10 MB sends 10 MB, and the
 * kernel batches separate lines into messages of at most 1 MB.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/**
 * Where zeromq itself drops the connection instead (the client emits
 * "disconnected" and cannot tell why): above anything a Node kernel can
 * build, as V8's longest string is 512 MB. It is not MAX_MESSAGE_BYTES,
 * because a message zeromq drops cannot be named: a 100 MB line then
 * looked like a cell past its timeout. A dropped connection does not fail
 * the run by itself: under heavy load one was reported for a kernel that
 * was still fine.
 */
const ZEROMQ_MESSAGE_CEILING_BYTES = 1024 * 1024 * 1024;
/** How many recent message ids are remembered to refuse a replayed message. */
const REMEMBERED_IDS = 100_000;

/**
 * A Jupyter client over ZeroMQ: DEALER sockets for shell and control, a SUB
 * socket for iopub. Every message is signed; every received message is
 * verified and dropped (with a "rejected" event) when its signature fails.
 * Replies and iopub messages are matched to requests by parent_header.msg_id.
 */
export class KernelClient extends EventEmitter {
  readonly session = randomUUID();
  /** How many received messages were dropped for a bad signature. */
  rejectedCount = 0;
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  /** Ids of the messages received lately: a replayed message carries a valid signature but an id already seen. */
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly iopubListeners = new Map<string, IopubListener>();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly info: ConnectionInfo,
    private readonly maxMessageBytes: number,
  ) {
    super();
    const options = { linger: 0, maxMessageSize: Math.max(maxMessageBytes, ZEROMQ_MESSAGE_CEILING_BYTES) };
    this.shell = new zmq.Dealer(options);
    this.control = new zmq.Dealer(options);
    // No queue limit: the kernel's iopub (kernel/tslab/channels.ts) drops nothing, and neither may we.
    this.iopub = new zmq.Subscriber({ ...options, receiveHighWaterMark: 0 });
    for (const socket of [this.shell, this.control, this.iopub]) {
      socket.events.on("disconnect", () => {
        if (!this.closed) this.emit("disconnected");
      });
    }
  }

  /** Connects to a kernel. "disconnected" tells of a dropped connection. */
  static connect(info: ConnectionInfo, maxMessageBytes = MAX_MESSAGE_BYTES): KernelClient {
    const client = new KernelClient(info, maxMessageBytes);
    client.shell.connect(address(info, info.shell_port));
    client.control.connect(address(info, info.control_port));
    client.iopub.connect(address(info, info.iopub_port));
    client.iopub.subscribe();
    void client.receiveLoop(client.shell, (message) => client.onReply(message));
    void client.receiveLoop(client.control, (message) => client.onReply(message));
    void client.receiveLoop(client.iopub, (message) => client.onIopub(message));
    return client;
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (message: JupyterMessage) => void) {
    try {
      for await (const frames of socket) {
        const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
        if (bytes > this.maxMessageBytes) {
          this.refuseTooLarge(frames, bytes);
          continue;
        }
        const decoded = decodeMessage(this.info.key, frames);
        const replayed = decoded.ok && this.remember(decoded.message.header.msg_id);
        if (decoded.ok && !replayed) handle(decoded.message);
        else {
          this.rejectedCount += 1;
          this.emit("rejected", decoded.ok ? `replayed message ${decoded.message.header.msg_id}` : decoded.reason);
        }
      }
    } catch (error) {
      if (!this.closed) this.fail(new KernelGoneError(`socket failed: ${(error as Error).message}`));
    }
  }

  /** Fails the request a message past the limit answers, naming what it was; the message itself is dropped. */
  private refuseTooLarge(frames: Buffer[], bytes: number) {
    const decoded = decodeMessage(this.info.key, frames, { headersOnly: true });
    if (!decoded.ok || this.remember(decoded.message.header.msg_id)) {
      this.rejectedCount += 1;
      this.emit("rejected", decoded.ok ? `replayed message ${decoded.message.header.msg_id}` : decoded.reason);
      return;
    }
    const { header, parent_header } = decoded.message;
    const request = parent_header.msg_id === undefined ? undefined : this.pending.get(parent_header.msg_id);
    const megabytes = (n: number) => `${(n / 2 ** 20).toFixed(n % 2 ** 20 === 0 ? 0 : 1)} MB`;
    const error = new MessageTooLargeError(
      `the kernel sent a ${header.msg_type} message of ${megabytes(bytes)}, over the ${megabytes(this.maxMessageBytes)} message limit; ` +
        "it was dropped (print less, or in lines: separate lines travel in messages of at most 1 MB)",
    );
    // An output may arrive after its request's reply: execute() listens for this too, until "idle".
    this.emit("too-large", error, parent_header.msg_id);
    if (!request || parent_header.msg_id === undefined) return;
    this.pending.delete(parent_header.msg_id);
    request.reject(error);
  }

  /** True when the id was seen before (a replay); else remembers it, forgetting the oldest past REMEMBERED_IDS. */
  private remember(id: string): boolean {
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value!);
    return false;
  }

  private onReply(message: JupyterMessage) {
    const id = message.parent_header.msg_id;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (!request || id === undefined) return;
    this.pending.delete(id);
    request.resolve(message);
  }

  private onIopub(message: JupyterMessage) {
    const id = message.parent_header.msg_id;
    this.emit("iopub", message);
    if (id !== undefined) this.iopubListeners.get(id)?.(message);
  }

  /** Sends a request and waits for the reply with the same parent id. */
  async request(
    channel: "shell" | "control",
    msgType: string,
    content: Record<string, unknown>,
    onIopub?: IopubListener,
  ): Promise<JupyterMessage> {
    if (this.failure) throw this.failure;
    const message = newMessage(msgType, content, this.session);
    const id = message.header.msg_id;
    if (onIopub) this.iopubListeners.set(id, onIopub);
    const reply = new Promise<JupyterMessage>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // The kernel may die while the send below is still pending; the rejection is awaited after it, so mark it handled now.
    reply.catch(() => undefined);
    const socket = channel === "shell" ? this.shell : this.control;
    try {
      await socket.send(encodeMessage(this.info.key, message));
      return await reply;
    } finally {
      this.pending.delete(id);
      this.iopubListeners.delete(id);
    }
  }

  /**
   * Runs code and resolves once the execute_reply has arrived and the kernel
   * has said "idle" for this request on iopub, so no output is still in flight.
   * `allowStdin`: say, as an interactive frontend does, that a person is there
   * (live displays then stream; this client answers no input request).
   */
  async execute(code: string, onOutput: IopubListener, { allowStdin = false } = {}): Promise<JupyterMessage> {
    let idle!: () => void;
    const becameIdle = new Promise<void>((resolve) => (idle = resolve));
    const listener: IopubListener = (message) => {
      if (message.header.msg_type === "status") {
        if ((message.content as { execution_state?: string }).execution_state === "idle") idle();
      } else {
        onOutput(message);
      }
    };
    const message = newMessage(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: allowStdin, stop_on_error: true },
      this.session,
    );
    const id = message.header.msg_id;
    this.iopubListeners.set(id, listener);
    const reply = new Promise<JupyterMessage>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    let onFailed!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => (onFailed = reject));
    failed.catch(() => undefined);
    this.once("failed", onFailed);
    const onTooLarge = (error: Error, parentId: string | undefined) => {
      if (parentId === id) onFailed(error);
    };
    this.on("too-large", onTooLarge);
    try {
      if (this.failure) throw this.failure;
      await this.shell.send(encodeMessage(this.info.key, message));
      const answer = await reply;
      await Promise.race([becameIdle, failed]);
      return answer;
    } finally {
      this.off("failed", onFailed);
      this.off("too-large", onTooLarge);
      this.pending.delete(id);
      this.iopubListeners.delete(id);
    }
  }

  /**
   * Waits until the kernel answers kernel_info on shell and its iopub status
   * reaches us: a SUB socket misses whatever is published before it joins.
   */
  async waitForReady(timeoutMs: number): Promise<JupyterMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.failure) throw this.failure;
      let sawStatus = false;
      const attempt = this.request("shell", "kernel_info_request", {}, (message) => {
        if (message.header.msg_type === "status") sawStatus = true;
      });
      attempt.catch(() => undefined);
      const reply = (await within(attempt, 500))?.value;
      if (reply) {
        if (sawStatus) return reply;
        await delay(50);
        if (sawStatus) return reply;
      }
    }
    throw new KernelGoneError(`the kernel did not answer kernel_info within ${timeoutMs / 1000} s`);
  }

  /** Rejects everything still waiting; later requests fail at once. */
  fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
    this.emit("failed", error);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.fail(new KernelGoneError("the client was closed"));
    this.shell.close();
    this.control.close();
    this.iopub.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
