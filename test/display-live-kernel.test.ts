import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kernel } from "../kernel/kernel";
import { OutputCollector } from "../kernel/notebook/outputs";
import { UPDATE_INTERVAL_MS } from "../kernel/display/throttle";
import type { JupyterMessage } from "../kernel/wire/message";
import { FIXTURE_NOTEBOOKS } from "./helpers/fixture-notebooks";

/**
 * Live displays through the real kernel (tslab with our launcher), read as
 * our runner reads them: every display message of a cell arrives before its
 * reply and idle, the last one carries the final state, and the runner's
 * collector stores that state.
 */
const CELL_TIMEOUT_MS = 120_000;

describe("live displays on the gradient-lab kernel", () => {
  let kernel: Kernel;
  beforeAll(async () => {
    // A folder inside the repository: the kernel resolves "gradient-lab" (dist/, built by npm test) from its node_modules.
    kernel = await Kernel.start({ cwd: FIXTURE_NOTEBOOKS });
  });
  afterAll(async () => {
    await kernel?.shutdown();
  });

  /** Runs a cell, again if tslab aborted it (it aborts what arrives within 200 ms of an error). */
  async function runAfterError(code: string, onOutput: (message: JupyterMessage) => void): Promise<JupyterMessage> {
    for (;;) {
      const reply = await kernel.execute(code, onOutput, CELL_TIMEOUT_MS);
      if ((reply.content as { status?: string }).status !== "abort") return reply;
    }
  }

  /** Runs a cell; returns its display messages (in order, all before the reply and idle), its stored outputs and how long it took. */
  async function run(code: string, options: { allowStdin?: boolean } = {}): Promise<{ displays: JupyterMessage[]; outputs: unknown[]; ms: number }> {
    const collector = new OutputCollector();
    const outputs = collector.startCell();
    const displays: JupyterMessage[] = [];
    const started = performance.now();
    const reply = await kernel.execute(
      code,
      (message) => {
        collector.add(message);
        if (message.header.msg_type.endsWith("display_data")) displays.push(message);
      },
      CELL_TIMEOUT_MS,
      options,
    );
    expect(reply.content, JSON.stringify(outputs)).toMatchObject({ status: "ok" });
    return { displays, outputs, ms: performance.now() - started };
  }
  const text = (message: JupyterMessage): string => String((message.content as { data: Record<string, unknown> }).data["text/plain"]);

  it("a synchronous loop of 10,000 updates sends a bounded few messages, the final state last, before the reply", async () => {
    const cell = await run(`import { display, update } from "gradient-lab/display";
const id = display("count 0");
for (let i = 1; i <= 10000; i++) update(id, "count " + i);`);
    const types = cell.displays.map((message) => message.header.msg_type);
    expect(types).toEqual(["display_data", ...types.slice(1).map(() => "update_display_data")]);
    const ids = new Set(cell.displays.map((message) => (message.content as { transient?: { display_id?: string } }).transient?.display_id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(text(cell.displays[cell.displays.length - 1]!)).toBe("count 10000");
    expect(cell.displays.length).toBeLessThanOrEqual(2 + Math.ceil(cell.ms / UPDATE_INTERVAL_MS));
    expect(cell.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "count 10000" }, metadata: {} }]);
  });

  const slowLoop = `import { follow } from "gradient-lab/display";
function* slowSteps(): Generator<number, string> {
  const end = Date.now() + 1000;
  let step = 0;
  while (Date.now() < end) yield step++;
  return "ran " + step + " steps";
}
const ran = await follow(slowSteps(), (steps) => steps.length + " steps so far");
console.log(ran);`;

  it("follow over a loop of about a second sends states while a person watches (allow_stdin) and stores the final one", async () => {
    // As JupyterLab asks: a frontend that takes input is one a person watches.
    const cell = await run(slowLoop, { allowStdin: true });
    const states = cell.displays.map(text);
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(states.length).toBeLessThanOrEqual(2 + Math.ceil(cell.ms / UPDATE_INTERVAL_MS));
    const stored = cell.outputs as { output_type: string; data?: Record<string, string>; text?: string }[];
    const steps = /^ran (\d+) steps\n$/.exec(stored[1]?.text ?? "")?.[1];
    expect(steps, JSON.stringify(stored)).toBeDefined();
    expect(states[states.length - 1]).toBe(`${steps} steps so far`);
    expect(stored[0]).toEqual({ output_type: "display_data", data: { "text/plain": `${steps} steps so far` }, metadata: {} });
  });

  it("follow shows a batch runner (allow_stdin false: nbclient, nbval, our runner) only the final state, once", async () => {
    const cell = await run(slowLoop);
    expect(cell.displays.map((message) => message.header.msg_type)).toEqual(["display_data"]);
    const stored = cell.outputs as { output_type: string; data?: Record<string, string>; text?: string }[];
    const steps = /^ran (\d+) steps\n$/.exec(stored[1]?.text ?? "")?.[1];
    expect(steps, JSON.stringify(stored)).toBeDefined();
    expect(text(cell.displays[0]!)).toBe(`${steps} steps so far`);
  });

  it("an interrupt stops follow's loop: the cell ends with an error, the kernel lives and goes idle", async () => {
    let interrupted = false;
    const reply = await kernel.execute(
      `import { follow } from "gradient-lab/display";
function* forever(): Generator<number, void> {
  for (let step = 0; ; step++) yield step;
}
await follow(forever(), (steps) => steps.length + " steps");`,
      (message) => {
        // Once the loop is seen running: Ctrl-C, as JupyterLab's interrupt button sends it (interrupt_mode signal).
        if (message.header.msg_type === "update_display_data" && !interrupted) {
          interrupted = true;
          kernel.interrupt();
        }
      },
      CELL_TIMEOUT_MS,
      { allowStdin: true },
    );
    expect(interrupted).toBe(true);
    expect(reply.content).toMatchObject({ status: "error" });
    let cpu = "";
    await runAfterError("const before = process.cpuUsage();\nawait new Promise((resolve) => setTimeout(resolve, 500));\nconsole.log(process.cpuUsage(before).user / 1000);", (message) => {
      if (message.header.msg_type === "stream") cpu += String((message.content as { text: string }).text);
    });
    // A loop still running would take about all of the 500 ms.
    expect(Number(cpu), `CPU milliseconds the kernel used in 500 ms after the interrupt: ${cpu}`).toBeLessThan(150);
  });
});
