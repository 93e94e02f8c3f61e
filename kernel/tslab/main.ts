/**
 * The kernel the kernelspec starts: our own Jupyter message loop (shell.ts,
 * control-thread.ts) around tslab's TypeScript engine (engine.ts). Takes
 * tslab's arguments: `--config-path <connection file>`.
 *
 * Start-up order is chosen for speed: the sockets are bound and
 * kernel_info is answered first (it needs no compiler), while TypeScript
 * loads and builds its first program in stages in between (engine.ts); the
 * first cell waits only for what is left of that.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheFolder } from "../cache/cache-folder";
import { projectRoot } from "../project-root";
import type { ConnectionInfo } from "../wire/connection";
import { CellOutput } from "./cell-output";
import { Channels } from "./channels";
import { RunningCell, startControlThread } from "./control-thread";
import { Engine } from "./engine";
import type { Execution } from "./execute";
import { History } from "./history";
import { interruptOnSigint } from "./interrupt";
import { kernelInfo } from "./kernel-info";
import { endWithParent } from "./parent-watch";
import { ShellLoop } from "./shell";
import { closeKernel } from "./shutdown";
import { InputRequests } from "./stdin";
import { thrownError } from "./traceback";
import { startStage } from "./start-timing";
import { tslabRequire, typescriptVersion } from "./tslab-modules";

function configPath(argv: string[]): string | undefined {
  const at = argv.indexOf("--config-path");
  return at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith("--config-path="))?.slice("--config-path=".length);
}

/** How long the engine's load waits for a client's first request, to answer it before the load holds the thread. */
const FIRST_REQUEST_WAIT_MS = 200;

/** Lets the event loop turn once, so requests that arrived meanwhile are answered between the engine's slow stages. */
const yieldToRequests = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

async function startKernel(connectionFile: string): Promise<void> {
  const connection = JSON.parse(readFileSync(connectionFile, "utf8")) as ConnectionInfo;
  const cwd = process.cwd();
  const fromTslab = tslabRequire(cwd);
  const session = randomUUID();
  const info = kernelInfo(typescriptVersion(fromTslab));
  startStage("main loaded");
  const channels = await Channels.bind(connection, session);
  startStage("sockets bound");
  const input = new InputRequests(channels);
  const output = new CellOutput(channels, (prompt, password) => input.ask(prompt, password));

  let engine: Engine | undefined;
  let startLoading!: () => void;
  const mayLoad = new Promise<void>((resolve) => (startLoading = resolve));
  const codeCacheFolder = join(cacheFolder(projectRoot()), "compiler");
  const loading = mayLoad.then(() => Engine.load(fromTslab, cwd, { step: yieldToRequests, codeCacheFolder, log: output.log }));
  loading.then((loaded) => (engine = loaded)).catch((error: Error) => output.log(`TypeScript could not be loaded: ${error.stack ?? error.message}`));
  const running = new RunningCell();
  const execution: Execution = { channels, output, input, history: new History(), engine: () => loading, running, count: 0 };

  // A restart is a shutdown here too: the client that asked for it starts the new process.
  const shutdown = () => void closeKernel(channels, engine);
  interruptOnSigint(() => engine);
  // Errors thrown later by a cell's timers or promises: printed to that cell's stderr, as tslab did, with the cell's lines.
  const report = (error: unknown) => process.stderr.write(`${thrownError(error, (name) => engine?.cellOf(name)).traceback.join("\n")}\n`);
  process.on("uncaughtException", report);
  process.on("unhandledRejection", report);
  process.on("SIGTERM", shutdown);

  const shell = new ShellLoop(channels, execution, info, shutdown);
  const serving = shell.run();
  void startControlThread({ connection, session, kernelInfo: info, running: running.buffer }, shutdown).then(
    () => startStage("control thread bound"),
    (error: Error) => output.log(`the control thread did not start: ${error.stack ?? error.message}`),
  );
  // TypeScript's load blocks this thread for a second or more: the client's first request (kernel_info) is answered first.
  await Promise.race([shell.firstHandled, new Promise((resolve) => setTimeout(resolve, FIRST_REQUEST_WAIT_MS))]);
  startLoading();
  await serving;
}

function main(argv: string[]): void {
  const connectionFile = configPath(argv);
  if (!connectionFile) {
    console.error("gradient-lab kernel: usage: main.js --config-path <connection file>");
    process.exit(2);
  }
  endWithParent(connectionFile);
  startKernel(connectionFile).catch((error: NodeJS.ErrnoException) => {
    // The code matters to the runner: EADDRINUSE (a port taken before the kernel bound it) makes it start again on fresh ports.
    console.error(`gradient-lab kernel: could not start${error.code ? ` (${error.code})` : ""}: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}

main(process.argv);
