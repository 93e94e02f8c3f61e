import { requireNonNegative, requirePositive } from "./argument-guards";

/**
 * PyTorch DDP's gradient buckets (Li et al., "PyTorch Distributed:
 * Experiences on Accelerating Data Parallel Training", VLDB 2020; PyTorch's
 * docs/source/notes/ddp.rst): parameters are packed into buckets of about
 * `bucket_cap_mb` (25 MB by default) in roughly reverse order, the order
 * backward produces their gradients; as soon as every gradient of a bucket
 * is ready, its all-reduce starts while backward goes on. Buckets are
 * all-reduced in bucket order on every rank. (DDP makes its first bucket
 * smaller, 1 MB; this model does not.)
 */
export interface LayerGradient {
  name: string;
  bytes: number;
  /** Backward time of this layer. */
  seconds: number;
}

export interface Bucket {
  layers: string[];
  bytes: number;
  /** When its last gradient is ready. */
  ready: number;
  start: number;
  end: number;
}

export interface BucketSchedule {
  buckets: Bucket[];
  backwardEnd: number;
  /** When the last all-reduce ends: the step's end. */
  end: number;
  /** The same gradients in one all-reduce after backward: backward + all-reduce of everything. */
  endWithoutOverlap: number;
  /** Communication time not hidden behind backward: end - backwardEnd. */
  exposedSeconds: number;
}

/**
 * Layers in forward order; backward runs them last to first. `allReduceSeconds`
 * gives one all-reduce's time for a byte count (a ring, usually).
 */
export function ddpBucketSchedule(
  layers: readonly LayerGradient[],
  options: { bucketBytes: number; allReduceSeconds: (bytes: number) => number },
): BucketSchedule {
  const cap = requirePositive("bucketBytes", options.bucketBytes);
  if (layers.length === 0) throw new RangeError("ddpBucketSchedule needs at least one layer");
  layers.forEach((layer, i) => {
    requireNonNegative(`layers[${i}].bytes`, layer.bytes);
    requireNonNegative(`layers[${i}].seconds`, layer.seconds);
  });
  const buckets: Bucket[] = [];
  let clock = 0;
  let open: Bucket | undefined;
  for (const layer of [...layers].reverse()) {
    clock += layer.seconds;
    open ??= { layers: [], bytes: 0, ready: 0, start: 0, end: 0 };
    open.layers.push(layer.name);
    open.bytes += layer.bytes;
    open.ready = clock;
    if (open.bytes >= cap) {
      buckets.push(open);
      open = undefined;
    }
  }
  if (open) buckets.push(open);
  let free = 0;
  for (const bucket of buckets) {
    bucket.start = Math.max(bucket.ready, free);
    bucket.end = bucket.start + options.allReduceSeconds(bucket.bytes);
    free = bucket.end;
  }
  const total = layers.reduce((sum, layer) => sum + layer.bytes, 0);
  return {
    buckets,
    backwardEnd: clock,
    end: free,
    endWithoutOverlap: clock + options.allReduceSeconds(total),
    exposedSeconds: free - clock,
  };
}
