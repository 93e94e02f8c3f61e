/** node:os for the browser bundle: the worker computes on one thread (threads: "auto" means 1). */
export function availableParallelism(): number {
  return 1;
}
