import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { type ActivationName, seedExample, seedNetwork, train } from "../../src";
import { engineTrainer } from "../../bench/engine";
import { flopsPerStep, gigaflopsPerSecond } from "../../bench/flops";
import { busyWarning, cpuTicks, describeMachine, nativePeak, othersCores } from "../../bench/machine";
import { type BenchReport, formatOtherTable, formatPeaks, formatTrainingTable, formatVersusPytorch, type ResultRow, withRatios, writeResults } from "../../bench/results";
import { descendants, watchTreeMemory } from "../../bench/memory";
import { threadEnvironment } from "../../bench/pytorch";
import { benchInProcess, engineSettings, runBench, starvedRows } from "../../bench/run";
import { tfjsTrainer, useTfjsBackend } from "../../bench/tfjs";
import { mnistShapedMlp, seedStep, smallMlp, type TrainingWorkload, trainingWorkloads, wideMlp, workloadKey } from "../../bench/workloads";
import { needPytorch } from "../helpers/tools";

// Tiny versions of the workloads and of the timing: this checks the program, not the speed.
const tinyMlp: TrainingWorkload = { ...smallMlp, sizes: [2, 8, 8, 1], batch: 8 };
const tinyMnist: TrainingWorkload = { ...mnistShapedMlp, sizes: [16, 8, 4], batch: 4 };
const quick = { runs: 1, minSeconds: 0.001 };

const systems = ["gradient-lab", "tfjs-cpu", "tfjs-wasm", "pytorch", "nbconvert"];
const torch = needPytorch("PyTorch bench test");
const quickPeak = { runSeconds: 0.01, runs: 1 };

function expectRowShape(rows: readonly ResultRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.workload).toMatch(/^[1-4]b?-[a-z0-9-]+$/);
    expect(systems).toContain(row.system);
    expect(Number.isFinite(row.throughput) && row.throughput > 0).toBe(true);
    expect(["steps/s", "samples/s", "notebooks/s"]).toContain(row.unit);
    if (row.precision !== undefined) {
      expect(["float32", "float64"]).toContain(row.precision);
      expect(Number.isInteger(row.threads) && (row.threads as number) >= 1).toBe(true);
    }
    if (row.ratio !== undefined) expect(Number.isFinite(row.ratio) && row.ratio > 0).toBe(true);
  }
}

