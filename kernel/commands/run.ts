import { basename, resolve } from "node:path";
import { cacheFolder } from "../cache/cache-folder";
import { ExecutionCache } from "../cache/execution-cache";
import { clearProgressLine, REUSED, terminalProgress } from "../progress";
import { listNotebooks } from "../notebook/nbformat";
import { buildKernelSnapshot } from "../tslab/kernel-snapshot";
import { boundJobs, checkOutDir, describeProblem, runNotebooks } from "../runner";
import { ParametersError } from "../teach/parameters";
import { parameterHooks, takeParameterFlags } from "../teach/run-parameters";
import { positiveNumber, UsageError, runCommand, withUsage } from "./args";
import { chooseShare, parseShard } from "./shard";

const USAGE = `usage: gradient-lab run [--out DIR] [--jobs N] [--timeout S] [--in-place] [--force]
                        [--shard i/n] [-p NAME VALUE ...] [--parameters FILE.json] [notebooks...]
  Executes notebooks (default: every notebook in notebooks/) and writes the
  executed copies to DIR (default build/notebooks). --in-place writes the
  outputs back into the source notebooks instead (atomically).
  A notebook whose code cells, parameters, engine build and kernel are
  unchanged since its last clean run is not executed again: its outputs come
  from node_modules/.cache/gradient-lab. --force executes every notebook
  (and stores the fresh outputs).
  -p NAME VALUE replaces a value of the notebook's "parameters" cell, as
  papermill does (a cell tagged "injected-parameters" redeclares it);
  --parameters reads several from a JSON object.`;

export async function main(argv: string[]): Promise<number> {
  // -p takes two values, which node's parseArgs cannot read: it is taken out first.
  return withUsage(USAGE, async () => runWithParameters(takeParameterFlags(argv)));
}

async function runWithParameters(parameterFlags: ReturnType<typeof takeParameterFlags>): Promise<number> {
  return runCommand(parameterFlags.rest, USAGE, {
    parameters: { type: "string" },
    out: { type: "string" },
    jobs: { type: "string" },
    timeout: { type: "string" },
    "in-place": { type: "boolean" },
    force: { type: "boolean" },
    shard: { type: "string" },
  }, async (values, positionals) => {
    const jobs = positiveNumber(values.jobs, "--jobs");
    const timeout = positiveNumber(values.timeout, "--timeout");
    // Checked before the notebooks are listed, so a bad value is what gets reported.
    const shard = parseShard(values.shard);
    const all = positionals.length > 0 ? positionals.map((file) => resolve(file)) : await listNotebooks(resolve("notebooks"));
    if (all.length === 0) {
      console.error("gradient-lab run: no notebooks to run (notebooks/ has no .ipynb files)");
      return 1;
    }
    const files = chooseShare(all, shard);
    if (files.length === 0) return 0;
    if (!values["in-place"]) {
      const seen = new Map<string, string>();
      for (const file of files) {
        const name = basename(file);
        if (seen.has(name)) throw new UsageError(`${seen.get(name)} and ${file} would both be written to ${name} in the output folder`);
        seen.set(name, file);
      }
    }
    if (!values["in-place"]) await checkOutDir(values.out).catch((error: Error) => Promise.reject(new UsageError(`--out: ${error.message}`)));
    let hooks: Awaited<ReturnType<typeof parameterHooks>>;
    try {
      hooks = await parameterHooks(files, parameterFlags.given, values.parameters, { outDir: values.out, inPlace: values["in-place"] });
    } catch (error) {
      if (!(error instanceof ParametersError)) throw error;
      console.error(`gradient-lab run: ${error.message}`);
      return 2;
    }
    const effectiveJobs = boundJobs(jobs, files.length);
    // Once per Node, TypeScript and kernel build (seconds); every kernel of this run and later ones then starts from it.
    await buildKernelSnapshot().catch((error: Error) => console.error(`gradient-lab run: kernels start without a snapshot: ${error.message}`));
    const outcomes = await runNotebooks(files, {
      outDir: values.out,
      inPlace: values["in-place"],
      jobs: effectiveJobs,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      onProgress: terminalProgress(process.stderr, effectiveJobs),
      cache: new ExecutionCache({ folder: cacheFolder(), reuse: !values.force }),
      ...hooks,
    });
    clearProgressLine();
    let failed = 0;
    let reused = 0;
    for (const outcome of outcomes) {
      const problem = describeProblem(outcome);
      if (problem) {
        failed += 1;
        console.error(`FAIL ${problem}`);
      } else {
        if (outcome.reused) reused += 1;
        console.log(`ok   ${outcome.file} -> ${outcome.written}${outcome.reused ? ` (${REUSED})` : ""}`);
      }
    }
    console.log(`${outcomes.length} notebooks: ${outcomes.length - failed - reused} executed, ${reused > 0 ? `${reused} cached, ` : ""}${failed} failed`);
    return failed > 0 ? 1 : 0;
  });
}
