import { requireFinite } from "./argument-guards";

/**
 * One number format per quantity, so a value reads the same in every
 * equation and table of the parallel notebooks: bytes always in decimal
 * (SI) units with four significant digits, times in the unit that keeps them
 * readable, large counts in powers of ten.
 */

/** Four significant digits without trailing zeros: 612.5, 48, 4.096, 349.2. */
function fourDigits(value: number): string {
  return String(Number(value.toPrecision(4)));
}

const BYTE_UNITS: readonly [number, string][] = [
  [1e12, "TB"],
  [1e9, "GB"],
  [1e6, "MB"],
  [1e3, "kB"],
];

/** 612.5 GB, 48 B, 4.096 kB: decimal units (1 GB = 1e9 B, as link speeds are quoted), four significant digits. */
export function formatBytes(bytes: number): string {
  requireFinite("bytes", bytes);
  const unit = BYTE_UNITS.find(([size]) => Math.abs(bytes) >= size);
  return unit ? `${fourDigits(bytes / unit[0])} ${unit[1]}` : `${fourDigits(bytes)} B`;
}

/** 50 GB/s: a rate is bytes per second, in the bytes format. */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 70.03 µs, 3.6 ms, 12.25 s: four significant digits in the largest unit below the value. */
export function formatSeconds(seconds: number): string {
  requireFinite("seconds", seconds);
  const size = Math.abs(seconds);
  if (size !== 0 && size < 1e-3) return `${fourDigits(seconds * 1e6)} µs`;
  if (size !== 0 && size < 1) return `${fourDigits(seconds * 1e3)} ms`;
  return `${fourDigits(seconds)} s`;
}

/** 9, 25165824, 1.7462e11, 3e11: whole counts below a billion in full, others in powers of ten (5 digits at most). */
export function formatCount(count: number): string {
  requireFinite("count", count);
  if (Number.isInteger(count) && Math.abs(count) < 1e9) return String(count);
  const [mantissa = "", exponent = ""] = count.toExponential(4).split("e");
  return `${Number(mantissa)}e${Number(exponent)}`;
}
