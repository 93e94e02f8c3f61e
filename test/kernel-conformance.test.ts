import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelPrefix } from "./helpers/kernel-prefix";
import { needVenv } from "./helpers/venv";

const run = promisify(execFile);
const python = needVenv("Jupyter's kernel conformance suite");
const root = resolve(__dirname, "..");

/** Every test of jupyter_kernel_test 0.7's KernelTests; each must run (none skipped) and pass. */
const KERNEL_TESTS = [
  "test_clear_output",
  "test_completion",
  "test_display_data",
  "test_error",
  "test_execute_result",
  "test_execute_stderr",
  "test_execute_stdout",
  "test_history",
  "test_inspect",
  "test_is_complete",
  "test_kernel_info",
  "test_pager",
];

const kernel = python.skip ? undefined : installKernelPrefix();
afterAll(() => kernel?.remove());

interface Report {
  counts: Record<"tests" | "failures" | "errors" | "skipped", number>;
  testNames: string[];
}

/** pytest's JUnit XML: the suite's counts (subtests included) and the names of the test methods that ran. */
function readJunit(file: string): Report {
  const xml = readFileSync(file, "utf8");
  const suite = /<testsuite\b([^>]*)>/.exec(xml)?.[1] ?? "";
  const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? NaN);
  const testNames = [...new Set([...xml.matchAll(/<testcase\b[^>]*\bname="([^"]+)"/g)].map((match) => match[1]!.replace(/ \(.*$/, "")))].sort();
  return { counts: { tests: count("tests"), failures: count("failures"), errors: count("errors"), skipped: count("skipped") }, testNames };
}

describe.skipIf(python.skip)("Jupyter's kernel conformance suite (jupyter_kernel_test 0.7)", () => {
  it("passes every test of KernelTests, with every sample filled in and none skipped", async () => {
    const junit = join(kernel!.prefix, "junit.xml");
    const env = { ...kernel!.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
    const args = ["-m", "pytest", "test/python/test_gradient_lab_kernel.py", "-q", "-p", "no:cacheprovider", `--junitxml=${junit}`];
    const outcome = await run(python.path, args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).then(
      () => "",
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`.split("\n").slice(-60).join("\n"),
    );
    expect(outcome, "pytest's report of what failed").toBe("");
    const report = readJunit(junit);
    expect(report.testNames).toEqual(KERNEL_TESTS);
    expect(report.counts).toMatchObject({ failures: 0, errors: 0, skipped: 0 });
    // Subtests count too: at least one per completion, is_complete, execute_result, display_data and history sample.
    expect(report.counts.tests).toBeGreaterThanOrEqual(KERNEL_TESTS.length + 17);
  });
});
