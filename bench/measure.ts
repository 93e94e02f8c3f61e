/**
 * Timing: a workload runner does `count` units of work (steps or samples)
 * and the harness turns that into a throughput. The count is first grown
 * until one run lasts long enough for the clock to be meaningful, then
 * several runs are timed and the median is kept, because other processes on
 * a shared machine make single runs noisy in one direction (slower).
 */
export interface MeasureOptions {
  /** Timed runs; the median is reported. */
  runs: number;
  /** Seconds one run should last at least. */
  minSeconds: number;
}

export const defaultMeasure: MeasureOptions = { runs: 5, minSeconds: 0.4 };

/** Runs `repeat(n)` n times the workload's unit of work (awaiting it if it is async). */
export type Repeat = (n: number) => void | Promise<void>;

export async function medianThroughput(repeat: Repeat, options: MeasureOptions = defaultMeasure): Promise<number> {
  // Calibrate (this also warms up the JIT and any backend caches).
  let count = 1;
  for (;;) {
    const seconds = await timed(repeat, count);
    if (seconds >= options.minSeconds / 4 || count >= 1e9) {
      count = Math.max(1, Math.ceil((count * options.minSeconds) / Math.max(seconds, 1e-9)));
      break;
    }
    count *= seconds < options.minSeconds / 100 ? 10 : 2;
  }
  // One untimed run at full length: some peers (tfjs) keep speeding up for thousands of steps as their JIT settles.
  await timed(repeat, count);
  const throughputs: number[] = [];
  for (let r = 0; r < options.runs; r++) throughputs.push(count / (await timed(repeat, count)));
  return median(throughputs);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timed(repeat: Repeat, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  await repeat(count);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
