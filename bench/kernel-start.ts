import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { installKernelSpec, kernelSpec, type KernelSpec } from "../kernel/kernelspec";
import { projectRoot } from "../kernel/project-root";
import { buildKernelSnapshot } from "../kernel/tslab/kernel-snapshot";
import { KernelClient } from "../kernel/wire/client";
import type { JupyterMessage } from "../kernel/wire/message";
import { KernelProcess } from "../kernel/wire/launch";
import { within } from "../kernel/wire/within";
import { median } from "./measure";

/**
 * Workload 5: how fast a kernel starts and how much of Jupyter's own
 * conformance suite it passes, for gradient-lab beside the TypeScript kernel
 * people pick today (Deno's, from the `deno` devDependency) and ipykernel
 * (from .venv), in the same run.
 */
export type KernelName = "gradient-lab" | "deno" | "ipykernel";

interface Contender {
  name: KernelName;
  spec: KernelSpec;
  /** A one-line cell that prints 42. */
  printCode: string;
}

export interface KernelRow {
  kernel: KernelName;
  /** Medians from spawn to the kernel_info reply and to the first output of a one-line cell. */
  kernelInfoMs: number;
  firstOutputMs: number;
  runs: number;
  /** jupyter_kernel_test 0.7's KernelTests: how many of its tests passed, of how many, and the suite's wall time. */
  conformance?: { passed: number; tests: number; seconds: number; failed: string[] };
}

const root = projectRoot();
const venvPython = join(root, ".venv", "bin", "python");
const deno = join(root, "node_modules", ".bin", "deno");
/** Room for a start on a loaded machine; a kernel that takes longer failed. */
const LIMIT_MS = 120_000;

