import { SeededRandom } from "./random";

/** A labelled 2-D data set, as flat buffers for the fast path and as points for plotting. */
export interface PointSet {
  /** x, y of each point in turn */
  inputs: Float64Array;
  /** 0 or 1 for each point */
  targets: Float64Array;
  count: number;
  points: { x: number; y: number; label: number }[];
}

/**
 * Two interleaved spirals, one per class: a classic set that no straight line
 * (and no single hidden neuron) can separate.
 */
export function twoSpirals(count: number, options: { noise?: number; seed: number; turns?: number }): PointSet {
  checkCount(count);
  const random = new SeededRandom(options.seed);
  const turns = options.turns ?? 1.75;
  const noise = options.noise ?? 0.05;
  return pointSet(
    Array.from({ length: count }, (_, i) => {
      const label = i % 2;
      const t = Math.sqrt(random.uniform()) * turns * 2 * Math.PI;
      const r = t / (turns * 2 * Math.PI);
      const angle = t + label * Math.PI;
      return { x: r * Math.cos(angle) + noise * random.normal(), y: r * Math.sin(angle) + noise * random.normal(), label };
    }),
  );
}

/** Two concentric rings: an inner class 1 and an outer class 0. */
export function circles(count: number, options: { noise?: number; seed: number }): PointSet {
  checkCount(count);
  const random = new SeededRandom(options.seed);
  const noise = options.noise ?? 0.05;
  return pointSet(
    Array.from({ length: count }, (_, i) => {
      const label = i % 2;
      const radius = label === 1 ? 0.4 : 0.9;
      const angle = random.uniform() * 2 * Math.PI;
      return { x: radius * Math.cos(angle) + noise * random.normal(), y: radius * Math.sin(angle) + noise * random.normal(), label };
    }),
  );
}

/** Splits a set in two: the first `fraction` of the points for training, the rest for testing. */
export function splitPoints(set: PointSet, fraction: number): { train: PointSet; test: PointSet } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`splitPoints: fraction must lie strictly between 0 and 1, got ${fraction}`);
  const cut = Math.round(set.count * fraction);
  return { train: pointSet(set.points.slice(0, cut)), test: pointSet(set.points.slice(cut)) };
}

function pointSet(points: { x: number; y: number; label: number }[]): PointSet {
  return {
    inputs: Float64Array.from(points.flatMap((p) => [p.x, p.y])),
    targets: Float64Array.from(points.map((p) => p.label)),
    count: points.length,
    points,
  };
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 2) throw new Error(`a data set needs a whole number of at least 2 points, got ${count}`);
}
