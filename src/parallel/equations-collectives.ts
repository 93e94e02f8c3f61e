import { formatFloat } from "../math/arithmetic";
import { type AlphaBetaInput, ringAllReduceSeconds, treeAllReduceSeconds } from "./alpha-beta";
import { requirePositiveInteger } from "./argument-guards";
import { ringChunks } from "./chunks";
import { type Equation, ringShare, shown } from "./equation";
import { gigabitsPerSecondToBytesPerSecond, gradientBytes, ringAllReduceBytesPerRank } from "./gradient-traffic";
import { algorithmBandwidth, busBandwidth, busBandwidthFactor, type NcclCollective } from "./nccl-bandwidth";
import { bytesPerElement, type WireFormat } from "./wire-format";
import { binomialTreeRounds } from "./tree-all-reduce";
import { formatBytes, formatBytesPerSecond, formatCount, formatSeconds } from "./units";

/** Equations of all-reduce traffic: ring chunks and bytes, tree and server counts, alpha-beta times, nccl-tests bandwidths. */

/** chunk length = ceil(S/n) = ceil(8/4) = 2 elements (NCCL's ring chunking). */
export function chunkLengthEquation(elements: number, ranks: number): Equation {
  const value = Math.ceil(requirePositiveInteger("elements", elements) / requirePositiveInteger("ranks", ranks));
  return shown(value, ["chunk length", "ceil(S/n)", `ceil(${elements}/${ranks})`, `${value} element${value === 1 ? "" : "s"}`]);
}

/** Which chunk rank r sends at ring step k: (r-1-k) mod n in reduce-scatter, (r-k) mod n in all-gather. */
export function ringChunkEquation(rank: number, step: number, ranks: number): Equation {
  const n = requirePositiveInteger("ranks", ranks);
  const gather = step >= n - 1;
  const k = gather ? step - (n - 1) : step;
  const value = (((gather ? rank - k : rank - 1 - k) % n) + n) % n;
  const formula = gather ? "(r-k) mod n" : "(r-1-k) mod n";
  const substituted = gather ? `(${rank}-${k}) mod ${n}` : `(${rank}-1-${k}) mod ${n}`;
  return shown(value, [`chunk rank ${rank} sends`, formula, substituted, String(value)]);
}

/** bytes per chunk = S/n = 32 B / 4 = 8 B: what every link of the ring carries at every step. */
export function chunkBytesEquation(bufferBytes: number, ranks: number): Equation {
  const value = bufferBytes / requirePositiveInteger("ranks", ranks);
  return shown(value, ["bytes per chunk", "S/n", `${formatBytes(bufferBytes)} / ${ranks}`, formatBytes(value)]);
}

/** Steps and messages of an all-reduce on n ranks, from each algorithm's schedule. */
export function collectiveCountsEquations(algorithm: "ring" | "binomial tree" | "parameter server", ranks: number): Equation[] {
  const n = requirePositiveInteger("ranks", ranks);
  if (algorithm === "ring") {
    return [
      shown(2 * (n - 1), ["steps", "2(n-1)", `2 x ${n - 1}`, String(2 * (n - 1))]),
      shown(2 * (n - 1) * n, ["messages", "2(n-1) x n", `2 x ${n - 1} x ${n}`, String(2 * (n - 1) * n)]),
    ];
  }
  if (algorithm === "binomial tree") {
    const rounds = binomialTreeRounds(n);
    return [
      shown(2 * rounds, ["steps", "2 ceil(log2 n)", `2 x ${rounds}`, String(2 * rounds)]),
      shown(2 * (n - 1), ["messages", "2(n-1)", `2 x ${n - 1}`, String(2 * (n - 1))]),
    ];
  }
  return [shown(2, ["steps", "push, then pull", "1 + 1", "2"]), shown(2 * n, ["messages", "2n", `2 x ${n}`, String(2 * n)])];
}

/** A ring step sends every chunk once, so each empty chunk makes one empty message per step: 2(n-1) x e. */
export function emptyMessagesEquation(elements: number, ranks: number): Equation {
  const empty = ringChunks(elements, ranks).filter((chunk) => chunk.end === chunk.start).length;
  const value = 2 * (ranks - 1) * empty;
  return shown(value, ["empty messages", "2(n-1) x empty chunks", `2 x ${ranks - 1} x ${empty}`, String(value)]);
}

/** bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 350 GB = 612.5 GB. */
export function ringBytesPerRankEquation(bufferBytes: number, ranks: number): Equation {
  const value = ringAllReduceBytesPerRank(bufferBytes, ranks);
  const substituted = `2 x ${ringShare(ranks)} x ${formatBytes(bufferBytes)}`;
  return shown(value, ["bytes per rank", "2(n-1)/n x S", substituted, formatBytes(value)]);
}

/** The most bytes any one node sends in an all-reduce of S bytes on n ranks, by algorithm. */
export function busiestSenderEquation(algorithm: "ring" | "binomial tree" | "parameter server", ranks: number, bufferBytes: number): Equation {
  const S = formatBytes(bufferBytes);
  if (algorithm === "ring") return ringBytesPerRankEquation(bufferBytes, ranks);
  if (algorithm === "binomial tree") {
    const rounds = binomialTreeRounds(ranks);
    const value = rounds * bufferBytes;
    return shown(value, ["root sends", "ceil(log2 n) x S", `ceil(log2 ${ranks}) x ${S} = ${rounds} x ${S}`, formatBytes(value)]);
  }
  const value = requirePositiveInteger("ranks", ranks) * bufferBytes;
  return shown(value, ["server sends", "n x S", `${ranks} x ${S}`, formatBytes(value)]);
}

