import * as zmq from "zeromq";
import { address, type ConnectionInfo } from "../wire/connection";
import { decodeMessage, encodeMessage, newMessage, routingIds, type JupyterMessage, type MessageHeader } from "../wire/message";

/** A request as the kernel received it: the message and the routing ids its reply must carry back. */
export interface Request {
  ids: Buffer[];
  message: JupyterMessage;
}

/**
 * zeromq 6 allows one send in progress per socket and throws EBUSY for the
 * next. Every send of the main thread's sockets waits its turn in this one
 * queue, so messages leave in the order they were made, across sockets too:
 * a cell's outputs on iopub, then its reply on shell, then "idle".
 */
class OrderedSends {
  private last: Promise<unknown> = Promise.resolve();

  send(socket: zmq.Writable, frames: Buffer[]): Promise<void> {
    const sent = this.last.then(() => socket.send(frames));
    this.last = sent.catch((error: Error) => process.stderr.write(`gradient-lab kernel: a send failed: ${error.message}\n`));
    return sent;
  }

  /** Settles when everything queued so far has left. */
  drained(): Promise<unknown> {
    return this.last;
  }
}

/**
 * The channels the main thread serves: shell (requests in order), iopub
 * (everything published) and stdin (input requests). Control and the
 * heartbeat live on a worker thread (control-thread.ts), so a busy cell
 * cannot keep them waiting.
 */
export class Channels {
  private readonly sends = new OrderedSends();

  private constructor(
    readonly key: string,
    /** This kernel's session id, in the header of everything it sends. */
    readonly session: string,
    readonly shell: zmq.Router,
    readonly iopub: zmq.Publisher,
    readonly stdin: zmq.Router,
  ) {}

  static async bind(info: ConnectionInfo, session: string): Promise<Channels> {
    const shell = new zmq.Router({ linger: 1000 });
    // A send high-water mark of 0 means no limit: a subscriber that lags gets every message late rather than some never.
    const iopub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 });
    const stdin = new zmq.Router({ linger: 0 });
    await Promise.all([
      shell.bind(address(info, info.shell_port)),
      iopub.bind(address(info, info.iopub_port)),
      stdin.bind(address(info, info.stdin_port)),
    ]);
    return new Channels(info.key, session, shell, iopub, stdin);
  }

  /** The next correctly signed request on `socket`; undefined once the socket is closed. Forged ones are logged and dropped. */
  async receive(socket: zmq.Router): Promise<Request | undefined> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (error) {
        if (socket.closed) return undefined;
        throw error;
      }
      const decoded = decodeMessage(this.key, frames);
      if (decoded.ok) return { ids: routingIds(frames), message: decoded.message };
      process.stderr.write(`gradient-lab kernel: dropped a message: ${decoded.reason}\n`);
    }
  }

  reply(request: Request, msgType: string, content: object, socket: zmq.Router = this.shell): Promise<void> {
    const message = newMessage(msgType, content, this.session, request.message.header);
    return this.sends.send(socket, [...request.ids, ...encodeMessage(this.key, message)]);
  }

  publish(parent: Partial<MessageHeader>, msgType: string, content: object): Promise<void> {
    return this.sends.send(this.iopub, encodeMessage(this.key, newMessage(msgType, content, this.session, parent)));
  }

  drained(): Promise<unknown> {
    return this.sends.drained();
  }

  close(): void {
    for (const socket of [this.shell, this.iopub, this.stdin]) socket.close();
  }
}
