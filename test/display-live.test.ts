import { afterEach, describe, expect, it, vi } from "vitest";
import { display, flushDisplays, follow, markdown, progress, table, update } from "../kernel/display";
import { type Clock, UpdateThrottle, UPDATE_INTERVAL_MS } from "../kernel/display/throttle";
import { lossCurve, seedNetwork, trainingSteps } from "../src";

/** A clock the test moves by hand; timers and microtasks run only when the test says. */
class ManualClock implements Clock {
  time = 0;
  private timers: { at: number; run: () => void; id: number }[] = [];
  private microtasks: (() => void)[] = [];
  private nextId = 0;
  now = (): number => this.time;
  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  queueMicrotask = (run: () => void): void => void this.microtasks.push(run);
  /** The end of a synchronous run of JavaScript. */
  endRun(): void {
    for (const run of this.microtasks.splice(0)) run();
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.clearTimeout(timer.id);
      timer.run();
    }
  }
}

describe("UpdateThrottle", () => {
  it("sends the first update at once and keeps later ones within the interval, built only when sent", () => {
    const clock = new ManualClock();
    const throttle = new UpdateThrottle(100, clock);
    const sent: number[] = [];
    const built: number[] = [];
    const offer = (value: number): void =>
      throttle.offer("curve", () => {
        built.push(value);
        sent.push(value);
      });
    offer(1);
    clock.advance(10);
    offer(2);
    offer(3);
    expect(sent).toEqual([1]);
    clock.advance(90); // the interval since the first send is over: the newest pending state goes out
    expect(sent).toEqual([1, 3]);
    expect(built).toEqual([1, 3]);
    clock.advance(1000);
    expect(sent).toEqual([1, 3]);
  });

  it("a 10,000-iteration synchronous loop sends two messages, the last one the loop's final state, at the end of the run", () => {
    const clock = new ManualClock();
    const throttle = new UpdateThrottle(100, clock);
    const sent: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      clock.time += 0.001; // ten microseconds of work per iteration: the loop takes 10 ms
      throttle.offer("curve", () => sent.push(i));
    }
    expect(sent).toEqual([0]);
    clock.endRun(); // before tslab queues the reply
    expect(sent).toEqual([0, 9_999]);
  });

  it("a long loop that awaits between updates sends at most two per interval, and flush() delivers its final state", () => {
    const clock = new ManualClock();
    const throttle = new UpdateThrottle(100, clock);
    const sent: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      clock.advance(0.2); // 2 s in all, with timers firing as they fall due
      throttle.offer("curve", () => sent.push(i));
      clock.endRun(); // an await
    }
    expect(sent.length).toBeLessThanOrEqual(2 * (2_000 / 100) + 2);
    expect(sent.length).toBeGreaterThanOrEqual(2_000 / 100);
    throttle.flush();
    expect(sent[sent.length - 1]).toBe(9_999);
  });

  it("keeps each display id apart", () => {
    const clock = new ManualClock();
    const throttle = new UpdateThrottle(100, clock);
    const sent: string[] = [];
    throttle.offer("a", () => sent.push("a1"));
    throttle.offer("b", () => sent.push("b1"));
    throttle.offer("a", () => sent.push("a2"));
    throttle.flush("b");
    expect(sent).toEqual(["a1", "b1"]);
    throttle.flush();
    expect(sent).toEqual(["a1", "b1", "a2"]);
  });
});

/** Outside a kernel each message prints its text/plain line: what the display API sent, in order. */
function printed(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(String(chunk).replace(/\n$/, ""));
    return true;
  }) as typeof process.stdout.write);
  return { lines, restore: () => spy.mockRestore() };
}

