import { checkRankBuffers } from "./buffers";
import { bytesPerElement } from "./wire-format";
import type { CollectiveOptions } from "./ring-all-reduce";
import type { CollectiveRun, Transfer } from "./transfer-log";

/** Rounds a binomial tree needs to reach every one of `ranks` nodes: ceil(log2 ranks). */
export function binomialTreeRounds(ranks: number): number {
  let rounds = 0;
  while (2 ** rounds < ranks) rounds++;
  return rounds;
}

/**
 * Binomial-tree all-reduce, simulated on real buffers: reduce the whole
 * buffer up a binomial tree to rank 0, then broadcast it back down the same
 * tree. Each of the 2 ceil(log2 n) steps moves whole buffers, which is why
 * its cost is 2 log2(n)(alpha + S beta): few steps (good for small messages),
 * but every message carries all S bytes (bad for large ones).
 *
 * Reduce round k: every rank r with r mod 2^(k+1) = 2^k sends to r - 2^k.
 * Broadcast round k (k counting down): every rank r with r mod 2^(k+1) = 0
 * sends to r + 2^k if that rank exists. Works for any n, not only powers of 2.
 * (Thakur, Rabenseifner and Gropp, "Optimization of collective communication
 * operations in MPICH", IJHPCA 2005, binomial-tree reduce and broadcast.)
 */
export function treeAllReduce(buffers: readonly Float64Array[], options: CollectiveOptions = {}): CollectiveRun {
  const length = checkRankBuffers(buffers);
  const bytes = length * bytesPerElement(options.precision ?? 8);
  const ranks = buffers.length;
  const rounds = binomialTreeRounds(ranks);
  const work = buffers.map((buffer) => Float64Array.from(buffer));
  const log: Transfer[] = [];
  let step = 0;

  for (let k = 0; k < rounds; k++, step++) {
    const distance = 2 ** k;
    for (let from = distance; from < ranks; from += 2 * distance) {
      const to = from - distance;
      const source = work[from]!;
      const target = work[to]!;
      for (let i = 0; i < length; i++) target[i] = target[i]! + source[i]!;
      log.push({ step, phase: "reduce", from, to, chunk: 0, start: 0, end: length, bytes });
    }
  }
  for (let k = rounds - 1; k >= 0; k--, step++) {
    const distance = 2 ** k;
    for (let from = 0; from + distance < ranks; from += 2 * distance) {
      const to = from + distance;
      work[to]!.set(work[from]!);
      log.push({ step, phase: "broadcast", from, to, chunk: 0, start: 0, end: length, bytes });
    }
  }
  return { results: work, log, steps: step };
}