describe("bench: flops and peaks", () => {
  it("counts the flops of a training step as worked out by hand", () => {
    // 2-2-1, one sample: layer 1 forward 2*1*2*2 = 8 and weight gradient 8 (no input gradient into the inputs);
    // layer 2 forward, weight gradient and input gradient 2*1*2*1 = 4 each: 16 + 12.
    expect(flopsPerStep([2, 2, 1], 1)).toBe(28);
    // 784-128-10, batch 64: layer 1 two products of 2*64*784*128 = 12,845,056; layer 2 three of 2*64*128*10 = 163,840.
    expect(flopsPerStep([784, 128, 10], 64)).toBe(2 * 12_845_056 + 3 * 163_840);
    expect(flopsPerStep([784, 128, 10], 64)).toBe(26_181_632);
    // 2-64-64-1, batch 1000: 2*(2*1000*2*64) + 3*(2*1000*64*64) + 3*(2*1000*64*1) = 512,000 + 24,576,000 + 384,000.
    expect(flopsPerStep(smallMlp.sizes, smallMlp.batch)).toBe(25_472_000);
    expect(gigaflopsPerSecond(1000, [784, 128, 10], 64)).toBeCloseTo(26.181632, 12);
    expect(() => flopsPerStep([784], 64)).toThrow("flopsPerStep: sizes must be at least two positive whole numbers, got [784]");
    expect(() => flopsPerStep([2, 2, 1], 0)).toThrow("flopsPerStep: batch must be a positive whole number, got 0");
  });

  const cpuinfo = (flags: string) =>
    [0, 1].map((n) => `processor\t: ${n}\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2445.404\nflags\t\t: fpu sse2 ${flags} bmi2\n`).join("\n");

  it("derives the native peak as cores x GHz x flops per cycle, from the cpu's flags and clock", () => {
    const machine = describeMachine(cpuinfo("avx avx2 fma"), "");
    expect(machine).toMatchObject({ cores: 2, cpu: "AMD EPYC", avx2Fma: true });
    expect(machine.clockGHz).toBeCloseTo(2.445404, 12);
    expect(machine.clockSource).toContain("/proc/cpuinfo");
    const peak = nativePeak(machine);
    // 2 cores x 2.445404 GHz x 32 float32 (16 float64) flops per cycle.
    expect(peak?.perCore.float32).toBeCloseTo(78.252928, 9);
    expect(peak?.allCores.float32).toBeCloseTo(156.505856, 9);
    expect(peak?.allCores.float64).toBeCloseTo(78.252928, 9);
    // cpufreq's highest clock wins over the clock when read (in kHz).
    const sysfs = describeMachine(cpuinfo("avx2 fma"), "3500000\n");
    expect(sysfs.clockGHz).toBe(3.5);
    expect(nativePeak(sysfs)?.allCores.float64).toBe(2 * 3.5 * 16);
    // Without FMA there is no figure rather than a guessed one.
    expect(nativePeak(describeMachine(cpuinfo("avx avx2"), ""))).toBeUndefined();
    expect(formatPeaks({}, 2)).toContain("native: not derived");
  });

  it("warns when the load leaves less than half the machine to the benchmark, and counts other processes' CPU time", () => {
    expect(busyWarning("load average", 1.2, 2)).toBe(
      "WARNING: load average 1.20 is above 1.0 (half of 2 cores): other processes are using the cores, so these figures are NOT comparable with a quiet run",
    );
    expect(busyWarning("load average", 0.9, 2)).toBeUndefined();
    // 400 ticks over 2 cores passed; the machine was busy 300 of them, 100 of which were ours: others used 200/400 of 2 cores.
    expect(othersCores({ total: 1000, busy: 300, own: 100 }, { total: 1400, busy: 600, own: 200 }, 2)).toBe(1);
    // /proc/stat's first line (user nice system idle iowait irq softirq steal), and a /proc/self/stat whose command name holds ") ".
    const ticks = cpuTicks("cpu  100 5 20 800 10 1 2 7 0 0\ncpu0 1 2 3\n", `42 (a) b) S 1 42 42 0 -1 4194304 121 0 0 0 30 4 6 1 20 0 1 0`);
    expect(ticks).toEqual({ busy: 100 + 5 + 20 + 1 + 2, total: 100 + 5 + 20 + 1 + 2 + 800 + 10, own: 30 + 4 + 6 + 1 });
    expect(cpuTicks("", "")).toBeUndefined();
  });
});

