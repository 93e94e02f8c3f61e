import { format } from "node-inspect-extracted";
import * as engine from "../../../src/index";
import * as display from "../../display/index";
import { FLUSH_DISPLAYS } from "../../display/live";
import { resultBundle } from "../../tslab/result";
import { compileCell } from "./cell-code";
import { beginCell } from "./worker-display";
import { postToPage, type PageRequest } from "./worker-messages";

/**
 * The page's Web Worker: the engine and gradient-lab/display built for the
 * browser (live/build.ts), running the cells the page sends, one at a time,
 * in the order sent. Every output goes to the page as a message; the page
 * ends a runaway cell by terminating this worker.
 */

const modules: Record<string, unknown> = { "gradient-lab": engine, "gradient-lab/display": display };

/** What a cell's `import` becomes: the worker's own engine, nothing fetched. */
function requireModule(name: string): unknown {
  const module = modules[name];
  if (module === undefined) throw new Error(`Cannot find module '${name}': a cell in the course site can import "gradient-lab" and "gradient-lab/display"`);
  return module;
}

/** console.log and friends as Node prints them (util.format), sent as the cell's stdout or stderr. */
function captureConsole(): void {
  const stream = (name: "stdout" | "stderr") => (...args: unknown[]) => postToPage({ kind: "stream", name, text: `${format(...args)}\n` });
  Object.assign(console, { log: stream("stdout"), info: stream("stdout"), debug: stream("stdout"), warn: stream("stderr"), error: stream("stderr") });
}

/** Node's setImmediate (follow pauses with it), as a message-channel task: no 4 ms clamp as nested timeouts have. */
function provideSetImmediate(): void {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  (globalThis as Record<string, unknown>).setImmediate = (callback: () => void) => {
    waiting.push(callback);
    channel.port2.postMessage(null);
  };
}

/** The line of the cell an error was thrown from, from its stack (the cell's script is named `cell-N`). */
function cellLine(error: unknown, label: string): number | undefined {
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const match = new RegExp(`${label}:(\\d+):\\d+`).exec(stack);
  return match ? Number(match[1]) : undefined;
}

function reportError(error: unknown, cellNumber: number, label: string): void {
  const ename = error instanceof Error ? error.name : "Error";
  const evalue = error instanceof Error ? error.message : format(error);
  const line = cellLine(error, label);
  const where = line === undefined ? `Cell In[${cellNumber}]` : `Cell In[${cellNumber}], line ${line}`;
  postToPage({ kind: "error", ename, evalue, traceback: [where, `${ename}: ${evalue}`] });
}

function flushDisplays(): void {
  for (const flush of (globalThis as { [FLUSH_DISPLAYS]?: Set<() => void> })[FLUSH_DISPLAYS] ?? []) flush();
}

async function run(request: PageRequest): Promise<boolean> {
  const label = `cell-${request.cellNumber}`;
  beginCell();
  try {
    // Indirect eval: the cell sees only globals (the earlier cells' names), none of this module's.
    const cell = (0, eval)(compileCell(request.source, label).functionSource) as () => Promise<unknown>;
    const value = await cell();
    flushDisplays();
    if (value !== undefined) postToPage({ kind: "result", bundle: resultBundle(value) });
    return true;
  } catch (error) {
    flushDisplays();
    reportError(error, request.cellNumber, label);
    return false;
  }
}

/** The engine's WebAssembly assembler writes names with Node's Buffer.from(text, "utf8"): the same bytes from TextEncoder. */
function provideBuffer(): void {
  const encoder = new TextEncoder();
  (globalThis as Record<string, unknown>).Buffer ??= { from: (text: string) => encoder.encode(text) };
}

/**
 * A page that is not cross-origin isolated (any page from file://) hides the
 * SharedArrayBuffer name, yet still makes the shared WebAssembly memory the
 * fast path computes in; the engine tells a shared memory by its buffer's
 * class, so that class gets its name back. The page computes on one thread
 * either way (node-shims/os.ts).
 */
function nameSharedArrayBuffer(): void {
  if (typeof SharedArrayBuffer === "function" || typeof WebAssembly !== "object") return;
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  (globalThis as Record<string, unknown>).SharedArrayBuffer = shared.buffer.constructor;
}

captureConsole();
provideBuffer();
nameSharedArrayBuffer();
provideSetImmediate();
(globalThis as Record<string, unknown>).require = requireModule;

/** Cells run strictly one after another, as a kernel's execute requests do. */
let queue: Promise<unknown> = Promise.resolve();
globalThis.addEventListener("message", (event: MessageEvent<PageRequest>) => {
  const request = event.data;
  queue = queue.then(async () => postToPage({ kind: "done", cellNumber: request.cellNumber, ok: await run(request) }));
});
