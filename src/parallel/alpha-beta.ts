import { requireNonNegative, requirePositive, requirePositiveInteger } from "./argument-guards";
import { binomialTreeRounds } from "./tree-all-reduce";

/**
 * The alpha-beta (latency-bandwidth) model of a collective: each message
 * costs alpha seconds to start plus beta seconds per byte, beta being
 * 1 / link bandwidth. Formulas from Thakur, Rabenseifner and Gropp,
 * "Optimization of collective communication operations in MPICH",
 * IJHPCA 19(1), 2005 (ring all-gather, reduce-scatter, binomial trees;
 * ring all-reduce = reduce-scatter + all-gather).
 */
export interface AlphaBetaInput {
  ranks: number;
  /** Size of the whole buffer being reduced or gathered, in bytes. */
  bytes: number;
  /** alpha: start-up cost of one message, seconds. */
  latencySeconds: number;
  /** 1 / beta: bytes per second one link carries in one direction. */
  linkBytesPerSecond: number;
}

/** The model's terms from its input, each argument checked: p ranks, n bytes, alpha, beta = 1 / bandwidth. */
export function alphaBetaTerms(input: AlphaBetaInput) {
  return {
    p: requirePositiveInteger("ranks", input.ranks),
    n: requireNonNegative("bytes", input.bytes),
    alpha: requireNonNegative("latencySeconds", input.latencySeconds),
    beta: 1 / requirePositive("linkBytesPerSecond", input.linkBytesPerSecond),
  };
}

/** Ring all-reduce: 2(p-1) alpha + 2(p-1)/p n beta (Thakur et al. 2005; Patarasuk and Yuan 2009). */
export function ringAllReduceSeconds(input: AlphaBetaInput): number {
  const { p, n, alpha, beta } = alphaBetaTerms(input);
  return 2 * (p - 1) * alpha + ((2 * (p - 1)) / p) * n * beta;
}

/**
 * Binomial-tree all-reduce (reduce then broadcast): 2 log2(p) (alpha + n beta)
 * (Thakur et al. 2005). For p not a power of two the tree needs
 * ceil(log2 p) rounds each way, which is what this returns.
 */
export function treeAllReduceSeconds(input: AlphaBetaInput): number {
  const { p, n, alpha, beta } = alphaBetaTerms(input);
  return 2 * binomialTreeRounds(p) * (alpha + n * beta);
}

/** Ring reduce-scatter: (p-1) alpha + (p-1)/p n beta (Thakur et al. 2005). */
export function reduceScatterSeconds(input: AlphaBetaInput): number {
  const { p, n, alpha, beta } = alphaBetaTerms(input);
  return (p - 1) * alpha + ((p - 1) / p) * n * beta;
}

/** Ring all-gather: (p-1) alpha + (p-1)/p n beta, n the gathered size (Thakur et al. 2005). */
export function allGatherSeconds(input: AlphaBetaInput): number {
  return reduceScatterSeconds(input);
}
