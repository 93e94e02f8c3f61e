/**
 * Timing. A contender's `repeat(n)` does n steps of its workload; the
 * harness first grows n until one run lasts long enough for the clock to be
 * meaningful, then times runs in rounds: every contender runs once per
 * round, so a burst of load from other processes on a shared machine slows
 * them all alike instead of one of them. The median of the rounds is kept.
 */
export interface MeasureOptions {
  /** Rounds of timed runs; the median is reported. */
  runs: number;
  /** Seconds one run should last at least. */
  minSeconds: number;
}

export const defaultMeasure: MeasureOptions = { runs: 5, minSeconds: 0.4 };

/** Runs n steps of the workload (awaiting it if it is async). */
export type Repeat = (n: number) => void | Promise<void>;

export interface Contender {
  repeat: Repeat;
  /** Called before each of its runs, e.g. to switch TensorFlow.js to this contender's backend. */
  prepare?: () => Promise<void>;
}

/** Seconds of untimed steps before calibrating: the JIT compilers (V8's, WebAssembly's tier-up) work in background threads, which a busy machine starves. */
export const warmUpSeconds = 1;

/** Steps per run such that one run lasts about `minSeconds`, after a warm-up; ends with one untimed full-length run. */
export async function calibrate(repeat: Repeat, minSeconds: number, warmUp = Math.min(warmUpSeconds, 2.5 * minSeconds)): Promise<number> {
  const start = process.hrtime.bigint();
  for (let chunk = 1; Number(process.hrtime.bigint() - start) / 1e9 < warmUp; chunk = Math.min(2 * chunk, 1e6)) await repeat(chunk);
  let count = 1;
  for (;;) {
    const seconds = await timed(repeat, count);
    if (seconds >= minSeconds / 4 || count >= 1e9) {
      count = Math.max(1, Math.ceil((count * minSeconds) / Math.max(seconds, 1e-9)));
      break;
    }
    count *= seconds < minSeconds / 100 ? 10 : 2;
  }
  // Some peers (tfjs) keep speeding up for thousands of steps as their JIT settles.
  await timed(repeat, count);
  return count;
}

/** A contender's figures over the rounds: steps per second (median), and the cores' worth of CPU time this process took while it ran (median). */
export interface Throughput {
  stepsPerSecond: number;
  /** CPU time of all this process's threads over wall time: below the threads a contender was given, it did not get its cores. */
  cpuCores: number;
}

/**
 * Steps per second of each contender: the median over `runs` rounds.
 * `afterRound` runs at the end of each round: a place for contenders timed
 * in another process (PyTorch) to take their turn.
 */
export async function interleavedThroughputs(contenders: readonly Contender[], options: MeasureOptions = defaultMeasure, afterRound?: () => Promise<void> | void): Promise<Throughput[]> {
  const counts: number[] = [];
  for (const contender of contenders) {
    await contender.prepare?.();
    counts.push(await calibrate(contender.repeat, options.minSeconds));
  }
  const rounds: { seconds: number; cpuSeconds: number }[][] = contenders.map(() => []);
  for (let r = 0; r < options.runs; r++) {
    for (const [c, contender] of contenders.entries()) {
      await contender.prepare?.();
      const cpuBefore = process.cpuUsage();
      const seconds = await timed(contender.repeat, counts[c] as number);
      const cpu = process.cpuUsage(cpuBefore);
      rounds[c]?.push({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    }
    await afterRound?.();
  }
  return rounds.map((runs, c) => ({
    stepsPerSecond: median(runs.map((run) => (counts[c] as number) / run.seconds)),
    cpuCores: median(runs.map((run) => run.cpuSeconds / run.seconds)),
  }));
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
