/** The worker thread of parent-watch.ts: waits for the parent to be gone, then ends the kernel. */
import { rmSync } from "node:fs";
import { Socket } from "node:net";
import { basename, dirname } from "node:path";
import { workerData } from "node:worker_threads";
import { CONNECTION_FOLDER_PREFIX } from "../wire/connection";
import type { ParentWatch } from "./parent-watch";

/** How often jupyter_client's pid is looked at: well inside the two seconds a kernel may outlive its client. */
const POLL_MS = 200;

const { connectionFile, pipeFd, jupyterParent } = workerData as ParentWatch;

function endKernel(): void {
  // Our runner's private folder goes whole; Jupyter's runtime folder is shared, so only this kernel's file.
  if (basename(dirname(connectionFile)).startsWith(CONNECTION_FOLDER_PREFIX)) {
    rmSync(dirname(connectionFile), { recursive: true, force: true });
  } else {
    rmSync(connectionFile, { force: true });
  }
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // Not a group leader (started by hand): end this process alone.
  }
  process.kill(process.pid, "SIGKILL");
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A dead parent's children are re-parented at once, before the dead one is
 * reaped, so a changed ppid is the sure sign. When the kernel did not start
 * as jupyter_client's child (a wrapper between them, or the client already
 * gone before this thread looked), the pid itself is watched instead.
 */
function parentGone(parent: NonNullable<ParentWatch["jupyterParent"]>): boolean {
  return parent.wasParent ? process.ppid !== parent.pid : !processExists(parent.pid);
}

if (pipeFd !== undefined) {
  const pipe = new Socket({ fd: pipeFd, readable: true, writable: false });
  pipe.on("data", () => undefined);
  pipe.on("error", () => undefined);
  pipe.once("close", endKernel);
}
if (jupyterParent !== undefined) {
  const poll = setInterval(() => {
    if (parentGone(jupyterParent)) {
      clearInterval(poll);
      endKernel();
    }
  }, POLL_MS);
}
