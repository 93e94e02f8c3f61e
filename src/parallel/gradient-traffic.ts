import { requireNonNegative, requirePositive, requirePositiveInteger } from "./argument-guards";
import { busBandwidthFactor } from "./nccl-bandwidth";
import { bytesPerElement, type WireFormat } from "./wire-format";

/**
 * Bytes one rank sends in a ring all-reduce of a buffer: 2(n-1)/n x buffer
 * (nccl-tests `doc/PERFORMANCE.md`, the all-reduce bus-bandwidth factor;
 * Patarasuk and Yuan, JPDC 2009). Exact when n divides the element count;
 * otherwise it is the mean over ranks (see `ringAllReduce`).
 */
export function ringAllReduceBytesPerRank(bufferBytes: number, ranks: number): number {
  return requireNonNegative("bufferBytes", bufferBytes) * busBandwidthFactor("all-reduce", ranks);
}

/** Bytes of one full set of gradients: one value per parameter in the given precision. */
export function gradientBytes(parameters: number, precision: WireFormat | number): number {
  return requireNonNegative("parameters", parameters) * bytesPerElement(precision);
}

export interface GradientTrafficInput {
  parameters: number;
  precision: WireFormat | number;
  ranks: number;
  /** Optional: the link each rank sends on, for the transfer time. */
  linkBytesPerSecond?: number;
}

export interface GradientTraffic {
  gradientBytes: number;
  busBandwidthFactor: number;
  bytesSentPerRank: number;
  /** Bandwidth term only, bytesSentPerRank / link speed; undefined without a link speed. */
  seconds: number | undefined;
}

/**
 * Data-parallel gradient traffic per iteration: the gradients' size, what
 * each rank sends in a ring all-reduce, and how long that takes on a link
 * when latency is negligible (the 2(n-1)/n n beta term of the ring model;
 * factor from nccl-tests `doc/PERFORMANCE.md`).
 * GPT-3's 175e9 bf16 gradients are 350 GB; at 8 ranks each sends 612.5 GB,
 * 12.25 s at 50 GB/s.
 */
export function gradientTraffic(input: GradientTrafficInput): GradientTraffic {
  requirePositiveInteger("ranks", input.ranks);
  const bytes = gradientBytes(input.parameters, input.precision);
  const perRank = ringAllReduceBytesPerRank(bytes, input.ranks);
  const seconds = input.linkBytesPerSecond === undefined ? undefined : perRank / requirePositive("linkBytesPerSecond", input.linkBytesPerSecond);
  return { gradientBytes: bytes, busBandwidthFactor: busBandwidthFactor("all-reduce", input.ranks), bytesSentPerRank: perRank, seconds };
}

/** Link speeds are quoted in Gbit/s; the models work in bytes per second. 400 Gbit/s = 50e9 B/s. */
export function gigabitsPerSecondToBytesPerSecond(gigabits: number): number {
  return (requireNonNegative("gigabits per second", gigabits) * 1e9) / 8;
}
