import { spawn, type ChildProcess } from "node:child_process";
import type { KernelSpec } from "../kernelspec";
import { PARENT_PIPE_FD } from "../tslab/parent-watch";
import { newConnectionInfo, writeConnectionFile, type ConnectionFile, type ConnectionInfo } from "./connection";

/** Kernels still running; none may outlive this process, whatever ends it. */
const running = new Map<ChildProcess, ConnectionFile>();
process.once("exit", () => {
  for (const [child, file] of running) {
    killGroup(child, "SIGKILL");
    file.removeNow();
  }
});

/**
 * The kernel leads its own process group, so a signal to the group reaches
 * whatever a cell started too (a timed-out cell's children must not outlive it).
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** A kernel process started from a kernelspec, and how to end it. */
export class KernelProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Settles when the kernel says on stderr that a port it was given is taken: tslab then lives on, deaf on that port. */
  readonly portTaken: Promise<void>;
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stderrTail = "";

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ConnectionInfo,
    private readonly connectionFile: ConnectionFile,
  ) {
    running.set(child, connectionFile);
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        // What a cell started dies with the kernel, whether the kernel was killed or shut down.
        killGroup(child, "SIGKILL");
        this.exitStatus = { code, signal };
        // Settled only once the folder (it holds the signing key) is gone: a caller that exits right
        // after kill() or shutdown() left it in the temp folder. Until then the exit hook above removes it.
        void connectionFile
          .remove()
          .catch(() => undefined)
          .finally(() => {
            running.delete(child);
            resolve({ code, signal });
          });
      });
    });
    // The kernel's own stderr explains a crash at start-up; keep its end.
    let portTaken!: () => void;
    this.portTaken = new Promise((resolve) => (portTaken = resolve));
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4000);
      if (this.stderrTail.includes("EADDRINUSE")) portTaken();
    });
    child.stdout?.resume();
  }

  static async start(spec: KernelSpec, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<KernelProcess> {
    const connection = await newConnectionInfo();
    const file = await writeConnectionFile(connection);
    const [command, ...args] = spec.argv.map((arg) => arg.replaceAll("{connection_file}", file.path));
    if (!command) throw new Error("the kernelspec's argv is empty");
    // File descriptor 3 is a pipe this process holds open: when it dies, however it dies, the kernel reads
    // end-of-file and ends itself, its group and its connection folder (kernel/tslab/parent-watch.ts).
    // Its own process group keeps the terminal's Ctrl-C for us; we end the kernel ourselves.
    const child = spawn(command, args, {
      cwd,
      env: { ...env, [PARENT_PIPE_FD]: "3" },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(new Error(`could not start the kernel (${command}): ${error.message}`)));
    });
    return new KernelProcess(child, connection, file);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The connection file, inside a private folder removed when the kernel has exited. */
  get connectionFilePath(): string {
    return this.connectionFile.path;
  }

  get isAlive(): boolean {
    return this.exitStatus === undefined;
  }

  /** Why the process ended, in words, with the last of its stderr. */
  describeExit(): string {
    const status = this.exitStatus;
    const how = !status ? "is still running" : status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
    const tail = this.stderrTail.trim();
    return `the kernel (pid ${this.pid}) ${how}${tail ? `; its last stderr: ${tail.split("\n").slice(-3).join(" | ")}` : ""}`;
  }

  interrupt(): void {
    if (this.isAlive) this.child.kill("SIGINT");
  }

  /**
   * Ends the process: SIGTERM, then SIGKILL once the grace period is over.
   * A kernel stuck in a busy loop never runs its shutdown handler.
   */
  async kill(graceMs = 2000): Promise<void> {
    if (!this.isAlive) return;
    killGroup(this.child, "SIGTERM");
    const timer = setTimeout(() => killGroup(this.child, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
