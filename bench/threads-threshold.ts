import { loadavg } from "node:os";
import { buildNetwork, FastNetwork, type Precision, SeededRandom } from "../src";
import { calibrate, median } from "./measure";

/**
 * Where sharing a step between two threads starts to pay: for a few layer
 * shapes and batch sizes, steps per second on one thread against two (forced
 * with threadMinWork 0). A step's work is batch x the sum of in x out over
 * the layers (its forward multiply-adds); the engine's THREAD_MIN_WORK is the
 * smallest work from which two threads win on every shape measured here.
 *   node dist/bench/threads-threshold.js [--seconds S]
 */
const shapes = [
  [2, 64, 64, 1],
  [784, 128, 10],
  [32, 32, 32, 32, 2],
];
const batches = [8, 16, 32, 64, 128, 256, 512, 1024];

function stepsPerSecond(sizes: number[], batch: number, precision: Precision, threads: number, seconds: number): Promise<number> {
  const network = FastNetwork.fromDescription(buildNetwork({ sizes, activation: [...sizes.slice(2).map(() => "relu" as const), "identity"], init: "he", seed: 1 }), { precision, threads, threadMinWork: 0 });
  const random = new SeededRandom(2);
  const inputs = Float64Array.from({ length: batch * (sizes[0] as number) }, () => random.uniform());
  const targets = Float64Array.from({ length: batch * (sizes[sizes.length - 1] as number) }, () => random.normal());
  const repeat = (n: number) => {
    for (let k = 0; k < n; k++) network.trainStep(inputs, targets, batch, 0.001);
  };
  return calibrate(repeat, seconds).then((count) => {
    const rates: number[] = [];
    for (let r = 0; r < 3; r++) {
      const start = process.hrtime.bigint();
      repeat(count);
      rates.push(count / (Number(process.hrtime.bigint() - start) / 1e9));
    }
    network.close();
    return median(rates);
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1] ?? 0.2) || 0.2;
  console.log(`load average ${loadavg()[0]?.toFixed(2)} (measure on a quiet machine)`);
  console.log("shape | precision | batch | work (multiply-adds) | 1 thread steps/s | 2 threads steps/s | 2 / 1");
  let threshold = 0;
  for (const precision of ["float64", "float32"] as const) {
    for (const sizes of shapes) {
      let work = 0;
      for (let l = 0; l + 1 < sizes.length; l++) work += (sizes[l] as number) * (sizes[l + 1] as number);
      let winsFrom = Number.POSITIVE_INFINITY;
      for (const batch of [...batches].reverse()) {
        const one = await stepsPerSecond(sizes, batch, precision, 1, seconds);
        const two = await stepsPerSecond(sizes, batch, precision, 2, seconds);
        console.log(`${sizes.join("-")} | ${precision} | ${batch} | ${batch * work} | ${one.toFixed(0)} | ${two.toFixed(0)} | ${(two / one).toFixed(2)}`);
        // From large batches down: the smallest batch before two threads stop winning by 5%.
        if (two > 1.05 * one) winsFrom = batch * work;
        else break;
      }
      threshold = Math.max(threshold, winsFrom);
    }
  }
  const verdict = Number.isFinite(threshold) ? `two threads win from about ${threshold} multiply-adds per step on every shape` : "on some shape two threads never won (a busy machine gives the second core to others)";
  console.log(`load average at the end ${loadavg()[0]?.toFixed(2)}; ${verdict}`);
}

void main();
