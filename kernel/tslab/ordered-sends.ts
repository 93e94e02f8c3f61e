/**
 * tslab 1.0.22 calls `socket.send(...)` for every output without awaiting it.
 * zeromq 6 allows one send in progress per socket and throws EBUSY for the
 * next, so a cell that prints quickly loses lines, and when the lost message
 * is the final `execute_reply` or `idle` the frontend waits for ever. A
 * Publisher also drops messages once 1,000 wait for a slow subscriber
 * (zeromq's default send high-water mark).
 *
 * Both are fixed here, in the zeromq module that tslab is about to load:
 * sends wait their turn in one queue, so they leave in the order tslab made
 * them, across sockets too (a cell's outputs on iopub, then its reply on
 * shell, then "idle": a frontend that stops listening some seconds after the
 * reply, as nbclient does, then has the outputs already); and a Publisher
 * keeps every message however far a subscriber lags. The heartbeat (a Reply
 * socket) keeps a queue of its own, so a flood of output cannot make the
 * kernel look dead. Nothing inside node_modules is edited.
 */

type Send = (this: object, ...args: unknown[]) => Promise<void>;

interface ZeromqModule {
  Socket: { prototype: { send?: Send } };
  Publisher: new (options?: Record<string, unknown>) => object;
  Reply: new (...args: never[]) => object;
}

const PATCHED = Symbol.for("gradient-lab.ordered-sends");

export function orderZeromqSends(zmq: ZeromqModule): void {
  const prototype = zmq.Socket.prototype as { send?: Send; [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const native = prototype.send;
  if (typeof native !== "function") throw new Error("this zeromq has no Socket.prototype.send to put in order");
  prototype[PATCHED] = true;
  const send: Send = native;

  // The last send still in flight on each socket; a new send starts after it settles.
  const inFlight = new WeakMap<object, Promise<void>>();
  // The native method is read-only but configurable, so it is redefined rather than assigned.
  Object.defineProperty(prototype, "send", { configurable: true, writable: false, value: orderedSend });
  function orderedSend(this: object, ...args: unknown[]): Promise<void> {
    const previous = inFlight.get(this);
    const sent = previous ? previous.then(() => send.apply(this, args)) : send.apply(this, args);
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    inFlight.set(this, settled);
    void settled.then(() => {
      if (inFlight.get(this) === settled) inFlight.delete(this);
    });
    return sent;
  }

  const Publisher = zmq.Publisher;
  // A send high-water mark of 0 means no limit: the kernel holds what a subscriber has not yet taken.
  zmq.Publisher = class UnboundedPublisher extends Publisher {
    constructor(options: Record<string, unknown> = {}) {
      super({ sendHighWaterMark: 0, ...options });
    }
  };
}
