import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { commandLine, readProcess } from "../../bench/memory";

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

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Its working folder (a kernel's: the notebook's folder). */
  cwd: string;
  /** Its arguments, joined by spaces. */
  command: string;
  /** Resident memory (VmRSS), bytes. */
  residentBytes: number;
}

/** This machine's processes, as /proc shows them; one that ends while being read is left out. */
export function processes(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name): ProcessInfo[] => {
      const pid = Number(name);
      const status = readProcess(pid);
      const cwd = workingFolder(pid);
      if (!status || cwd === undefined) return [];
      return [{ pid, ppid: status.ppid, cwd, command: commandLine(pid), residentBytes: status.rssKb * 1024 }];
    });
}

function workingFolder(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
