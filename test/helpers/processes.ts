import { readdirSync, readFileSync, readlinkSync } from "node:fs";

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
      try {
        const status = readFileSync(`/proc/${name}/status`, "utf8");
        const field = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
        return [
          {
            pid: Number(name),
            ppid: field("PPid"),
            cwd: readlinkSync(`/proc/${name}/cwd`),
            command: readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ").trim(),
            residentBytes: field("VmRSS") * 1024,
          },
        ];
      } catch {
        return [];
      }
    });
}
