import { resolve } from "node:path";
import { listNotebooks, NotebookFormatError } from "../notebook/nbformat";
import { clearProgressLine, terminalProgress } from "../progress";
import { formatRegression, refreshStoredOutputs, regressNotebook, type RegressionResult } from "../regression/harness";

import { positiveNumber, runCommand } from "./args";
import { chooseShare, parseShard } from "./shard";

const USAGE = `usage: gradient-lab test [--update] [--timeout S] [--shard i/n] [notebooks...]
  Re-executes notebooks (default: every notebook in notebooks/) and compares
  each cell's outputs with the stored ones. --update stores the fresh outputs
  in the source notebooks instead (only for notebooks that ran cleanly).
  --shard i/n runs the i-th of n equal shares of the notebooks sorted by
  path (for a CI matrix). Always executes: the run cache is never used.`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
    update: { type: "boolean" },
    timeout: { type: "string" },
    shard: { type: "string" },
  }, async (values, positionals) => {
    const timeout = positiveNumber(values.timeout, "--timeout");
    // Checked before the notebooks are listed, so a bad value is what gets reported.
    const shard = parseShard(values.shard);
    const all = positionals.length > 0 ? positionals.map((file) => resolve(file)) : await listNotebooks(resolve("notebooks"));
    const files = chooseShare(all, shard);
    let passed = 0;
    let failed = 0;
    for (const file of files) {
      let result: RegressionResult;
      try {
        result = await regressNotebook(file, {
          timeoutMs: timeout === undefined ? undefined : timeout * 1000,
          onProgress: terminalProgress(process.stderr),
        });
      } catch (error) {
        clearProgressLine();
        failed += 1;
        console.error(`FAIL ${error instanceof NotebookFormatError ? error.message : `${file}: ${(error as Error).message}`}`);
        continue;
      }
      clearProgressLine();
      if (values.update) {
        const stored = await refreshStoredOutputs(result);
        if (stored) console.log(`updated ${file}`);
        else console.error(`FAIL ${formatRegression(result)}\n(not updated)`);
        stored ? passed++ : failed++;
      } else if (result.executionFailure || result.mismatches.length > 0) {
        failed += 1;
        console.error(`FAIL ${formatRegression(result)}`);
      } else {
        passed += 1;
        console.log(`ok   ${file}`);
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  });
}
