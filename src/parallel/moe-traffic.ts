import { SeededRandom } from "../network/random";
import { requirePositive, requirePositiveInteger } from "./argument-guards";

/**
 * Mixture-of-experts traffic. Each token's hidden vector goes to its top-k
 * experts and their outputs come back (GShard's dispatch and combine
 * all-to-alls: Lepikhin et al. 2020, arXiv 2006.16668, section 3.1). With
 * experts spread evenly over n GPUs and routing spread evenly, (n-1)/n of
 * the copies leave their GPU.
 */
export interface MoeTrafficInput {
  tokensPerGpu: number;
  hidden: number;
  topK: number;
  gpus: number;
  bytesPerValue: number;
}

/** Bytes each GPU sends per MoE layer in the forward pass: dispatch plus combine, 2 T k h (n-1)/n values (the backward pass sends as much again). */
export function moeAllToAllBytes(input: MoeTrafficInput): number {
  const T = requirePositiveInteger("tokensPerGpu", input.tokensPerGpu);
  const h = requirePositiveInteger("hidden", input.hidden);
  const k = requirePositiveInteger("topK", input.topK);
  const n = requirePositiveInteger("gpus", input.gpus);
  const bytes = requirePositive("bytesPerValue", input.bytesPerValue);
  return (2 * T * k * h * (n - 1) * bytes) / n;
}

/** Expert capacity: ceil(capacityFactor x k x tokens / experts) (Fedus et al. 2021, arXiv 2101.03961, equation 3, with k = 1 there). */
export function expertCapacity(tokens: number, experts: number, topK: number, capacityFactor: number): number {
  requirePositiveInteger("tokens", tokens);
  requirePositiveInteger("experts", experts);
  requirePositiveInteger("topK", topK);
  requirePositive("capacityFactor", capacityFactor);
  return Math.ceil((capacityFactor * topK * tokens) / experts);
}

export interface RoutingResult {
  /** Token copies each expert received. */
  load: number[];
  capacity: number;
  /** Copies over capacity: they skip the expert (Switch Transformer passes them on through the residual). */
  dropped: number;
  droppedShare: number;
}

/**
 * Routes tokens to k distinct experts each, drawn with the given popularity
 * (equal by default; a skewed router sends more to some), and counts what
 * overflows each expert's capacity.
 */
export function routeTokens(input: {
  tokens: number;
  experts: number;
  topK: number;
  capacityFactor: number;
  popularity?: readonly number[];
  seed?: number;
}): RoutingResult {
  const capacity = expertCapacity(input.tokens, input.experts, input.topK, input.capacityFactor);
  if (input.topK > input.experts) throw new RangeError(`topK must not exceed experts (${input.experts}), got ${input.topK}`);
  const popularity = input.popularity ?? new Array<number>(input.experts).fill(1);
  if (popularity.length !== input.experts) throw new RangeError(`popularity has ${popularity.length} weights, there are ${input.experts} experts`);
  for (const [e, weight] of popularity.entries()) requirePositive(`popularity[${e}]`, weight);
  const random = new SeededRandom(input.seed ?? 1);
  const load = new Array<number>(input.experts).fill(0);
  for (let token = 0; token < input.tokens; token++) {
    const chosen = new Set<number>();
    while (chosen.size < input.topK) {
      const open = popularity.map((weight, e) => (chosen.has(e) ? 0 : weight));
      let pick = random.uniform() * open.reduce((a, b) => a + b, 0);
      let expert = 0;
      while (pick >= open[expert]! && expert < open.length - 1) pick -= open[expert++]!;
      chosen.add(expert);
    }
    for (const expert of chosen) load[expert]! += 1;
  }
  const dropped = load.reduce((sum, count) => sum + Math.max(0, count - capacity), 0);
  return { load, capacity, dropped, droppedShare: dropped / (input.tokens * input.topK) };
}
