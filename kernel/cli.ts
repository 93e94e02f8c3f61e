#!/usr/bin/env node
/**
 * The `gradient-lab` command. Each subcommand lives in kernel/commands/<name>.ts
 * and exports `main(argv): Promise<number>` (the exit code). They are loaded
 * only when asked for, so one missing or broken command cannot stop the rest.
 */
const COMMANDS: Record<string, string> = {
  run: "execute notebooks and write their executed copies",
  test: "re-execute notebooks and compare with their stored outputs",
  kernel: "kernel install|uninstall [--user|--prefix DIR]: register the TypeScript kernel, plotly.js and the JupyterLab extension with Jupyter (or remove them)",
  export: "build the offline HTML course site",
  step: "show one training step with the numbers substituted",
  init: "init DIR: start a course repository of your own that depends on gradient-lab",
};

const USAGE = `usage: gradient-lab <command> [options]\n\n${Object.entries(COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(8)}${what}`)
  .join("\n")}\n\nRun "gradient-lab <command> --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    console.error(`gradient-lab: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  let command: { main?: (argv: string[]) => Promise<number> };
  try {
    command = require(`./commands/${name}`);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`commands/${name}`);
    console.error(missing ? `gradient-lab: the "${name}" command is not built yet (no kernel/commands/${name})` : `gradient-lab: the "${name}" command failed to load: ${(error as Error).message}`);
    return 2;
  }
  if (typeof command.main !== "function") {
    console.error(`gradient-lab: kernel/commands/${name} exports no main(argv)`);
    return 2;
  }
  return command.main(rest);
}

/**
 * Commands that start no processes keep the default action for Ctrl-C and
 * SIGTERM, which ends them at once: `step` computes with the event loop
 * blocked, where a handler would not run until the computation ended.
 */
const DEFAULT_SIGNALS = new Set(["step"]);

if (require.main === module) {
  // Exit through process.exit so the kernels started by this run are killed
  // (a kernel treats the terminal's Ctrl-C as an interrupt, not as the end).
  for (const [signal, number] of DEFAULT_SIGNALS.has(process.argv[2] ?? "") ? [] : ([["SIGINT", 2], ["SIGTERM", 15]] as const)) {
    process.once(signal, () => process.exit(128 + number));
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`gradient-lab: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