describe("bench: the table", () => {
  const row = (workload: string, system: ResultRow["system"], precision: ResultRow["precision"], threads: number, throughput: number, gflops?: number): ResultRow => ({
    workload,
    system,
    unit: workload.startsWith("1-") ? "steps/s" : "samples/s",
    precision,
    threads,
    throughput,
    ...(gflops === undefined ? {} : { gflops }),
  });
  const rows = withRatios([
    row("1-seed-2-2-1", "gradient-lab", "float64", 1, 3_000_000),
    row("1-seed-2-2-1", "gradient-lab", "float32", 1, 2_000_000),
    row("1-seed-2-2-1", "pytorch", "float32", 1, 10_000),
    row("1-seed-2-2-1", "pytorch", "float32", 2, 8_000),
    row("2-mlp-2-64-64-1", "gradient-lab", "float64", 1, 200_000, 5.09),
    { ...row("2-mlp-2-64-64-1", "gradient-lab", "float64", 2, 300_000, 7.64), threadsUsed: 1 },
    row("2-mlp-2-64-64-1", "gradient-lab", "float32", 1, 400_000, 10.19),
    row("2-mlp-2-64-64-1", "gradient-lab", "float32", 2, 800_000, 20.38),
    row("2-mlp-2-64-64-1", "tfjs-wasm", "float32", 1, 100_000, 2.55),
    row("2-mlp-2-64-64-1", "pytorch", "float32", 1, 1_600_000, 40.76),
    row("2-mlp-2-64-64-1", "pytorch", "float32", 2, 2_000_000, 50.94),
    { workload: "4-course", system: "gradient-lab", unit: "notebooks/s", throughput: 0.5 },
    { workload: "4-course", system: "nbconvert", unit: "notebooks/s", throughput: 0.25 },
  ]);

  it("has one line per system, precision and thread count, and a column per training workload", () => {
    const lines = formatTrainingTable(rows).split("\n");
    expect(lines[0]).toBe("| system | precision | threads | 1-seed-2-2-1 (steps/s) | 2-mlp-2-64-64-1 (samples/s) |");
    expect(lines.slice(2)).toEqual([
      "| gradient-lab | float64 | 1 | 3,000,000 (best) | 200,000 (4.00x) 5.09 GFLOP/s |",
      // The 2-thread engine line has no workload-1 cell: a one-sample batch is not split, so it is not timed twice.
      "| gradient-lab | float64 | 2 |  | 300,000 (2.67x) 7.64 GFLOP/s, ran on 1 |",
      "| gradient-lab | float32 | 1 | 2,000,000 (1.50x) | 400,000 (2.00x) 10.19 GFLOP/s |",
      "| gradient-lab | float32 | 2 |  | 800,000 (best) 20.38 GFLOP/s |",
      "| tfjs-wasm | float32 | 1 |  | 100,000 (8.00x) 2.55 GFLOP/s |",
      "| pytorch | float32 | 1 | 10,000 (300x) | 1,600,000 (0.50x) 40.76 GFLOP/s |",
      "| pytorch | float32 | 2 | 8,000 (375x) | 2,000,000 (0.40x) 50.94 GFLOP/s |",
    ]);
    // The goals' ratios: each precision's best on both sides, whatever the threads (no PyTorch float64 line here).
    expect(formatVersusPytorch(rows).split("\n")).toEqual([
      "1-seed-2-2-1 float32: gradient-lab 2,000,000 (1 thread(s)) / PyTorch 10,000 (1 thread(s)) = 200x",
      "2-mlp-2-64-64-1 float32: gradient-lab 800,000 (2 thread(s)) / PyTorch 2,000,000 (2 thread(s)) = 0.40x",
    ]);
    expect(formatOtherTable(rows).split("\n").slice(2)).toEqual(["| 4-course | gradient-lab | 0.500 notebooks/s |  |", "| 4-course | nbconvert | 0.250 notebooks/s | 2.00x |"]);
  });

  it("carries the ratio to the engine's best on each row of the JSON", () => {
    expect(rows.find((r) => r.system === "pytorch" && r.threads === 2 && r.workload.startsWith("2-"))?.ratio).toBe(0.4);
    expect(rows.find((r) => r.system === "nbconvert")?.ratio).toBe(2);
    expect(rows.find((r) => r.system === "gradient-lab" && r.precision === "float32" && r.threads === 2)?.ratio).toBe(1);
  });

  it("warns about each row that had less than 80% of its threads in CPU time, and picks workloads by the key before the first dash", () => {
    const starved = [
      { ...row("3-mlp-784-128-10", "pytorch", "float32", 2, 2_000), cpuCores: 0.58 },
      { ...row("3-mlp-784-128-10", "pytorch", "float32", 1, 100_000), cpuCores: 0.99 },
      { ...row("3-mlp-784-128-10", "gradient-lab", "float32", 2, 60_000), cpuCores: 0.9, threadsUsed: 1 },
    ];
    // The engine's row ran on the 1 thread it says it used, and had 0.9 of it.
    expect(starvedRows(starved)).toEqual([
      "WARNING: 1 row(s) had less than 80% of their threads in CPU time while timed: other processes took their cores, these figures are not comparable: pytorch 3-mlp-784-128-10 float32 2t (0.58 cores)",
    ]);
    expect(starvedRows(starved.slice(1))).toEqual([]);
    expect(trainingWorkloads.map((w) => workloadKey(w.name))).toEqual(["1", "2", "3", "3b"]);
    expect(wideMlp).toMatchObject({ sizes: [784, 512, 512, 10], activations: ["relu", "relu", "identity"], batch: 256, data: "one-hot" });
    // 784-512-512-10 on 256: 2 products of 2*256*784*512, then 3 of 2*256*512*512 and 3 of 2*256*512*10.
    expect(flopsPerStep(wideMlp.sizes, wideMlp.batch)).toBe(2 * 205_520_896 + 3 * 134_217_728 + 3 * 2_621_440);
    // Each pool a BLAS may bring is sized before torch loads.
    expect(threadEnvironment(2)).toEqual({ OMP_NUM_THREADS: "2", MKL_NUM_THREADS: "2", OPENBLAS_NUM_THREADS: "2" });
  });

  it("times a one-sample batch on one thread only, and the batched workloads on every thread count", () => {
    expect(engineSettings(seedStep, [1, 2])).toEqual([
      { precision: "float64", threads: 1 },
      { precision: "float32", threads: 1 },
    ]);
    expect(engineSettings(smallMlp, [1, 2])).toEqual([
      { precision: "float64", threads: 1 },
      { precision: "float64", threads: 2 },
      { precision: "float32", threads: 1 },
      { precision: "float32", threads: 2 },
    ]);
  });
});

