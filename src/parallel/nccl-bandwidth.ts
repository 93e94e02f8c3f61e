import { requirePositive, requirePositiveInteger, requireNonNegative } from "./argument-guards";

/**
 * How nccl-tests reports speed (NVIDIA nccl-tests, `doc/PERFORMANCE.md`).
 * algbw = S / t is what the application sees; busbw = algbw x factor is what
 * each link actually carried, comparable to the hardware's peak bandwidth
 * whatever the number of ranks.
 */
export type NcclCollective = "all-reduce" | "reduce-scatter" | "all-gather" | "broadcast" | "reduce";

export const NCCL_COLLECTIVES: readonly NcclCollective[] = ["all-reduce", "reduce-scatter", "all-gather", "broadcast", "reduce"];

/**
 * busbw / algbw for a collective on n ranks (nccl-tests `doc/PERFORMANCE.md`):
 * all-reduce 2(n-1)/n, reduce-scatter and all-gather (n-1)/n, broadcast and
 * reduce 1. At 8 ranks the all-reduce factor is 1.75.
 */
export function busBandwidthFactor(collective: NcclCollective, ranks: number): number {
  const n = requirePositiveInteger("ranks", ranks);
  switch (collective) {
    case "all-reduce":
      return (2 * (n - 1)) / n;
    case "reduce-scatter":
    case "all-gather":
      return (n - 1) / n;
    case "broadcast":
    case "reduce":
      return 1;
    default:
      throw new RangeError(`collective must be one of ${NCCL_COLLECTIVES.join(", ")}, got ${JSON.stringify(collective)}`);
  }
}

/**
 * algbw = S / t (nccl-tests `doc/PERFORMANCE.md`). S is the buffer size in
 * bytes; for all-gather and reduce-scatter nccl-tests takes the total
 * (gathered) size, n times one rank's share.
 */
export function algorithmBandwidth(bytes: number, seconds: number): number {
  return requireNonNegative("bytes", bytes) / requirePositive("seconds", seconds);
}

/** busbw = algbw x busBandwidthFactor (nccl-tests `doc/PERFORMANCE.md`). */
export function busBandwidth(collective: NcclCollective, ranks: number, bytes: number, seconds: number): number {
  return algorithmBandwidth(bytes, seconds) * busBandwidthFactor(collective, ranks);
}
