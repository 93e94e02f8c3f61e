import { checkRankBuffers } from "./buffers";
import { ringChunks } from "./chunks";
import { bytesPerElement, type WireFormat } from "./wire-format";
import type { CollectiveRun, Transfer } from "./transfer-log";

export interface CollectiveOptions {
  /** Bytes per element on the wire for the log; the arithmetic itself always runs in float64. Default 8. */
  precision?: WireFormat | number;
}

/**
 * Ring all-reduce, simulated step by step on real buffers: a reduce-scatter
 * of n-1 steps, then an all-gather of n-1 steps. Rank r only ever sends to
 * rank r+1 (mod n), so every link of the ring carries one chunk per step.
 *
 * Reduce-scatter step k: rank r sends chunk (r-1-k) mod n; the receiver adds
 * it into its own copy. After n-1 steps rank r holds the full sum of chunk r.
 * All-gather step k: rank r sends chunk (r-k) mod n; the receiver overwrites
 * its copy, so after n-1 more steps every rank holds every summed chunk.
 *
 * Each rank sends every chunk except its own in the first phase and every
 * chunk except chunk r+1 in the second: 2S - |chunk r| - |chunk r+1|
 * elements. Summed over ranks that is exactly 2(n-1)S, so the mean per rank
 * is exactly 2(n-1)/n x S; with S divisible by n every rank sends exactly
 * that. Chunks round as NCCL's do (see `ringChunks`).
 * (Patarasuk and Yuan, "Bandwidth optimal all-reduce algorithms for clusters
 * of workstations", JPDC 2009; NCCL `src/device/all_reduce.h` runRing.)
 */
export function ringAllReduce(buffers: readonly Float64Array[], options: CollectiveOptions = {}): CollectiveRun {
  const length = checkRankBuffers(buffers);
  const elementBytes = bytesPerElement(options.precision ?? 8);
  const ranks = buffers.length;
  const chunks = ringChunks(length, ranks);
  const work = buffers.map((buffer) => Float64Array.from(buffer));
  const log: Transfer[] = [];
  const mod = (value: number) => ((value % ranks) + ranks) % ranks;

  let step = 0;
  for (const phase of ["reduce-scatter", "all-gather"] as const) {
    for (let k = 0; k < ranks - 1; k++, step++) {
      // Every rank sends before any rank receives: snapshot what goes on the wire.
      const messages = work.map((buffer, from) => {
        const chunk = phase === "reduce-scatter" ? mod(from - 1 - k) : mod(from - k);
        const { start, end } = chunks[chunk]!;
        return { from, to: mod(from + 1), chunk, start, end, payload: buffer.slice(start, end) };
      });
      for (const { from, to, chunk, start, end, payload } of messages) {
        const target = work[to]!;
        for (let i = 0; i < payload.length; i++) {
          target[start + i] = phase === "reduce-scatter" ? target[start + i]! + payload[i]! : payload[i]!;
        }
        log.push({ step, phase, from, to, chunk, start, end, bytes: (end - start) * elementBytes });
      }
    }
  }
  return { results: work, log, steps: step };
}