describe("bench program", () => {
  it("workload 1 on gradient-lab computes the traced path's numbers", () => {
    const trainer = engineTrainer(seedStep, { keepLosses: true });
    trainer.repeat(40);
    const traced = train(seedNetwork(), { samples: [{ input: [...seedExample.input], target: [...seedExample.target] }], learningRate: seedExample.learningRate, maxSteps: 40 });
    expect(trainer.losses).toEqual(traced.history.slice(0, 40).map((h) => h.loss));
    expect(trainer.losses[0]).toBe(0.25);
    expect(Object.fromEntries(trainer.network.parameters())).toEqual(traced.history[40]?.parameters);
  });

  it("TensorFlow.js draws leaky ReLU and softplus as themselves, not as the identity it once fell back to", async () => {
    await useTfjsBackend("tfjs-cpu");
    const lossOf = (activations: ActivationName[]): { engine: number; tfjs: number } => {
      const workload = { ...tinyMlp, activations };
      const engine = engineTrainer(workload, { keepLosses: true });
      engine.repeat(1);
      const tfjs = tfjsTrainer(workload);
      try {
        return { engine: engine.losses[0] as number, tfjs: tfjs.loss() };
      } finally {
        tfjs.dispose();
      }
    };
    const newer = lossOf(["leaky-relu", "softplus", "identity"]);
    // float32 against float64: agreement to about 1e-6 relative.
    expect(Math.abs(newer.tfjs - newer.engine) / newer.engine).toBeLessThan(1e-5);
    const identity = lossOf(["identity", "identity", "identity"]);
    expect(Math.abs(identity.engine - newer.engine) / newer.engine).toBeGreaterThan(1e-3);
  });

  it("times gradient-lab at each setting and both TensorFlow.js backends on tiny workloads, each line on the threads it says", async () => {
    const settings = [
      { precision: "float64", threads: 1 },
      { precision: "float32", threads: 1 },
      { precision: "float32", threads: 2 },
    ] as const;
    const rows = [...(await benchInProcess(seedStep, quick)), ...(await benchInProcess(tinyMlp, quick, settings)), ...(await benchInProcess(tinyMnist, quick))];
    expectRowShape(rows);
    expect(rows.map((r) => `${r.workload} ${r.system} ${r.precision} ${r.threads}`)).toEqual([
      ...[`gradient-lab float64 1`, `tfjs-cpu float32 1`, `tfjs-wasm float32 1`].map((s) => `${seedStep.name} ${s}`),
      ...[`gradient-lab float64 1`, `gradient-lab float32 1`, `gradient-lab float32 2`, `tfjs-cpu float32 1`, `tfjs-wasm float32 1`].map((s) => `${tinyMlp.name} ${s}`),
      ...[`gradient-lab float64 1`, `tfjs-cpu float32 1`, `tfjs-wasm float32 1`].map((s) => `${tinyMnist.name} ${s}`),
    ]);
    // A 2-8-8-1 step on 8 samples is far below the work that pays for a second thread: the engine ran it on one, and the row says so.
    expect(rows.filter((r) => r.system === "gradient-lab").map((r) => r.threadsUsed)).toEqual([1, 1, 1, 1, 1]);
    expect(formatTrainingTable(rows)).toContain("| gradient-lab | float32 | 2 |  | ");
    expect(formatTrainingTable(rows)).toMatch(/\| gradient-lab \| float32 \| 2 \|  \| [0-9,]+ \((best|[0-9.]+x)\) [0-9.]+ GFLOP\/s, ran on 1 \|/);
    // In Node the wasm backend loads its single-threaded build: the reason its rows say 1 thread.
    await useTfjsBackend("tfjs-wasm");
    expect(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")).toBe(false);
  });

  it.skipIf(torch.skip)("runs the whole program, PyTorch on 1 and 2 threads, and writes the report it prints", async () => {
    const lines: string[] = [];
    const report = await runBench({ workloads: [seedStep, tinyMlp], course: false, measure: quick, threads: [1, 2], courseRuns: 1, simdPeakTiming: quickPeak, log: (line) => lines.push(line) });
    expectRowShape(report.rows);
    // Every engine setting ran (a one-sample batch on one thread only), none skipped.
    expect(report.rows.filter((r) => r.system === "gradient-lab").map((r) => `${r.workload} ${r.precision} ${r.threads}`)).toEqual([
      ...["float64 1", "float32 1"].map((s) => `${seedStep.name} ${s}`),
      ...["float64 1", "float64 2", "float32 1", "float32 2"].map((s) => `${tinyMlp.name} ${s}`),
    ]);
    expect(lines.filter((line) => line.includes("skipped"))).toEqual([]);
    expect(report.peaks.wasmSimd?.float32.gflops).toBeGreaterThan(0);
    expect(report.peaks.wasmSimd?.float64.gflops).toBeGreaterThan(0);
    // The thread count each PyTorch row carries is what torch.get_num_threads() said during its run.
    expect(report.rows.filter((r) => r.system === "pytorch").map((r) => `${r.workload} ${r.precision} ${r.threads}`)).toEqual(
      [seedStep, tinyMlp].flatMap((w) => ["float64 1", "float64 2", "float32 1", "float32 2"].map((s) => `${w.name} ${s}`)),
    );
    expect(lines.some((line) => /^PyTorch 2\.13\.\S+ on 1 and 2 thread\(s\)$/.test(line))).toBe(true);
    expect(report.pytorch?.version).toMatch(/^2\.13\./);
    // Debian's torch 1.13 on "1 thread" kept OpenBLAS's second thread busy (2.0 cores of CPU time): the pools are now sized before torch loads.
    for (const row of report.rows.filter((r) => r.system === "pytorch")) {
      expect(row.cpuCores, `${row.workload} ${row.precision} ${row.threads}`).toBeGreaterThan(0);
      if (row.threads === 1) expect(row.cpuCores, `${row.workload} ${row.precision} on 1 thread`).toBeLessThan(1.15);
    }
    // The goals it has rows for: the tiny stand-in for W2 is named as W2, so its scaling and its ratio to PyTorch are there.
    const scaling = report.goals?.find((g) => g.goal === "2-mlp-2-64-64-1 float32, 2 threads / 1 thread");
    const engineAt = (threads: number) => report.rows.find((r) => r.workload === tinyMlp.name && r.system === "gradient-lab" && r.precision === "float32" && r.threads === threads)?.throughput as number;
    expect(scaling?.value).toBeCloseTo(engineAt(2) / engineAt(1), 12);
    expect(report.goals?.map((g) => g.goal)).toContain("2-mlp-2-64-64-1 float64, gradient-lab's best / PyTorch's best");
    // GFLOP/s on the batched workload only: steps/s (samples/s over the batch of 8) x the step's flops.
    for (const row of report.rows) {
      if (row.workload === seedStep.name) expect(row.gflops).toBeUndefined();
      else expect(row.gflops).toBeCloseTo(((row.throughput / 8) * flopsPerStep(tinyMlp.sizes, 8)) / 1e9, 12);
    }
    expect(report.rows.every((r) => r.ratio !== undefined)).toBe(true);
    expect(report.load.start).toBeGreaterThanOrEqual(0);
    expect(lines[0]).toMatch(/^machine: \d+ cores .* load average \d+\.\d\d at the start$/);
    expect(lines.some((line) => /^load average \d+\.\d\d at the end/.test(line))).toBe(true);
    const folder = mkdtempSync(join(tmpdir(), "gradient-lab-bench-test-"));
    try {
      writeResults(join(folder, "latest.json"), report);
      expect(JSON.parse(readFileSync(join(folder, "latest.json"), "utf8"))).toEqual(report);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("the committed results hold a whole report: machine, load, peak and one row per setting", () => {
    const report = JSON.parse(readFileSync(join(__dirname, "..", "..", "bench", "results", "latest.json"), "utf8")) as BenchReport;
    expectRowShape(report.rows);
    const keys = report.rows.map((r) => `${r.workload} ${r.system} ${r.precision ?? ""} ${r.threads ?? ""}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.rows.some((r) => r.workload.startsWith("1-") && r.system === "gradient-lab")).toBe(true);
    expect(report.rows.some((r) => r.system === "pytorch" && r.threads === 2)).toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(typeof report.load.start === "number" && typeof report.load.end === "number" && typeof report.load.busy === "boolean").toBe(true);
    expect(report.peaks.native?.allCores.float32).toBeGreaterThan(0);
    expect(report.peaks.wasmSimd?.float32.gflops).toBeGreaterThan(0);
    expect(report.pytorch?.version).toMatch(/^2\.13\./);
    expect(report.rows.filter((r) => r.system === "pytorch").map((r) => `${r.workload} ${r.precision} ${r.threads}`)).toEqual(
      trainingWorkloads.flatMap((w) => ["float64 1", "float64 2", "float32 1", "float32 2"].map((s) => `${w.name} ${s}`)),
    );
    // Issue 26's goals, each with its figure and whether it is met.
    expect(report.goals?.length).toBeGreaterThanOrEqual(10);
    for (const g of report.goals ?? []) expect(Number.isFinite(g.value) && g.value > 0 && g.met === g.value >= g.target).toBe(true);
    expect(report.memory?.kernel?.peakBytes).toBeGreaterThan(20 * 2 ** 20);
    expect(report.memory?.npmStart?.treePeakBytes).toBeGreaterThan(report.memory?.kernel?.peakBytes as number);
    // Every engine setting: float64 and float32, on 1 and 2 threads where the batch can be split.
    for (const workload of trainingWorkloads) {
      const engine = report.rows.filter((r) => r.workload === workload.name && r.system === "gradient-lab").map((r) => ({ precision: r.precision, threads: r.threads }));
      expect(engine).toEqual(engineSettings(workload, [1, 2]));
    }
  });
});

describe("bench: peak memory", () => {
  it("finds a process's descendants by their parents, however deep", () => {
    const all = new Map([
      [1, { ppid: 0 }],
      [10, { ppid: 1 }],
      [11, { ppid: 10 }],
      [12, { ppid: 11 }],
      [20, { ppid: 1 }],
      [30, { ppid: 99 }],
    ]);
    expect([...descendants(10, all).keys()].sort()).toEqual([10, 11, 12]);
    expect(descendants(42, all).size).toBe(0);
  });

  it("reads a child's peak resident memory from /proc while it runs", async () => {
    // The child holds 96 MiB, written so the pages are resident, until the sampler has seen them and tells it to go.
    const holder = "let held; process.on('SIGUSR2', () => process.exit(held?.[0] === 1 ? 0 : 3)); held = Buffer.alloc(96 * 2 ** 20, 1); setInterval(() => {}, 1e6);";
    const memory = await watchTreeMemory(process.execPath, ["-e", holder], {
      cwd: __dirname,
      intervalMs: 20,
      onSample: (processes) => {
        for (const p of processes) if (p.peakBytes > 96 * 2 ** 20) process.kill(p.pid, "SIGUSR2");
      },
    });
    expect(memory.processes.map((p) => p.pid)).toEqual([memory.rootPid]);
    expect(memory.processes[0]?.peakBytes).toBeGreaterThan(96 * 2 ** 20);
    expect(memory.treePeakBytes).toBeGreaterThan(96 * 2 ** 20);
    await expect(watchTreeMemory(process.execPath, ["-e", "process.exit(4)"], { cwd: __dirname })).rejects.toThrow(/ended with exit code 4/);
  });
});
