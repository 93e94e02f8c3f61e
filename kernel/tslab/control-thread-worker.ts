/**
 * The control channel and the heartbeat, on their own thread (see
 * control-thread.ts). An interrupt_request raises SIGINT on the process, as
 * the kernelspec's `interrupt_mode: "message"` promises: a cell running
 * synchronous code is stopped by Node (`breakOnSigint` in tslab's executor),
 * an awaiting one by the main thread's SIGINT handler (interrupt.ts). A
 * shutdown_request is answered here, then the main thread closes the kernel;
 * if it is stuck in a busy cell, the process is ended after a grace period.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { address } from "../wire/connection";
import { decodeMessage, encodeMessage, newMessage, routingIds } from "../wire/message";
import type { ControlEvent, ControlThreadData } from "./control-thread";

/** How long the main thread gets to close the kernel itself after a shutdown request. */
const SHUTDOWN_GRACE_MS = 2000;
/** While the interrupted cell still runs, SIGINT is raised again this often (a first one can land before the cell's code starts). */
const INTERRUPT_AGAIN_MS = 100;
const INTERRUPT_TRIES = 20;

const { connection, session, kernelInfo, running } = workerData as ControlThreadData;
const runningCell = new Int32Array(running);

/**
 * SIGINT for the main thread. Node stops synchronous cell code only while it
 * runs (tslab's `breakOnSigint`); a signal that comes while the cell is still
 * being compiled goes to a handler that cannot run before the cell ends. So
 * the signal is raised again while the same cell is still running.
 */
function interruptRunningCell(): void {
  const cell = Atomics.load(runningCell, 0);
  process.kill(process.pid, "SIGINT");
  if (cell === 0) return;
  let tries = 1;
  const again = setInterval(() => {
    if (Atomics.load(runningCell, 0) !== cell || tries++ >= INTERRUPT_TRIES) clearInterval(again);
    else process.kill(process.pid, "SIGINT");
  }, INTERRUPT_AGAIN_MS);
}

async function serveHeartbeat(heartbeat: zmq.Reply): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

async function serveControl(control: zmq.Router): Promise<void> {
  for await (const frames of control) {
    const decoded = decodeMessage(connection.key, frames);
    if (!decoded.ok) {
      process.stderr.write(`gradient-lab kernel: dropped a control message: ${decoded.reason}\n`);
      continue;
    }
    const { header, content } = decoded.message;
    const reply = (msgType: string, replyContent: object) =>
      control.send([...routingIds(frames), ...encodeMessage(connection.key, newMessage(msgType, replyContent, session, header))]);
    switch (header.msg_type) {
      case "interrupt_request":
        interruptRunningCell();
        await reply("interrupt_reply", { status: "ok" });
        break;
      case "shutdown_request": {
        const restart = content.restart === true;
        await reply("shutdown_reply", { status: "ok", restart });
        parentPort!.postMessage({ type: "shutdown", restart } satisfies ControlEvent);
        setTimeout(() => process.kill(process.pid, "SIGKILL"), SHUTDOWN_GRACE_MS);
        break;
      }
      case "kernel_info_request":
        await reply("kernel_info_reply", kernelInfo);
        break;
      default:
        process.stderr.write(`gradient-lab kernel: ignored a ${header.msg_type} on control: this kernel does not handle it\n`);
    }
  }
}

async function main(): Promise<void> {
  const control = new zmq.Router({ linger: 1000 });
  const heartbeat = new zmq.Reply({ linger: 0 });
  await Promise.all([control.bind(address(connection, connection.control_port)), heartbeat.bind(address(connection, connection.hb_port))]);
  parentPort!.postMessage("bound");
  await Promise.all([serveControl(control), serveHeartbeat(heartbeat)]);
}

main().catch((error: Error) => {
  process.stderr.write(`gradient-lab kernel: the control thread stopped: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
