/** node:worker_threads for the browser bundle: the page's engine runs in one worker, so a FastNetwork asked for threads says so. */
export const workerData = undefined;
export class Worker {
  constructor() {
    throw new Error("FastNetwork threads: the course site's engine runs on one thread; use threads: 1 in the page");
  }
}
