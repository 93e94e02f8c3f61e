import { requireNonNegative, requirePositiveInteger } from "./argument-guards";

/**
 * Memory per GPU for training with mixed-precision Adam, and how ZeRO's
 * stages shard it (Rajbhandari et al., "ZeRO: Memory Optimizations Toward
 * Training Trillion Parameter Models", SC '20, arXiv 1910.02054, section 3.1
 * and Figure 1): fp16 parameters 2Ψ bytes, fp16 gradients 2Ψ, and K = 12
 * bytes per parameter of optimizer state (an fp32 copy of the parameters,
 * the momentum and the variance, 4 bytes each): 16Ψ in all.
 */
export const MIXED_PRECISION_ADAM = Object.freeze({ parameterBytes: 2, gradientBytes: 2, optimizerBytes: 12 });

/** 0 is plain data parallelism; 1 shards the optimizer state (P_os), 2 the gradients too (P_os+g), 3 the parameters too (P_os+g+p). */
export type ZeroStage = 0 | 1 | 2 | 3;

export interface ModelStateBytes {
  parameters: number;
  gradients: number;
  optimizer: number;
  total: number;
}

export interface ModelStateInput {
  /** Ψ: parameters this GPU's data-parallel group trains (the whole model, or one tensor/pipeline shard of it). */
  parameters: number;
  /** N_d: data-parallel ranks the states are sharded over. */
  dataParallel: number;
  stage: ZeroStage;
}

/**
 * Model-state bytes per GPU: baseline (2 + 2 + K)Ψ; stage 1 2Ψ + 2Ψ + KΨ/N_d;
 * stage 2 2Ψ + (2 + K)Ψ/N_d; stage 3 (2 + 2 + K)Ψ/N_d (ZeRO, Figure 1 and
 * sections 5.1-5.3). ZeRO's own example, Ψ = 7.5e9 on N_d = 64: 120 GB,
 * 31.4 GB, 16.6 GB, 1.9 GB.
 */
export function zeroModelStateBytes(input: ModelStateInput): ModelStateBytes {
  const psi = requireNonNegative("parameters", input.parameters);
  const n = requirePositiveInteger("dataParallel", input.dataParallel);
  const stage = input.stage;
  if (![0, 1, 2, 3].includes(stage)) throw new RangeError(`stage must be 0, 1, 2 or 3, got ${String(stage)}`);
  const { parameterBytes, gradientBytes, optimizerBytes } = MIXED_PRECISION_ADAM;
  const parameters = (parameterBytes * psi) / (stage >= 3 ? n : 1);
  const gradients = (gradientBytes * psi) / (stage >= 2 ? n : 1);
  const optimizer = (optimizerBytes * psi) / (stage >= 1 ? n : 1);
  return { parameters, gradients, optimizer, total: parameters + gradients + optimizer };
}

/**
 * Elements each rank sends per step to keep the replicas in step, with ring
 * collectives: stages 0-2 move 2(N-1)/N Ψ (a reduce-scatter of the gradients
 * and an all-gather of the parameters, the same as one all-reduce); stage 3
 * gathers the parameters twice (before forward and before backward) and
 * reduce-scatters the gradients, 3(N-1)/N Ψ, 1.5 times as much (ZeRO,
 * sections 7.1-7.2).
 */
export function zeroCommunicationElements(input: ModelStateInput): number {
  const psi = requireNonNegative("parameters", input.parameters);
  const n = requirePositiveInteger("dataParallel", input.dataParallel);
  const collectives = input.stage === 3 ? 3 : 2;
  return (collectives * (n - 1) * psi) / n;
}

export interface ActivationInput {
  /** b: sequences per micro-batch. */
  microBatchSize: number;
  /** s: tokens per sequence. */
  sequenceLength: number;
  /** h: hidden size. */
  hidden: number;
  /** a: attention heads. */
  heads: number;
  /** t: tensor-parallel degree (1 for none). */
  tensorParallel: number;
  /** Split the layer norms and dropouts along the sequence too (Korthikanti et al.'s sequence parallelism). */
  sequenceParallel: boolean;
}

/**
 * Activation bytes one transformer layer keeps for its backward pass, 16-bit
 * activations and 1-byte dropout masks, no recomputation (Korthikanti et al.
 * 2022, "Reducing Activation Recomputation in Large Transformer Models",
 * arXiv 2205.05198, section 4): s b h (34 + 5 a s / h) unsplit (equation 1);
 * s b h (10 + 24/t + 5 a s/(h t)) with tensor parallelism (equation 2), whose
 * 10 s b h are the layer norms and dropouts every GPU keeps whole; and
 * s b h (34 + 5 a s / h) / t with sequence parallelism as well (equation 4).
 */
export function activationBytesPerLayer(input: ActivationInput): number {
  const b = requirePositiveInteger("microBatchSize", input.microBatchSize);
  const s = requirePositiveInteger("sequenceLength", input.sequenceLength);
  const h = requirePositiveInteger("hidden", input.hidden);
  const a = requirePositiveInteger("heads", input.heads);
  const t = requirePositiveInteger("tensorParallel", input.tensorParallel);
  const sbh = s * b * h;
  const attention = (5 * a * s) / h;
  if (input.sequenceParallel) return (sbh * (34 + attention)) / t;
  return sbh * (10 + 24 / t + attention / t);
}

/** PyTorch FSDP's sharding strategies (torch/distributed/fsdp/api.py, `ShardingStrategy`) and the ZeRO stage each behaves like. */
export const FSDP_STRATEGIES = Object.freeze([
  { strategy: "NO_SHARD", zeroStage: 0, shards: "nothing: gradients all-reduced, as DDP does" },
  { strategy: "SHARD_GRAD_OP", zeroStage: 2, shards: "gradients and optimizer state; parameters stay whole from forward to backward" },
  { strategy: "FULL_SHARD", zeroStage: 3, shards: "parameters too: all-gathered before forward and again before backward, freed after each" },
  { strategy: "HYBRID_SHARD", zeroStage: 3, shards: "FULL_SHARD inside a node, replicas across nodes" },
] as const);
