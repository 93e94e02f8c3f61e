/**
 * tslab 1.0.22 compiles each cell with a TypeScript watch program whose
 * timers it fakes (converter.js): its `setTimeout` keeps ONE pending timer,
 * which never fires by itself; the converter fires it by hand right after
 * telling TypeScript that the cell's text changed. That timer is meant to be
 * the watch program's "update the program" timer. But the watch program also
 * watches real files (the .d.ts and package.json files of every package a
 * cell imports) and, on a change to a package.json or to a folder where a
 * module lookup failed, asks for a second timer, "invalidate failed lookups".
 * A file-system event between two cells thus leaves that second timer
 * pending, and the next cell's "update the program" request finds the slot
 * taken: tslab throws "Unexpected pending rebuildTimer", for that cell and
 * every later one, since the slot is never freed.
 *
 * Such events need no edit: inotify also reports a change of a file's link
 * count, and on this machine every worktree's node_modules is a hard-link
 * copy of one tree, so another worktree's `cp -al` or `rm -rf node_modules`
 * "changes" the files a running kernel watches.
 *
 * The fix keeps every timer the watch program asks for in a queue of ours
 * and hands tslab's single slot one timer that runs the whole queue, in the
 * order asked: when tslab fires it before a conversion, a pending "invalidate
 * failed lookups" runs first (as it would have had real time passed), then
 * the program update. tslab's converter sets `setTimeout`/`clearTimeout` on an
 * `Object.create(ts.sys)`; accessors put on `ts.sys` itself catch those
 * assignments, so nothing inside node_modules is edited and file watching
 * (tslab reloads a local .ts module edited between cells) keeps working.
 */

type Timer = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
type ClearTimer = (handle: unknown) => void;

/** The part of TypeScript's `ts.sys` this patch touches. */
export interface TimerSystem {
  setTimeout?: Timer;
  clearTimeout?: ClearTimer;
}

/** Every timer a watch program asks for, run in order when tslab fires its one slot. */
export class QueuedTimers {
  private readonly queue = new Map<object, () => void>();
  /** tslab's handle while its slot holds our `runQueue`, else undefined. */
  private slot: unknown;
  private running = false;

  constructor(
    private readonly slotSetTimeout: Timer,
    private readonly slotClearTimeout: ClearTimer,
  ) {}

  readonly setTimeout: Timer = (callback, _ms, ...args) => {
    const handle = {};
    this.queue.set(handle, () => callback(...args));
    // While the queue runs, tslab still counts its slot as taken; the running loop picks this timer up.
    if (this.slot === undefined && !this.running) this.slot = this.slotSetTimeout(this.runQueue);
    return handle;
  };

  readonly clearTimeout: ClearTimer = (handle) => {
    if (typeof handle === "object" && handle !== null) this.queue.delete(handle);
    if (this.queue.size === 0 && this.slot !== undefined) {
      this.slotClearTimeout(this.slot);
      this.slot = undefined;
    }
  };

  private readonly runQueue = (): void => {
    const slot = this.slot;
    this.slot = undefined;
    this.running = true;
    let finished = false;
    try {
      // A Map iterator also visits timers added while it runs (a failed-lookup pass may ask for a program update).
      for (const [handle, run] of this.queue) {
        this.queue.delete(handle);
        run();
      }
      finished = true;
    } finally {
      this.running = false;
      // tslab frees its slot only when our callback returns normally.
      if (!finished) this.slot = slot;
    }
  };
}

const PATCHED = Symbol.for("gradient-lab.converter-timers");

/** Makes every system derived from `sys` (tslab's converter) queue its watch timers; the base `sys` is left as it was. */
export function queueConverterTimers(sys: TimerSystem): void {
  const marked = sys as TimerSystem & { [PATCHED]?: true };
  if (marked[PATCHED]) return;
  marked[PATCHED] = true;

  const assigned = new WeakMap<object, { setTimeout?: Timer; clearTimeout?: ClearTimer; queued?: QueuedTimers }>();
  function timersOf(derived: object) {
    let entry = assigned.get(derived);
    if (!entry) assigned.set(derived, (entry = {}));
    return entry;
  }
  function queuedFor(derived: object): QueuedTimers | undefined {
    const entry = timersOf(derived);
    if (!entry.setTimeout || !entry.clearTimeout) return undefined;
    entry.queued ??= new QueuedTimers(entry.setTimeout, entry.clearTimeout);
    return entry.queued;
  }

  for (const name of ["setTimeout", "clearTimeout"] as const) {
    let base = sys[name] as Timer | ClearTimer | undefined;
    Object.defineProperty(sys, name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        if (this === sys) return base;
        const queued = queuedFor(this);
        return queued ? queued[name] : timersOf(this)[name];
      },
      set(this: object, value: Timer & ClearTimer) {
        if (this === sys) base = value;
        else {
          const entry = timersOf(this);
          entry[name] = value;
          entry.queued = undefined;
        }
      },
    });
  }
}
