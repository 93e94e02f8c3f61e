import { kernelSpec, type KernelSpec } from "./kernelspec";
import { KernelClient, KernelGoneError, MessageTooLargeError, type IopubListener } from "./wire/client";
import { KernelProcess } from "./wire/launch";
import { within } from "./wire/within";
import type { JupyterMessage } from "./wire/message";

export { KernelGoneError, MessageTooLargeError };

/** The kernel process exited, or lost a port to another process, before it answered its first request. */
export class KernelStartDiedError extends KernelGoneError {}

/** The cell ran longer than allowed; the kernel has been killed. */
export class CellTimeoutError extends Error {}

export interface KernelOptions {
  spec?: KernelSpec;
  /** The kernel's working folder: the notebook's own, as JupyterLab does it. */
  cwd: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A running kernel: its process plus a connected, ready client. */
export class Kernel {
  private constructor(
    readonly process: KernelProcess,
    readonly client: KernelClient,
    readonly info: JupyterMessage,
  ) {}

  static async start(options: KernelOptions): Promise<Kernel> {
    // Ports are picked free but handed to the kernel a moment later, so a kernel started in parallel
    // can take one first (EADDRINUSE); a kernel that dies while starting, or reports a taken port,
    // gets fresh ports and another go.
    for (let attempt = 1; ; attempt++) {
      try {
        return await Kernel.startOnce(options);
      } catch (error) {
        if (!(error instanceof KernelStartDiedError) || attempt >= 3) throw error;
      }
    }
  }

  private static async startOnce(options: KernelOptions): Promise<Kernel> {
    const process = await KernelProcess.start(options.spec ?? kernelSpec(), options.cwd, options.env);
    const client = KernelClient.connect(process.connection);
    void process.exited.then(() => client.fail(new KernelGoneError(process.describeExit())));
    // Only while starting: once ready, the same word on stderr may come from a cell's own code.
    let ready = false;
    void process.portTaken.then(() => {
      if (!ready) client.fail(new KernelStartDiedError(`a port given to the kernel was taken before it could bind it: ${process.describeExit()}`));
    });
    try {
      const info = await client.waitForReady(options.startTimeoutMs ?? 180_000);
      ready = true;
      return new Kernel(process, client, info);
    } catch (error) {
      client.close();
      const died = !process.isAlive;
      await process.kill();
      if (error instanceof KernelStartDiedError) throw error;
      throw died && error instanceof KernelGoneError ? new KernelStartDiedError(error.message) : error;
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /**
   * Executes one cell. If it runs past the timeout the kernel is killed (a
   * busy loop ignores interrupts) and CellTimeoutError is thrown; if the
   * kernel dies meanwhile, KernelGoneError says how.
   */
  async execute(code: string, onOutput: IopubListener, timeoutMs: number, options: { allowStdin?: boolean } = {}): Promise<JupyterMessage> {
    const reply = await within(this.client.execute(code, onOutput, options), timeoutMs);
    if (reply === undefined) {
      await this.kill();
      throw new CellTimeoutError(`the cell ran longer than ${timeoutMs / 1000} s`);
    }
    return reply.value;
  }

  /**
   * Waits until the kernel can run a cell. Our kernel answers kernel_info
   * before TypeScript has loaded (kernel/tslab/main.ts); a silent, empty
   * execute_request is answered only once its compiler is ready, so a cell's
   * own time limit does not count the kernel's start. Any kernel answers it
   * without output, count or history.
   */
  async waitForCompiler(timeoutMs: number): Promise<void> {
    const content = { code: "", silent: true, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false };
    const reply = await within(this.client.request("shell", "execute_request", content), timeoutMs);
    if (reply === undefined) {
      await this.kill();
      throw new KernelGoneError(`the kernel's compiler was not ready within ${timeoutMs / 1000} s`);
    }
  }

  interrupt(): void {
    this.process.interrupt();
  }

  /** Asks politely on the control channel, then kills after the grace period. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.process.isAlive) {
      const asked = this.client.request("control", "shutdown_request", { restart: false });
      asked.catch(() => undefined);
      if ((await within(this.process.exited, graceMs)) === undefined) await this.process.kill(graceMs);
    }
    this.client.close();
  }

  async kill(): Promise<void> {
    await this.process.kill();
    this.client.close();
  }
}
