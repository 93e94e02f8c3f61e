import { requireNonNegative, requirePositive, requirePositiveInteger } from "./argument-guards";
import { type AlphaBetaInput, alphaBetaTerms, ringAllReduceSeconds } from "./alpha-beta";
import { binomialTreeRounds } from "./tree-all-reduce";

/**
 * All-reduce time models beyond the ring (alpha-beta: alpha seconds per
 * message start, beta = 1 / link bytes per second).
 */

/**
 * NCCL's double binary tree (Jeaugey, "Massively Scale Your Deep Learning
 * Training with NCCL 2.4", NVIDIA blog, 2019; Sanders, Speck and Träff
 * 2009): two trees, each carrying half the data, each rank an inner node
 * of at most one. A rank sends about 2S: in the tree where it is inner, S/2
 * up and S/2 to each of two children; in the other, S/2 up (notebook 10's
 * count). Modelled as 2 ceil(log2 n) latency steps (up one tree and down
 * it, pipelined) plus those 2S bytes, a little more than the ring's
 * 2(n-1)/n S. A model, not a measurement: NCCL pipelines in chunks and adds
 * per-chunk costs.
 */
export function doubleBinaryTreeSeconds(input: AlphaBetaInput): number {
  const { p, n, alpha, beta } = alphaBetaTerms(input);
  return 2 * binomialTreeRounds(p) * alpha + 2 * n * beta;
}

/**
 * In-network reduction (InfiniBand SHARP, NVLink SHARP): switches add the
 * data as it passes, so each rank sends its S bytes once and receives the
 * S-byte sum once; the latency is one trip up the switch tree and back,
 * modelled as 2 alpha whatever n (derived from NVIDIA's SHARP documentation,
 * Rev 3.6.0, Introduction). nccl-tests reports its bus bandwidth with the
 * factor (n-1)/(n+1) for this case (doc/PERFORMANCE.md).
 */
export function inNetworkAllReduceSeconds(input: AlphaBetaInput): number {
  const { n, alpha, beta } = alphaBetaTerms(input);
  return 2 * alpha + n * beta;
}

export interface HierarchicalInput {
  nodes: number;
  gpusPerNode: number;
  bytes: number;
  /** Inside a node (NVLink). */
  nodeLatencySeconds: number;
  nodeBytesPerSecond: number;
  /** Between nodes: one NIC per GPU, one rail each. */
  networkLatencySeconds: number;
  networkBytesPerSecond: number;
}

export interface HierarchicalTime {
  reduceScatterInNode: number;
  allReduceAcrossNodes: number;
  allGatherInNode: number;
  total: number;
  /** Bytes each GPU's NIC sends: 2(N-1)/N x S/g. */
  nicBytesPerGpu: number;
}

/**
 * Hierarchical all-reduce (the NCCL 2.4 blog's "2D ring"): reduce-scatter
 * inside each node, so GPU r of every node holds the node's sum of slice r;
 * all-reduce slice r across nodes over rail r, all g rails at once; then
 * all-gather inside the node. Each NIC carries 2(N-1)/N x S/g bytes.
 */
export function hierarchicalAllReduce(input: HierarchicalInput): HierarchicalTime {
  const N = requirePositiveInteger("nodes", input.nodes);
  const g = requirePositiveInteger("gpusPerNode", input.gpusPerNode);
  const S = requireNonNegative("bytes", input.bytes);
  const alphaNode = requireNonNegative("nodeLatencySeconds", input.nodeLatencySeconds);
  const betaNode = 1 / requirePositive("nodeBytesPerSecond", input.nodeBytesPerSecond);
  const inNode = (g - 1) * alphaNode + ((g - 1) / g) * S * betaNode;
  const slice = S / g;
  const across = ringAllReduceSeconds({ ranks: N, bytes: slice, latencySeconds: input.networkLatencySeconds, linkBytesPerSecond: input.networkBytesPerSecond });
  return {
    reduceScatterInNode: inNode,
    allReduceAcrossNodes: across,
    allGatherInNode: inNode,
    total: 2 * inNode + across,
    nicBytesPerGpu: ((2 * (N - 1)) / N) * slice,
  };
}
