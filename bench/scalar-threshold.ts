import { loadavg } from "node:os";
import { buildNetwork, FastNetwork, SeededRandom } from "../src";
import { SCALAR_MAX_WORK } from "../src/fast/scalar-step";
import { interleavedThroughputs } from "./measure";

/**
 * Up to where a step as plain loops (src/fast/scalar-step.ts) beats the
 * phases: for a few small shapes and batches, steps per second with the
 * scalar step allowed at any size (scalarMaxWork Infinity) against never
 * (0), taking turns. A step's work is batch x the sum of in x out over the
 * layers; SCALAR_MAX_WORK should sit below the smallest work at which the
 * phases win. The shapes are odd or narrow enough that no step here takes
 * SIMD (where one would, the scalar step is never taken).
 *   node dist/bench/scalar-threshold.js [--seconds S] [--runs N]
 */
const shapes = [
  [2, 2, 1],
  [5, 5, 5],
  [9, 7, 5, 3],
];
const batches = [1, 2, 4, 8, 16, 32];

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got ${process.argv[at + 1]}`);
  return value;
}

/** A step of this shape and batch, repeated: with the scalar step allowed at any size, or never. */
function trainer(sizes: number[], batch: number, scalarMaxWork: number): (n: number) => void {
  const network = FastNetwork.fromDescription(buildNetwork({ sizes, activation: sizes.slice(1).map(() => "relu" as const), init: "he", seed: 1 }), { scalarMaxWork });
  const random = new SeededRandom(2);
  const inputs = Float64Array.from({ length: batch * (sizes[0] as number) }, () => random.uniform());
  const targets = Float64Array.from({ length: batch * (sizes[sizes.length - 1] as number) }, () => random.normal());
  return (n) => {
    for (let k = 0; k < n; k++) network.trainStep(inputs, targets, batch, 0.001);
  };
}

async function main(): Promise<void> {
  const minSeconds = argument("--seconds", 0.2);
  const runs = argument("--runs", 5);
  console.log(`load average ${loadavg()[0]?.toFixed(2)} (measure on a quiet machine); SCALAR_MAX_WORK is ${SCALAR_MAX_WORK}`);
  console.log("shape | batch | work (multiply-adds) | scalar steps/s | phases steps/s | scalar / phases");
  let phasesWinFrom = Number.POSITIVE_INFINITY;
  for (const sizes of shapes) {
    for (const batch of batches) {
      const work = batch * sizes.slice(1).reduce((sum, out, l) => sum + out * (sizes[l] as number), 0);
      const scalar = trainer(sizes, batch, Number.POSITIVE_INFINITY);
      const phases = trainer(sizes, batch, 0);
      const [scalarRate = 0, phasesRate = 0] = (await interleavedThroughputs([{ repeat: scalar }, { repeat: phases }], { runs, minSeconds })).map((rate) => rate.stepsPerSecond);
      console.log(`${sizes.join("-")} | ${batch} | ${work} | ${scalarRate.toFixed(0)} | ${phasesRate.toFixed(0)} | ${(scalarRate / phasesRate).toFixed(2)}`);
      if (scalarRate < phasesRate) phasesWinFrom = Math.min(phasesWinFrom, work);
    }
  }
  const verdict = Number.isFinite(phasesWinFrom) ? `the phases won from ${phasesWinFrom} multiply-adds per step` : "the scalar step won everywhere measured";
  console.log(`load average at the end ${loadavg()[0]?.toFixed(2)}; ${verdict}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
