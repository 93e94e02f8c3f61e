/**
 * Jupyter counts a cursor position in Unicode code points (protocol 5.2 and
 * later); JavaScript strings, and so TypeScript, count UTF-16 code units.
 * They differ after any character outside the Basic Multilingual Plane (an
 * emoji, a mathematical letter).
 */
export function codePointsToUtf16(text: string, codePoints: number): number {
  let units = 0;
  let points = 0;
  for (const char of text) {
    if (points >= codePoints) break;
    units += char.length;
    points += 1;
  }
  return units;
}

export function utf16ToCodePoints(text: string, units: number): number {
  return [...text.slice(0, units)].length;
}
