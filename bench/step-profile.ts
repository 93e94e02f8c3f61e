import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Precision } from "../src";
import { engineTrainer } from "./engine";
import { type TrainingWorkload, trainingWorkloads } from "./workloads";

/**
 * Where a training step's time goes, per thread: trains a workload for a few
 * seconds under V8's sampling profiler (`node --cpu-prof`, which writes one
 * profile per thread, workers included) and prints each thread's self time
 * by group: the products, the packing, the elementwise epilogues, the batch's
 * copy, waiting for the other thread, the rest. The WebAssembly functions
 * carry names (wasm-assembler.ts writes a name section), so a profile names
 * them. On a busy machine a thread's share of waiting grows with the load:
 * read the products' share against the epilogues' and copies' rather than
 * the absolute times.
 *   node dist/bench/step-profile.js [--workload 3] [--precision float32] [--threads 2] [--seconds 3]
 */
const USAGE = "usage: node dist/bench/step-profile.js [--workload 2|3|...] [--precision float32|float64] [--threads N] [--seconds S]";

/** Profile nodes' function names, by the group they count in. */
const GROUPS: readonly { group: string; match: RegExp }[] = [
  { group: "products (SIMD)", match: /^strided$/ },
  { group: "products (JavaScript)", match: /^(stridedProduct|orderedProduct)$/ },
  { group: "packing the weights", match: /^(pack|packB|packPhase)$/ },
  { group: "epilogues (SIMD)", match: /^(biasActivate_|chain_|weightGradients_|biasGradients_)/ },
  { group: "copying the batch in", match: /^(copyInputs|narrow|allFinite|load)$/ },
  { group: "waiting for and waking the other thread", match: /^(waitUntil|serveSteps|claim|take|sleep|wake|\(idle\))$/ },
  { group: "phases' JavaScript", match: /^(rowsPhase|columnsPhase|biasAndActivate|chain|multiply|multiplyPacked|runPhase|finish|start|run|step|train|trainStep)$/ },
];

const OTHER = "other";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds of self time per group in one thread's profile. */
function groupTimes(profile: Profile): Map<string, number> {
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, k) => {
    const name = names.get(id) ?? "";
    const group = GROUPS.find((g) => g.match.test(name))?.group ?? OTHER;
    times.set(group, (times.get(group) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
  });
  return times;
}

function pickWorkload(name: string): TrainingWorkload {
  const workload = trainingWorkloads.find((w) => w.name.split("-")[0] === name);
  if (workload === undefined || workload.unit !== "samples/s") {
    const batched = trainingWorkloads.filter((w) => w.unit === "samples/s").map((w) => w.name.split("-")[0]);
    throw new Error(`step-profile: --workload ${name} is not a batched workload (${batched.join(", ")})`);
  }
  return workload;
}

/** The profiled child: trains for `seconds`, then reports its throughput on stdout. */
function train(workload: TrainingWorkload, precision: Precision, threads: number, seconds: number): void {
  const trainer = engineTrainer(workload, { setting: { precision, threads } });
  const start = process.hrtime.bigint();
  let steps = 0;
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    trainer.repeat(10);
    steps += 10;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${Math.round((steps * workload.batch) / elapsed)} samples/s on ${trainer.network.lastStepThreads} thread(s), profiler on`);
  trainer.dispose();
}

function main(): void {
  const { values } = parseArgs({
    options: { workload: { type: "string", default: "3" }, precision: { type: "string", default: "float32" }, threads: { type: "string", default: "2" }, seconds: { type: "string", default: "3" }, child: { type: "boolean", default: false } },
  });
  const precision = values.precision as Precision;
  const threads = Number(values.threads);
  const seconds = Number(values.seconds);
  if (precision !== "float32" && precision !== "float64") throw new Error(`step-profile: --precision must be float32 or float64, got ${values.precision}\n${USAGE}`);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`step-profile: --threads must be a whole number from 1, got ${values.threads}\n${USAGE}`);
  if (!(seconds > 0)) throw new Error(`step-profile: --seconds must be a positive number, got ${values.seconds}\n${USAGE}`);
  const workload = pickWorkload(values.workload as string);
  if (values.child) return train(workload, precision, threads, seconds);

  const folder = mkdtempSync(join(tmpdir(), "step-profile-"));
  try {
    const args = ["--cpu-prof", `--cpu-prof-dir=${folder}`, __filename, "--child", "--workload", values.workload as string, "--precision", precision, "--threads", String(threads), "--seconds", String(seconds)];
    const child = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (child.status !== 0) throw new Error(`step-profile: the profiled run exited with ${child.status ?? child.signal}`);
    console.log(`${workload.name} ${precision}, ${threads} thread(s): ${child.stdout.trim()}`);
    // One file per thread, the main thread's first: CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
    const files = readdirSync(folder).filter((f) => f.endsWith(".cpuprofile")).sort();
    files.forEach((file, thread) => {
      const times = groupTimes(JSON.parse(readFileSync(join(folder, file), "utf8")) as Profile);
      const other = times.get(OTHER) ?? 0;
      times.delete(OTHER);
      const total = [...times.values()].reduce((a, b) => a + b, 0);
      console.log(`${thread === 0 ? "main thread" : `worker ${thread}`}: ${Math.round(total)} ms in steps (shares below), ${Math.round(other)} ms in start-up, GC and the timing loop`);
      for (const [group, ms] of [...times].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${group}`);
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main();
