import type { CheckResult } from "../../src/index";

/** A checked answer that is wrong: the error a grader (nbgrader's autograde, nbval, nbmake) counts as a failed test. */
export class WrongAnswerError extends Error {
  override name = "WrongAnswerError";
}

/**
 * An exercise's check cell: prints the check's one line (✓ with the value,
 * or ✗ with the hint), then throws when the answer is wrong. A printed ✗
 * alone would leave the cell without an error, and nbgrader gives full marks
 * to a test cell that raises nothing.
 */
export function grade(result: CheckResult): void {
  console.log(result.message);
  if (!result.ok) throw new WrongAnswerError(result.message);
}