/** The kernels this machine has, and a line for each one it lacks. */
export function kernelContenders(): { contenders: Contender[]; missing: string[] } {
  const contenders: Contender[] = [{ name: "gradient-lab", spec: kernelSpec(), printCode: "console.log(6 * 7)" }];
  const missing: string[] = [];
  if (existsSync(deno)) {
    const spec = { argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Deno", language: "typescript", interrupt_mode: "signal" as const };
    contenders.push({ name: "deno", spec, printCode: "console.log(6 * 7)" });
  } else missing.push(`Deno's kernel skipped: ${deno} not found (npm install)`);
  if (existsSync(venvPython) && spawnSync(venvPython, ["-c", "import ipykernel"], { stdio: "ignore" }).status === 0) {
    const spec = { argv: [venvPython, "-m", "ipykernel_launcher", "-f", "{connection_file}"], display_name: "Python 3 (ipykernel)", language: "python", interrupt_mode: "signal" as const };
    contenders.push({ name: "ipykernel", spec, printCode: "print(6 * 7)" });
  } else missing.push(`ipykernel skipped: ${venvPython} with ipykernel not found (.ci/run makes .venv)`);
  return { contenders, missing };
}

/** One start: spawn, kernel_info reply, and the first output of the print cell, in ms from before the spawn. */
async function timeOneStart(contender: Contender): Promise<{ kernelInfoMs: number; firstOutputMs: number }> {
  const started = performance.now();
  const kernel = await KernelProcess.start(contender.spec, join(root, "notebooks"));
  const client = KernelClient.connect(kernel.connection);
  try {
    const info = await within(client.request("shell", "kernel_info_request", {}), LIMIT_MS);
    if (!info) throw new Error(`${contender.name}: no kernel_info reply within ${LIMIT_MS / 1000} s (${kernel.describeExit()})`);
    const kernelInfoMs = performance.now() - started;
    // A SUB socket misses what is published before its subscription arrives: wait until iopub is seen to work.
    await client.waitForReady(LIMIT_MS);
    // Any stream on iopub from here on: Deno's kernel, on a loaded machine, sometimes publishes a cell's stdout after its idle
    // status (about one start in three here), which an execute that listens only until idle would miss.
    let onIopub!: (message: JupyterMessage) => void;
    const output = new Promise<number>((resolve) => {
      onIopub = (message) => {
        if (message.header.msg_type === "stream") resolve(performance.now() - started);
      };
      client.on("iopub", onIopub);
    });
    const reply = await within(client.execute(contender.printCode, () => undefined), LIMIT_MS);
    const firstOutputMs = reply ? (await within(output, LIMIT_MS))?.value : undefined;
    client.off("iopub", onIopub);
    if (firstOutputMs === undefined) throw new Error(`${contender.name}: no output of ${contender.printCode} within ${LIMIT_MS / 1000} s`);
    return { kernelInfoMs, firstOutputMs };
  } finally {
    client.close();
    await kernel.kill();
  }
}

/** `runs` starts of each kernel, taking turns, and each kernel's medians. */
export async function timeKernelStarts(given: readonly Contender[], runs: number): Promise<KernelRow[]> {
  // Ours as `gradient-lab run` starts it: from the start-up snapshot, built first if need be (the build is not timed).
  await buildKernelSnapshot().catch((error: Error) => console.error(`kernel starts: timing gradient-lab without its snapshot: ${error.message}`));
  const contenders = given.map((contender) => (contender.name === "gradient-lab" ? { ...contender, spec: kernelSpec() } : contender));
  const times = new Map<KernelName, { kernelInfoMs: number; firstOutputMs: number }[]>(contenders.map((c) => [c.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const contender of contenders) times.get(contender.name)!.push(await timeOneStart(contender));
  }
  return contenders.map((contender) => {
    const own = times.get(contender.name)!;
    return { kernel: contender.name, kernelInfoMs: median(own.map((t) => t.kernelInfoMs)), firstOutputMs: median(own.map((t) => t.firstOutputMs)), runs: own.length };
  });
}

/** The test class of bench/kernel_conformance.py for each kernel. */
const CONFORMANCE_CLASS: Record<KernelName, string> = { "gradient-lab": "GradientLabKernelTests", deno: "DenoKernelTests", ipykernel: "IPyKernelTests" };

/**
 * Runs jupyter_kernel_test's KernelTests on each kernel (every sample filled
 * in for each language, bench/kernel_conformance.py), with kernelspecs in a
 * Jupyter path of their own. A test counts as passed when it and all its
 * subtests passed; a skipped one (a sample the kernel has no way to fill) does not.
 */
export async function runConformance(contenders: readonly Contender[]): Promise<Map<KernelName, NonNullable<KernelRow["conformance"]>>> {
  const results = new Map<KernelName, NonNullable<KernelRow["conformance"]>>();
  if (!existsSync(venvPython)) return results;
  const folder = mkdtempSync(join(tmpdir(), "gradient-lab-kernel-bench-"));
  try {
    const dataDir = join(folder, "share", "jupyter");
    for (const contender of contenders) {
      if (contender.name === "gradient-lab") await installKernelSpec(dataDir);
      else {
        // Named as bench/kernel_conformance.py asks for them, so nothing the user installed is used or touched.
        const specFolder = join(dataDir, "kernels", `bench-${contender.name}`);
        await mkdir(specFolder, { recursive: true });
        await writeFile(join(specFolder, "kernel.json"), JSON.stringify(contender.spec));
      }
    }
    for (const contender of contenders) {
      const junit = join(folder, `${contender.name}.xml`);
      const started = performance.now();
      spawnSync(venvPython, ["-m", "pytest", `bench/kernel_conformance.py::${CONFORMANCE_CLASS[contender.name]}`, "-q", "-p", "no:cacheprovider", `--junitxml=${junit}`], {
        cwd: root,
        env: { ...process.env, JUPYTER_PATH: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
        stdio: "ignore",
        timeout: 600_000,
      });
      const seconds = (performance.now() - started) / 1000;
      if (existsSync(junit)) results.set(contender.name, { ...countPassed(readFileSync(junit, "utf8")), seconds });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return results;
}

/** Test methods of a JUnit report, and the ones with a failure, error or skip in themselves or a subtest. */
function countPassed(xml: string): { passed: number; tests: number; failed: string[] } {
  const methods = new Map<string, boolean>();
  for (const match of xml.matchAll(/<testcase\b[^>]*\bname="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = match[1]!.replace(/ \(.*$/, "");
    const bad = /<(failure|error|skipped)\b/.test(match[3] ?? "");
    methods.set(name, (methods.get(name) ?? true) && !bad);
  }
  const failed = [...methods].filter(([, ok]) => !ok).map(([name]) => name.replace(/^test_/, "")).sort();
  return { passed: methods.size - failed.length, tests: methods.size, failed };
}

export function formatKernelTable(rows: readonly KernelRow[]): string {
  const lines = ["| kernel | spawn -> kernel_info | spawn -> first output | jupyter_kernel_test passed | suite time | not passed |", "| --- | ---: | ---: | ---: | ---: | --- |"];
  for (const row of rows) {
    const c = row.conformance;
    lines.push(`| ${row.kernel} | ${(row.kernelInfoMs / 1000).toFixed(2)} s | ${(row.firstOutputMs / 1000).toFixed(2)} s | ${c ? `${c.passed} of ${c.tests}` : "not run"} | ${c ? `${c.seconds.toFixed(1)} s` : ""} | ${c?.failed.join(", ") ?? ""} |`);
  }
  return lines.join("\n");
}
