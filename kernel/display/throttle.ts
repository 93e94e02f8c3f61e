/**
 * At most one update per display id per interval (plus one at the end of a
 * synchronous run, below), the last one always delivered: a loop that
 * updates a figure 10,000 times sends a handful of messages, and the
 * frontend ends on the loop's final state.
 *
 * An update that comes too soon is kept (only the newest, and only as a
 * function that builds it, so a dropped state costs nothing to render) and
 * sent by whichever comes first:
 * - the interval's end (a timer: it fires while a cell that awaits between
 *   updates still runs);
 * - the end of the current synchronous run of JavaScript (a microtask). A
 *   cell that never awaits sends nothing before it returns anyway (the
 *   kernel's sockets need the event loop), and tslab queues the cell's reply
 *   only after it returns, so its final state leaves before the reply. In a
 *   cell that awaits, this fires at every `await`; so it sends at most once
 *   per id and interval, and leaves the rest to the timer;
 * - `flush()`, which a helper calls when its loop ends (`follow` does), and
 *   which the kernel calls before each reply when it offers the hook
 *   (`index.ts`, `FLUSH_DISPLAYS`), so that a cell that awaits ends on its
 *   final state too.
 */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  queueMicrotask(run: () => void): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => {
    const timer = setTimeout(run, ms);
    // A pending update must not keep a plain Node script alive.
    timer.unref?.();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  queueMicrotask: (run) => queueMicrotask(run),
};

/** Ten updates a second per display: smooth enough to watch a curve grow, little enough for any frontend. */
export const UPDATE_INTERVAL_MS = 100;

interface Slot {
  lastSent: number;
  /** When the end of a synchronous run last sent this id's pending update. */
  lastRunEndSend?: number;
  pending?: () => void;
  timer?: unknown;
}

export class UpdateThrottle {
  private readonly slots = new Map<string, Slot>();
  private microtaskQueued = false;

  constructor(
    private readonly intervalMs = UPDATE_INTERVAL_MS,
    private readonly clock: Clock = realClock,
  ) {}

  /** Sends `send()` for `id` now if its interval has passed, else keeps it as the id's pending update. */
  offer(id: string, send: () => void): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = { lastSent: -Infinity };
      this.slots.set(id, slot);
    }
    if (this.clock.now() - slot.lastSent >= this.intervalMs) {
      slot.pending = send;
      this.sendPending(id);
      return;
    }
    slot.pending = send;
    slot.timer ??= this.clock.setTimeout(() => this.sendPending(id), slot.lastSent + this.intervalMs - this.clock.now());
    if (!this.microtaskQueued) {
      this.microtaskQueued = true;
      this.clock.queueMicrotask(() => {
        this.microtaskQueued = false;
        this.sendAtRunEnd();
      });
    }
  }

  /** Sends the pending update of `id` now, or of every id. */
  flush(id?: string): void {
    for (const each of id === undefined ? [...this.slots.keys()] : [id]) this.sendPending(each);
  }

  /** Forgets an id and drops its pending update (it is shown afresh): the next offer sends at once. */
  forget(id: string): void {
    const slot = this.slots.get(id);
    if (slot?.timer !== undefined) this.clock.clearTimeout(slot.timer);
    this.slots.delete(id);
  }

  /** At the end of a synchronous run: each pending update, unless its id was sent this way less than an interval ago. */
  private sendAtRunEnd(): void {
    const now = this.clock.now();
    for (const [id, slot] of this.slots) {
      if (slot.pending === undefined || now - (slot.lastRunEndSend ?? -Infinity) < this.intervalMs) continue;
      slot.lastRunEndSend = now;
      this.sendPending(id);
    }
  }

  private sendPending(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    const send = slot.pending;
    if (send === undefined) return;
    slot.pending = undefined;
    slot.lastSent = this.clock.now();
    send();
  }
}
