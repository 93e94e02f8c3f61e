import { requireNonNegative, requirePositive } from "./argument-guards";

/**
 * Priority flow control (IEEE 802.1Qbb): a receiver whose buffer for one
 * priority fills past its XOFF point sends its neighbour a PAUSE frame for
 * that priority. Data already on the wire, and what the sender emits before
 * the frame arrives, still lands, so the buffer keeps headroom above XOFF.
 */
export interface HeadroomInput {
  cableMetres: number;
  gigabitsPerSecond: number;
  mtuBytes: number;
}

/**
 * The headroom NVIDIA's ConnectX Linux driver reserves:
 * xoff = (301 + 2.16 x cable length [m]) x speed [Gb/s] + 2.72 x MTU [B]
 * bytes, with the speed taken as at least 40 Gb/s (Linux,
 * drivers/net/ethernet/mellanox/mlx5/core/en/port_buffer.c,
 * `calculate_xoff`). The cable term grows with the bytes in flight over the
 * cable's round trip; the MTU term covers frames already being sent on both
 * ends, which cannot be cut off.
 */
export function pfcHeadroomBytes(input: HeadroomInput): number {
  const length = requireNonNegative("cableMetres", input.cableMetres);
  const speed = Math.max(40, requirePositive("gigabitsPerSecond", input.gigabitsPerSecond));
  const mtu = requirePositive("mtuBytes", input.mtuBytes);
  return (301 + 2.16 * length) * speed + 2.72 * mtu;
}

/** One pause quantum is 512 bit times (802.3 MAC control): 5.12 ns at 100 Gb/s. */
export function pauseQuantumSeconds(gigabitsPerSecond: number): number {
  return 512 / (requirePositive("gigabitsPerSecond", gigabitsPerSecond) * 1e9);
}

/** The longest pause one frame can ask for: 65,535 quanta (a 16-bit timer per priority). */
export function longestPauseSeconds(gigabitsPerSecond: number): number {
  return 65_535 * pauseQuantumSeconds(gigabitsPerSecond);
}
