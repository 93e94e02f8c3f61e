import { readFileSync } from "node:fs";

/** Whether a process still runs: a zombie still answers kill(0), so /proc tells it apart. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Polls until `done()` or the bound passes; returns how long it took, or undefined if it never held. */
export async function within(boundMs: number, done: () => boolean): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if (done()) return Date.now() - started;
    if (Date.now() - started > boundMs) return undefined;
    await new Promise((wake) => setTimeout(wake, 20));
  }
}
