import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A port nobody listens on right now (others run tests on this machine too: never a fixed one). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no free port"))));
    });
  });
}

export interface RunningServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly base: string;
  /** Everything the server wrote, for failure messages. */
  log(): string;
  /** Shuts every kernel down through the API, then stops the server (SIGKILL if SIGTERM is not enough). */
  stop(): Promise<void>;
}

/** How long a server on a busy 2-core machine may take to print that it listens. */
const START_LIMIT_MS = 180_000;
/** How long a stopped server may take to exit before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * Starts a Jupyter server (`command args`, given `--port` by the caller as
 * `port`) and resolves once it prints that it is running at its URL: the
 * moment it accepts requests. Rejects with its log if it exits first.
 */
export async function startJupyterServer(command: string, args: (port: number) => string[], env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(command, args(port), { env, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  const log = (): string => chunks.join("");
  await new Promise<void>((ready, fail) => {
    const limit = setTimeout(() => fail(new Error(`the Jupyter server did not say it runs at ${base} within ${START_LIMIT_MS / 1000} s; its log:\n${log()}`)), START_LIMIT_MS);
    const listen = (chunk: Buffer): void => {
      chunks.push(String(chunk));
      if (log().includes(`is running at:`) && log().includes(`${base}/`)) {
        clearTimeout(limit);
        ready();
      }
    };
    server.stdout?.on("data", listen);
    server.stderr?.on("data", listen);
    server.once("exit", (code, signal) => {
      clearTimeout(limit);
      fail(new Error(`the Jupyter server exited (${signal ?? `code ${code}`}) before it ran; its log:\n${log()}`));
    });
  });
  return { base, log, stop: () => stopServer(server, base) };
}

async function stopServer(server: ChildProcess, base: string): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  // Kernels first, through the API, so no kernel outlives its server.
  try {
    const kernels = (await (await fetch(`${base}/api/kernels`)).json()) as { id: string }[];
    await Promise.all(kernels.map((kernel) => fetch(`${base}/api/kernels/${kernel.id}`, { method: "DELETE" })));
  } catch {
    // the server no longer answers; the signal below still stops it
  }
  const exited = new Promise((done) => server.once("exit", done));
  server.kill("SIGTERM");
  const stubborn = setTimeout(() => server.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(stubborn);
}
