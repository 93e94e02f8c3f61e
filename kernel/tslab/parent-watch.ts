import { join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * The environment variable through which our runner tells the kernel which
 * file descriptor is the read end of a pipe the runner holds open. Only the
 * runner sets it.
 */
export const PARENT_PIPE_FD = "GRADIENT_LAB_PARENT_PIPE_FD";

/**
 * The variable jupyter_client sets to its own pid when it starts a kernel
 * (nbclient, the JupyterLab server, `jupyter console`); ipykernel's parent
 * poller watches the same one.
 */
export const JUPYTER_PARENT_PID = "JPY_PARENT_PID";

/** What the watch thread (parent-watch-worker.ts) is told to watch. */
export interface ParentWatch {
  connectionFile: string;
  /** Our runner's pipe: end-of-file the moment the runner is gone. */
  pipeFd?: number;
  /** jupyter_client's pid, and whether it was our parent when the kernel started (see parentGone). */
  jupyterParent?: { pid: number; wasParent: boolean };
}

/**
 * Ends this kernel, its cells' child processes and its connection file as
 * soon as the process that started it is gone, however it went: a SIGKILL
 * gives the parent no chance to shut the kernel down.
 *
 * - Under our runner, the kernel's end of a pipe from the runner reads
 *   end-of-file. The runner starts the kernel as the leader of its own
 *   process group, so one signal reaches the cells' children too.
 * - Under jupyter_client, `JPY_PARENT_PID` names the parent: the kernel is
 *   re-parented the moment it dies (a SIGKILLed client never runs its own
 *   cleanup, and a kernel was seen alive ten minutes later under pid 1).
 *   jupyter_client starts kernels in a session of their own, so the group
 *   signal reaches the cells' children there too.
 *
 * Watched from a worker thread: a cell in a busy loop holds the kernel's
 * main thread, and its end must not wait for the loop.
 */
export function endWithParent(connectionFile: string): void {
  const watch: ParentWatch = { connectionFile };
  const fd = Number(process.env[PARENT_PIPE_FD]);
  if (Number.isInteger(fd) && fd >= 3) watch.pipeFd = fd;
  const jupyterPid = Number(process.env[JUPYTER_PARENT_PID]);
  if (Number.isInteger(jupyterPid) && jupyterPid > 1) watch.jupyterParent = { pid: jupyterPid, wasParent: process.ppid === jupyterPid };
  // A cell's own child processes have another parent and must not watch these.
  delete process.env[PARENT_PIPE_FD];
  delete process.env[JUPYTER_PARENT_PID];
  if (watch.pipeFd === undefined && watch.jupyterParent === undefined) return;
  const worker = new Worker(join(__dirname, "parent-watch-worker.js"), { workerData: watch });
  // The watch must not keep alive a kernel that tslab has shut down.
  worker.unref();
}
