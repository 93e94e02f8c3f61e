import { rmSync } from "node:fs";
import { Socket } from "node:net";
import { basename, dirname } from "node:path";

/**
 * The environment variable through which our runner tells the kernel which
 * file descriptor is the read end of a pipe the runner holds open. Only the
 * runner sets it; under Jupyter the kernel lives as Jupyter manages it.
 */
export const PARENT_PIPE_FD = "GRADIENT_LAB_PARENT_PIPE_FD";

/** The prefix of the private temporary folder that holds a connection file (wire/connection.ts). */
export const CONNECTION_FOLDER_PREFIX = "gradient-lab-kernel-";

/**
 * Ends this kernel, its cells' child processes and its connection folder as
 * soon as the process that started it is gone, however it went: a SIGKILL
 * gives the runner no chance to clean up, but the kernel's end of the pipe
 * then reads end-of-file. The runner starts the kernel as the leader of its
 * own process group, so one signal reaches the cells' children too.
 */
export function endWithParent(connectionFile: string | undefined): void {
  const fd = Number(process.env[PARENT_PIPE_FD]);
  // A cell's own child processes must not watch the same pipe.
  delete process.env[PARENT_PIPE_FD];
  if (!Number.isInteger(fd) || fd < 3) return;
  const pipe = new Socket({ fd, readable: true, writable: false });
  // The pipe must not keep a kernel alive that tslab has shut down.
  pipe.unref();
  pipe.on("data", () => undefined);
  pipe.on("error", () => undefined);
  pipe.once("close", () => {
    if (connectionFile && basename(dirname(connectionFile)).startsWith(CONNECTION_FOLDER_PREFIX)) {
      rmSync(dirname(connectionFile), { recursive: true, force: true });
    }
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      // Not a group leader (started by hand): end this process alone.
    }
    process.kill(process.pid, "SIGKILL");
  });
}