/** busbw / algbw (nccl-tests `doc/PERFORMANCE.md`): 2(n-1)/n = 2 x 7/8 = 1.75 for an all-reduce on 8 ranks. */
export function busBandwidthFactorEquation(collective: NcclCollective, ranks: number): Equation {
  const value = busBandwidthFactor(collective, ranks);
  const [formula, substituted] =
    collective === "all-reduce"
      ? ["2(n-1)/n", `2 x ${ringShare(ranks)}`]
      : collective === "reduce-scatter" || collective === "all-gather"
        ? ["(n-1)/n", ringShare(ranks)]
        : ["1", "1"];
  return shown(value, [`${collective} factor`, formula, substituted, formatFloat(value)]);
}

/** algbw = S/t, then busbw = algbw x factor: what nccl-tests prints for one measured run. */
export function busBandwidthEquations(collective: NcclCollective, ranks: number, bytes: number, seconds: number): Equation[] {
  const algbw = algorithmBandwidth(bytes, seconds);
  const busbw = busBandwidth(collective, ranks, bytes, seconds);
  const factor = busBandwidthFactorEquation(collective, ranks);
  return [
    shown(algbw, ["algbw", "S/t", `${formatBytes(bytes)} / ${formatSeconds(seconds)}`, formatBytesPerSecond(algbw)]),
    shown(busbw, ["busbw", "algbw x factor", `${formatBytesPerSecond(algbw)} x ${formatFloat(factor.value)}`, formatBytesPerSecond(busbw)]),
  ];
}

/** T = 2(n-1) a + 2(n-1)/n S b for the ring, 2 ceil(log2 n)(a + S b) for the binomial tree (Thakur et al. 2005). */
export function allReduceSecondsEquation(algorithm: "ring" | "binomial tree", input: AlphaBetaInput): Equation {
  const { ranks: n, bytes, latencySeconds, linkBytesPerSecond } = input;
  const alpha = formatSeconds(latencySeconds);
  const S = `${formatBytes(bytes)} / ${formatBytesPerSecond(linkBytesPerSecond)}`;
  if (algorithm === "ring") {
    const value = ringAllReduceSeconds(input);
    return shown(value, ["T_ring", "2(n-1) alpha + 2(n-1)/n x S / link", `2 x ${n - 1} x ${alpha} + 2 x ${ringShare(n)} x ${S}`, formatSeconds(value)]);
  }
  const value = treeAllReduceSeconds(input);
  const rounds = binomialTreeRounds(n);
  return shown(value, ["T_tree", "2 ceil(log2 n) (alpha + S / link)", `2 x ${rounds} x (${alpha} + ${S})`, formatSeconds(value)]);
}

/** link = Gbit/s / 8: 400 Gbit/s / 8 = 50 GB/s. */
export function linkSpeedEquation(gigabits: number): Equation {
  const value = gigabitsPerSecondToBytesPerSecond(gigabits);
  return shown(value, ["link", "(Gbit/s) / 8", `${gigabits} Gbit/s / 8`, formatBytesPerSecond(value)]);
}

/** S = P x bytes per value: 1.75e11 x 2 B = 350 GB. */
export function gradientBytesEquation(parameters: number, precision: WireFormat | number): Equation {
  const value = gradientBytes(parameters, precision);
  return shown(value, ["gradient bytes S", "P x bytes per value", `${formatCount(parameters)} x ${bytesPerElement(precision)} B`, formatBytes(value)]);
}

/**
 * Gradient bytes one data-parallel rank all-reduces when the model is also
 * split t ways by tensor and p ways by pipeline parallelism: each rank
 * holds only P/(t p) of the parameters, so S = (bytes per value) P/(t p);
 * in bf16 that is 2P/(t p).
 */
export function shardedGradientBytesEquation(parameters: number, precision: WireFormat | number, tensorParallel: number, pipelineParallel: number): Equation {
  const t = requirePositiveInteger("tensorParallel", tensorParallel);
  const p = requirePositiveInteger("pipelineParallel", pipelineParallel);
  const perValue = bytesPerElement(precision);
  const value = gradientBytes(parameters, precision) / (t * p);
  const substituted = `${perValue} B x ${formatCount(parameters)} / (${t} x ${p})`;
  return shown(value, ["gradient bytes per data-parallel rank", `${perValue}P/(t x p)`, substituted, formatBytes(value)]);
}

/** time = bytes / link speed: 612.5 GB / 50 GB/s = 12.25 s (the bandwidth term; latency is negligible here). */
export function transferSecondsEquation(bytes: number, linkBytesPerSecond: number, name = "time"): Equation {
  const value = bytes / linkBytesPerSecond;
  return shown(value, [name, "bytes / link", `${formatBytes(bytes)} / ${formatBytesPerSecond(linkBytesPerSecond)}`, formatSeconds(value)]);
}
