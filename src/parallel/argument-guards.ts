/**
 * Argument checks shared by the parallel-training models. Each error names
 * the argument and the value it got, because a notebook reader who typed
 * `ranks: 0` should see that, not a NaN three functions later.
 */

function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
}

export function requireFinite(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function requireNonNegative(name: string, value: number): number {
  requireFinite(name, value);
  if (value < 0) throw new RangeError(`${name} must not be negative, got ${describe(value)}`);
  return value;
}

export function requirePositive(name: string, value: number): number {
  requireFinite(name, value);
  if (value <= 0) throw new RangeError(`${name} must be greater than 0, got ${describe(value)}`);
  return value;
}

export function requirePositiveInteger(name: string, value: number): number {
  requirePositive(name, value);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number, got ${describe(value)}`);
  return value;
}

export function requireNonNegativeInteger(name: string, value: number): number {
  requireNonNegative(name, value);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number, got ${describe(value)}`);
  return value;
}

/** A probability that may be 0 or 1 at the ends. */
export function requireProbability(name: string, value: number): number {
  requireFinite(name, value);
  if (value < 0 || value > 1) throw new RangeError(`${name} must be between 0 and 1, got ${describe(value)}`);
  return value;
}