describe("display, update and progress", () => {
  afterEach(() => vi.restoreAllMocks());

  it("update sends about 2 of 10,000 states from a synchronous loop, the last one before the next macrotask", async () => {
    const out = printed();
    const started = performance.now();
    const id = display("count 0");
    for (let i = 1; i <= 10_000; i++) update(id, `count ${i}`);
    const intervals = Math.ceil((performance.now() - started) / UPDATE_INTERVAL_MS);
    await Promise.resolve(); // the end of the synchronous run, as tslab's reply waits for it
    out.restore();
    expect(out.lines[0]).toBe("count 0");
    expect(out.lines[out.lines.length - 1]).toBe("count 10000");
    // The first, one per interval the loop took (a few milliseconds here: none), the last.
    expect(out.lines.length).toBeLessThanOrEqual(2 + intervals);
  });

  it("shows a figure, Markdown and a table by id, and refuses an update of an id never shown", () => {
    const out = printed();
    const figureId = display(lossCurve({ history: [{ step: 0, loss: 0.25 }] }), { id: "figure" });
    display(markdown("$L = 0.25$"));
    display(table([{ step: 0, loss: 0.25 }]));
    out.restore();
    expect(figureId).toBe("figure");
    expect(out.lines).toEqual(["Figure: Loss during training", "$L = 0.25$", "| step | loss |\n| ---: | ---: |\n| 0 | 0.25 |"]);
    expect(() => update("never-shown", "x")).toThrow(/no display has the id "never-shown"/);
  });

  it("progress prints a bar, sends its last state at once, and names a wrong call", () => {
    const out = printed();
    const started = performance.now();
    for (let done = 0; done <= 200; done++) progress(done, 200, "epoch");
    const intervals = Math.ceil((performance.now() - started) / UPDATE_INTERVAL_MS);
    out.restore();
    expect(out.lines[0]).toBe(`epoch 0/200 [${"-".repeat(30)}] 0%`);
    expect(out.lines[out.lines.length - 1]).toBe(`epoch 200/200 [${"#".repeat(30)}] 100%`);
    expect(out.lines.length).toBeLessThanOrEqual(2 + intervals);
    expect(() => progress(3, 2, "epoch")).toThrow(/done must be between 0 and 2, got 3 \(label "epoch"\)/);
    expect(() => progress(0, Number.NaN)).toThrow(/the total must be a number above 0, got NaN/);
  });
});

describe("follow", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs the engine's training steps, returns the run, draws only some states and ends on the whole curve", async () => {
    const out = printed();
    const draws: number[] = [];
    const steps = trainingSteps(seedNetwork(), { samples: [{ input: [1, 0], target: [2] }], learningRate: 0.001, maxSteps: 3_000 });
    const run = await follow(steps, (history) => {
      draws.push(history.length);
      return `${history.length} points, last loss ${history[history.length - 1]!.loss}`;
    }, { total: 3_000 });
    out.restore();
    expect(run.history).toHaveLength(3_001);
    expect(run.stopReason).toBe("max-steps");
    expect(draws.length).toBeLessThan(200);
    const curves = out.lines.filter((line) => line.includes("points"));
    expect(curves[curves.length - 1]).toBe(`3001 points, last loss ${run.finalLoss}`);
    expect(out.lines.filter((line) => line.startsWith("step ")).pop()).toBe(`step 3000/3000 [${"#".repeat(30)}] 100%`);
  });

  it("sends the curve up to where the loop threw, then throws", async () => {
    const out = printed();
    function* failing(): Generator<number, number> {
      for (let i = 0; i < 10_000; i++) yield i;
      throw new Error("diverged at 10000");
    }
    await expect(follow(failing(), (entries) => `${entries.length} entries`)).rejects.toThrow("diverged at 10000");
    out.restore();
    expect(out.lines[out.lines.length - 1]).toBe("10000 entries");
    flushDisplays();
  });

  it(`pauses for the event loop while it runs, so timers fire (updates leave) about every ${UPDATE_INTERVAL_MS} ms`, async () => {
    const out = printed();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    function* busy(): Generator<number, void> {
      const end = performance.now() + 300;
      while (performance.now() < end) yield 0;
    }
    await follow(busy(), (entries) => `${entries.length}`);
    clearInterval(ticker);
    out.restore();
    expect(ticks).toBeGreaterThan(3);
    expect(out.lines.length).toBeGreaterThanOrEqual(3);
  });
});
