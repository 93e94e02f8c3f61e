/** The worker thread of parent-watch.ts: waits for the runner's pipe to close, then ends the kernel. */
import { rmSync } from "node:fs";
import { Socket } from "node:net";
import { basename, dirname } from "node:path";
import { workerData } from "node:worker_threads";
import { CONNECTION_FOLDER_PREFIX } from "../wire/connection";

const { fd, connectionFile } = workerData as { fd: number; connectionFile: string };

const pipe = new Socket({ fd, readable: true, writable: false });
pipe.on("data", () => undefined);
pipe.on("error", () => undefined);
pipe.once("close", () => {
  // Only a folder our runner made (wire/connection.ts) is ours to remove.
  if (basename(dirname(connectionFile)).startsWith(CONNECTION_FOLDER_PREFIX)) {
    rmSync(dirname(connectionFile), { recursive: true, force: true });
  }
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // Not a group leader (started by hand): end this process alone.
  }
  process.kill(process.pid, "SIGKILL");
});
