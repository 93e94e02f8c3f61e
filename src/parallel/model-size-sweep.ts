import { requirePositiveInteger } from "./argument-guards";
import { ringAllReduceBytesPerRank } from "./gradient-traffic";
import { type TransformerShape, transformerParameters } from "./model-scale";
import { zeroModelStateBytes } from "./sharded-memory";

/**
 * The GPT-3 family's shapes (Brown et al. 2020, "Language Models are
 * Few-Shot Learners", Table 2.1: layers and hidden size; sequence 2048),
 * with GPT-2's vocabulary of 50257 rounded to 51200 as Narayanan et al. do.
 */
export const GPT3_FAMILY: readonly { name: string; shape: TransformerShape }[] = Object.freeze(
  (
    [
      ["GPT-3 Small", 12, 768],
      ["GPT-3 Medium", 24, 1024],
      ["GPT-3 Large", 24, 1536],
      ["GPT-3 XL", 24, 2048],
      ["GPT-3 2.7B", 32, 2560],
      ["GPT-3 6.7B", 32, 4096],
      ["GPT-3 13B", 40, 5140],
      ["GPT-3 175B", 96, 12288],
    ] as const
  ).map(([name, layers, hidden]) => ({ name, shape: { layers, hidden, sequenceLength: 2048, vocabulary: 51200 } })),
);

export interface ModelSizeRow {
  name: string;
  parameters: number;
  /** bf16 weights, 2 bytes a parameter. */
  weightBytes: number;
  /** Mixed-precision Adam's model state, 16 bytes a parameter, unsharded. */
  trainingStateBytes: number;
  /** The same with ZeRO stage 3 over `zeroRanks` GPUs. */
  shardedStateBytes: number;
  /** bf16 gradients a rank sends in one ring all-reduce, 2(n-1)/n x 2P. */
  allReduceBytesPerRank: number;
}

/** Memory and gradient traffic of each model, for a figure against model size. */
export function modelSizeSweep(
  models: readonly { name: string; shape: TransformerShape }[],
  options: { dataParallel: number; zeroRanks: number },
): ModelSizeRow[] {
  const n = requirePositiveInteger("dataParallel", options.dataParallel);
  const shards = requirePositiveInteger("zeroRanks", options.zeroRanks);
  return models.map(({ name, shape }) => {
    const parameters = transformerParameters(shape);
    return {
      name,
      parameters,
      weightBytes: 2 * parameters,
      trainingStateBytes: zeroModelStateBytes({ parameters, dataParallel: n, stage: 0 }).total,
      shardedStateBytes: zeroModelStateBytes({ parameters, dataParallel: shards, stage: 3 }).total,
      allReduceBytesPerRank: ringAllReduceBytesPerRank(2 * parameters, n),
    };
  });
}
