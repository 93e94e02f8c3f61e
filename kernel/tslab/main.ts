/**
 * The kernel the kernelspec starts: tslab's own kernel, with zeromq's sends
 * put in order first (ordered-sends.ts), its stream output batched as
 * ipykernel batches it (stream-batching.ts), its cell compiler kept safe
 * from file-system events between cells (converter-timers.ts), its cells'
 * programs spared the `@types` packages the course does not declare (automatic-types.ts) and, under
 * our runner, ended with the runner (parent-watch.ts). Takes tslab's arguments:
 * `--config-path <connection file>`.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { onlyDeclaredTypesAutomatically, type DirectorySystem } from "./automatic-types";
import { queueConverterTimers, type TimerSystem } from "./converter-timers";
import { orderZeromqSends } from "./ordered-sends";
import { endWithParent } from "./parent-watch";
import { batchStreamOutput } from "./stream-batching";

interface TslabMain {
  startKernel(options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean; globalVersion: string }): void;
}

/** tslab's main module as tslab itself would pick it: the copy nearest the notebook's folder, else ours. */
function findTslabMain(cwd: string): string {
  try {
    return createRequire(join(cwd, "kernel.js")).resolve("tslab/dist/main.js");
  } catch {
    return require.resolve("tslab/dist/main.js");
  }
}

function configPath(argv: string[]): string | undefined {
  const at = argv.indexOf("--config-path");
  return at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith("--config-path="))?.slice("--config-path=".length);
}

function main(argv: string[]): void {
  const connectionFile = configPath(argv);
  if (!connectionFile) {
    console.error("gradient-lab kernel: usage: main.js --config-path <connection file>");
    process.exit(2);
  }
  endWithParent(connectionFile);
  const tslabMain = findTslabMain(process.cwd());
  const requireFromTslab = createRequire(tslabMain);
  orderZeromqSends(requireFromTslab("zeromq"));
  batchStreamOutput(requireFromTslab("./jupyter.js"));
  const typescript = requireFromTslab("@tslab/typescript-for-tslab") as { sys: TimerSystem & DirectorySystem };
  queueConverterTimers(typescript.sys);
  onlyDeclaredTypesAutomatically(typescript.sys, process.cwd());
  const tslab = requireFromTslab(tslabMain) as TslabMain;
  const version = (requireFromTslab("../package.json") as { version: string }).version;
  tslab.startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false, globalVersion: version });
}

main(process.argv);
