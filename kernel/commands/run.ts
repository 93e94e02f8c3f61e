import { basename, resolve } from "node:path";
import { clearProgressLine, terminalProgress } from "../progress";
import { listNotebooks } from "../notebook/nbformat";
import { boundJobs, describeProblem, checkOutDir, runNotebooks } from "../runner";
import { positiveNumber, UsageError, runCommand } from "./args";

const USAGE = `usage: gradient-lab run [--out DIR] [--jobs N] [--timeout S] [--in-place] [notebooks...]
  Executes notebooks (default: every notebook in notebooks/) and writes the
  executed copies to DIR (default build/notebooks). --in-place writes the
  outputs back into the source notebooks instead (atomically).`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
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
    if (!values["in-place"]) await checkOutDir(values.out).catch((error: Error) => Promise.reject(new UsageError(`--out: ${error.message}`)));
    const effectiveJobs = boundJobs(jobs, files.length);
    const outcomes = await runNotebooks(files, {
      outDir: values.out,
      inPlace: values["in-place"],
      jobs: effectiveJobs,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      onProgress: terminalProgress(process.stderr, effectiveJobs),
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
