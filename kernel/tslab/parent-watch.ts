import { join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * The environment variable through which our runner tells the kernel which
 * file descriptor is the read end of a pipe the runner holds open. Only the
 * runner sets it; under Jupyter the kernel lives as Jupyter manages it.
 */
export const PARENT_PIPE_FD = "GRADIENT_LAB_PARENT_PIPE_FD";

/**
 * Ends this kernel, its cells' child processes and its connection folder as
 * soon as the process that started it is gone, however it went: a SIGKILL
 * gives the runner no chance to clean up, but the kernel's end of the pipe
 * then reads end-of-file. The runner starts the kernel as the leader of its
 * own process group, so one signal reaches the cells' children too.
 *
 * The pipe is watched from a worker thread: a cell in a busy loop holds the
 * kernel's main thread, and its end must not wait for the loop.
 */
export function endWithParent(connectionFile: string): void {
  const fd = Number(process.env[PARENT_PIPE_FD]);
  // A cell's own child processes must not watch the same pipe.
  delete process.env[PARENT_PIPE_FD];
  if (!Number.isInteger(fd) || fd < 3) return;
  const worker = new Worker(join(__dirname, "parent-watch-worker.js"), { workerData: { fd, connectionFile } });
  // The watch must not keep alive a kernel that tslab has shut down.
  worker.unref();
}
