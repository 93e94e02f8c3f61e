import { basename, resolve } from "node:path";
import { clearProgressLine, terminalProgress } from "../progress";
import { boundJobs, describeProblem, listNotebooks, runNotebooks } from "../runner";
import { ParametersError } from "../teach/parameters";
import { parameterHooks, takeParameterFlags } from "../teach/run-parameters";
import { positiveNumber, UsageError, runCommand, withUsage } from "./args";

const USAGE = `usage: gradient-lab run [--out DIR] [--jobs N] [--timeout S] [--in-place]
                        [-p NAME VALUE ...] [--parameters FILE.json] [notebooks...]
  Executes notebooks (default: every notebook in notebooks/) and writes the
  executed copies to DIR (default build/notebooks). --in-place writes the
  outputs back into the source notebooks instead (atomically).
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
  }, async (values, positionals) => {
    const jobs = positiveNumber(values.jobs, "--jobs");
    const timeout = positiveNumber(values.timeout, "--timeout");
    const files = positionals.length > 0 ? positionals.map((file) => resolve(file)) : await listNotebooks(resolve("notebooks"));
    if (files.length === 0) {
      console.error("gradient-lab run: no notebooks to run (notebooks/ has no .ipynb files)");
      return 1;
    }
    if (!values["in-place"]) {
      const seen = new Map<string, string>();
      for (const file of files) {
        const name = basename(file);
        if (seen.has(name)) throw new UsageError(`${seen.get(name)} and ${file} would both be written to ${name} in the output folder`);
        seen.set(name, file);
      }
    }
    let hooks: Awaited<ReturnType<typeof parameterHooks>>;
    try {
      hooks = await parameterHooks(files, parameterFlags.given, values.parameters, { outDir: values.out, inPlace: values["in-place"] });
    } catch (error) {
      if (!(error instanceof ParametersError)) throw error;
      console.error(`gradient-lab run: ${error.message}`);
      return 2;
    }
    const effectiveJobs = boundJobs(jobs, files.length);
    const outcomes = await runNotebooks(files, {
      outDir: values.out,
      inPlace: values["in-place"],
      jobs: effectiveJobs,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      onProgress: terminalProgress(process.stderr, effectiveJobs),
      ...hooks,
    });
    clearProgressLine();
    let failed = 0;
    for (const outcome of outcomes) {
      const problem = describeProblem(outcome);
      if (problem) {
        failed += 1;
        console.error(`FAIL ${problem}`);
      } else {
        console.log(`ok   ${outcome.file} -> ${outcome.written}`);
      }
    }
    console.log(`${outcomes.length} notebooks: ${outcomes.length - failed} executed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  });
}
