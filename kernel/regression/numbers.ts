/** How far a number in an output may move before it counts as changed. */
export interface Tolerance {
  /** |a - b| <= relative * max(|a|, |b|) + absolute */
  relative: number;
  absolute: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { relative: 1e-9, absolute: 0 };

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/** Text split into alternating plain parts and numbers: [text, number, text, ...]. */
function tokens(text: string): string[] {
  return text.split(new RegExp(`(${NUMBER.source})`));
}

export function numbersClose(a: number, b: number, tolerance: Tolerance): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance.relative * Math.max(Math.abs(a), Math.abs(b)) + tolerance.absolute;
}

export interface NumberMismatch {
  expected: string;
  actual: string;
}

/**
 * Compares two texts in which only the numbers may differ, and only within
 * the tolerance. Returns undefined when they match, else what differs.
 */
export function compareText(expected: string, actual: string, tolerance: Tolerance): { numbers: NumberMismatch[] } | undefined {
  if (expected === actual) return undefined;
  const left = tokens(expected);
  const right = tokens(actual);
  if (left.length !== right.length) return { numbers: [] };
  const numbers: NumberMismatch[] = [];
  let textDiffers = false;
  left.forEach((part, index) => {
    const other = right[index]!;
    if (index % 2 === 0) {
      if (part !== other) textDiffers = true;
    } else if (!numbersClose(Number(part), Number(other), tolerance)) {
      numbers.push({ expected: part, actual: other });
    }
  });
  return textDiffers || numbers.length > 0 ? { numbers: textDiffers ? [] : numbers } : undefined;
}
