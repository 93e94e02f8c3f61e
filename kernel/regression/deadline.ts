/** The comparison ran past its time limit (`gradient-lab test --timeout`, the same limit a cell gets). */
export class ComparisonTimeoutError extends Error {
  constructor(limitMs: number) {
    super(`comparing the outputs took longer than the time limit (${limitMs / 1000} s)`);
  }
}

/** A point in time (Date.now() units) and the limit it came from, for the message. */
export interface Deadline {
  at: number;
  limitMs: number;
}

export const NO_DEADLINE: Deadline = { at: Infinity, limitMs: Infinity };

export function deadlineIn(limitMs: number): Deadline {
  return { at: Date.now() + limitMs, limitMs };
}

export function checkDeadline(deadline: Deadline): void {
  if (Date.now() > deadline.at) throw new ComparisonTimeoutError(deadline.limitMs);
}
