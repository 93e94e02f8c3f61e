import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Peak resident memory of a command and everything it starts, read from
 * /proc while it runs (Linux only; Debian's /usr/bin/time is not always
 * there, and getrusage's children figure is the largest single descendant,
 * not their sum). Every `intervalMs` the process tree is walked: the sum of
 * its processes' VmRSS at that moment is one sample of the tree, and each
 * process's own VmHWM (its high-water mark, kept by the kernel) is the most
 * it ever held, so a kernel's peak is exact even between samples.
 */
export interface TreeMemory {
  /** The command's own process. */
  rootPid: number;
  /** The largest sum of the tree's resident memory seen in one sample, in bytes. */
  treePeakBytes: number;
  /** Each process seen, with its command line and the highest VmHWM read from it. */
  processes: { pid: number; command: string; peakBytes: number }[];
  seconds: number;
}

/** Samples every 50 ms: a notebook's kernel lives for seconds, the course build for tens. */
const defaultIntervalMs = 50;

export interface ProcEntry {
  ppid: number;
  /** Resident memory now (VmRSS) and its high-water mark (VmHWM), KiB. */
  rssKb: number;
  hwmKb: number;
}

/** A process's parent and memory from /proc/PID/status; undefined when it is gone. */
export function readProcess(pid: number): ProcEntry | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string): number => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
    return { ppid: field("PPid"), rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
  } catch {
    // It exited between the listing and the read.
    return undefined;
  }
}

/** A process's arguments joined by spaces; "" when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** Every process now, by pid. */
function allProcesses(): Map<number, ProcEntry> {
  const all = new Map<number, ProcEntry>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(Number(name));
    if (entry) all.set(Number(name), entry);
  }
  return all;
}

/** The root and its descendants among `all` (pid to parent), found by their parents. */
export function descendants<T extends { ppid: number }>(root: number, all: ReadonlyMap<number, T>): Map<number, T> {
  const members = new Map<number, T>();
  const rootEntry = all.get(root);
  if (!rootEntry) return members;
  members.set(root, rootEntry);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, entry] of all) {
      if (!members.has(pid) && members.has(entry.ppid)) {
        members.set(pid, entry);
        grew = true;
      }
    }
  }
  return members;
}

/** Runs the command to its end, sampling its process tree; rejects, with its output's tail, when it fails. */
export function watchTreeMemory(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; intervalMs?: number; onSample?: (processes: TreeMemory["processes"]) => void },
): Promise<TreeMemory> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let treePeakKb = 0;
  const seen = new Map<number, { command: string; peakKb: number }>();
  const sample = (): void => {
    if (child.pid === undefined) return;
    let sum = 0;
    for (const [pid, entry] of descendants(child.pid, allProcesses())) {
      sum += entry.rssKb;
      const known = seen.get(pid) ?? { command: commandLine(pid), peakKb: 0 };
      known.peakKb = Math.max(known.peakKb, entry.hwmKb);
      seen.set(pid, known);
    }
    treePeakKb = Math.max(treePeakKb, sum);
    options.onSample?.([...seen].map(([pid, p]) => ({ pid, command: p.command, peakBytes: p.peakKb * 1024 })));
  };
  const timer = setInterval(sample, options.intervalMs ?? defaultIntervalMs);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearInterval(timer);
      reject(new Error(`memory: could not start ${command}: ${error.message}`));
    });
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      if (code !== 0) {
        reject(new Error(`memory: ${command} ${args.join(" ")} ended with ${signal ?? `exit code ${code}`}:\n${stderr}`));
        return;
      }
      resolve({
        rootPid: child.pid as number,
        treePeakBytes: treePeakKb * 1024,
        processes: [...seen].map(([pid, p]) => ({ pid, command: p.command, peakBytes: p.peakKb * 1024 })),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  });
}

/** What the bench reports: a kernel's peak after the course's heaviest notebook, and `npm start`'s whole tree. */
export interface MemoryReport {
  /** The notebook the kernel ran, and the kernel process's VmHWM (bytes). */
  kernel?: { notebook: string; peakBytes: number };
  /** `npm start`'s steps (compile, run --force, export --force) as one tree: the peak of its summed resident memory (bytes). */
  npmStart?: { treePeakBytes: number; seconds: number };
}

/** The runner's kernels: the processes below it that run the kernel's launcher (the runner also builds and checks the start-up snapshot in children of its own). */
function kernelProcesses(memory: TreeMemory): TreeMemory["processes"] {
  const launcher = join("kernel", "tslab", "main.js");
  return memory.processes.filter((p) => p.pid !== memory.rootPid && p.command.includes(launcher));
}

/**
 * The kernel's peak after `notebook` (run alone, --force, with a cache folder
 * of its own), and `npm start`'s steps into scratch folders so the
 * repository's build/ and site/ are left alone.
 */
export async function measureMemory(root: string, notebook: string): Promise<MemoryReport> {
  const scratch = mkdtempSync(join(tmpdir(), "gradient-lab-bench-memory-"));
  const env = { ...process.env, CACHE_DIR: join(scratch, "cache") };
  const cli = join(root, "dist", "kernel", "cli.js");
  try {
    const alone = await watchTreeMemory(process.execPath, [cli, "run", "--force", "--out", join(scratch, "alone"), notebook], { cwd: root, env });
    const kernels = kernelProcesses(alone);
    if (kernels.length !== 1) throw new Error(`memory: expected one kernel process running ${notebook}, saw ${kernels.length} (${alone.processes.map((p) => p.command).join("; ")})`);
    const report: MemoryReport = { kernel: { notebook, peakBytes: (kernels[0] as TreeMemory["processes"][number]).peakBytes } };
    // npm start is three commands; one shell runs them so the tree holds all three.
    const out = join(scratch, "course");
    const steps = [
      [process.execPath, join(root, "node_modules", "typescript", "bin", "tsc"), "-b", join(root, "tsconfig.json")],
      [process.execPath, cli, "run", "--force", "--out", join(out, "notebooks")],
      [process.execPath, cli, "export", "--html", "--force", "--from", join(out, "notebooks"), "--out", join(out, "site")],
    ];
    const script = steps.map((step) => step.map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" ")).join(" && ");
    const whole = await watchTreeMemory("/bin/sh", ["-c", script], { cwd: root, env });
    return { ...report, npmStart: { treePeakBytes: whole.treePeakBytes, seconds: whole.seconds } };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
