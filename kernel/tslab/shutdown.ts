import type { Channels } from "./channels";
import type { Engine } from "./engine";

let closing = false;

/**
 * Ends the kernel after a shutdown_request (control or shell) or SIGTERM:
 * what has been queued to send leaves first (the shutdown_reply among it),
 * then the compiler's file watchers and the sockets are closed. A restart
 * is the same: the client that asked starts a new kernel process.
 */
export async function closeKernel(channels: Channels, engine: Engine | undefined): Promise<void> {
  if (closing) return;
  closing = true;
  await channels.drained();
  engine?.close();
  channels.close();
  setImmediate(() => process.exit(0));
}
