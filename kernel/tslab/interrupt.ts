import type { Engine } from "./engine";

/**
 * SIGINT interrupts the running cell, whether it came from the control
 * thread (an interrupt_request) or from outside (`interrupt_mode: signal`
 * clients, Ctrl-C). A cell running synchronous code is stopped by Node
 * itself (tslab's executor runs it with `breakOnSigint`); this handler stops
 * a cell that is awaiting something, through tslab's executor, which then
 * rejects the cell's await. A busy loop after an `await` in an async cell
 * cannot be stopped this way: JavaScript offers no means to break into it.
 */
export function interruptOnSigint(engine: () => Engine | undefined): void {
  process.on("SIGINT", () => engine()?.interrupt());
}
