import { SeededRandom } from "../network/random";
import { requireNonNegative, requirePositive, requirePositiveInteger, requireProbability } from "./argument-guards";

/**
 * DCQCN (Zhu et al., "Congestion Control for Large-Scale RDMA Deployments",
 * SIGCOMM 2015), as the authors' simulator implements it (bobzhuyb/ns3-rdma:
 * broadcom-node.cc, qbb-net-device.cc). Three parts:
 * - the switch (CP) marks packets with ECN with probability 0 below Kmin
 *   bytes of queue, Pmax (q - Kmin)/(Kmax - Kmin) between, 1 above Kmax;
 * - the receiver NIC (NP) answers marked packets with a CNP, at most one per
 *   flow per 50 µs;
 * - the sender NIC (RP) on a CNP sets alpha <- (1 - g) alpha + g, target <-
 *   rate, rate <- rate (1 - alpha/2); without CNPs alpha decays by (1 - g)
 *   every 55 µs, and every rate-increase period the rate climbs back: five
 *   steps of fast recovery, rate <- (rate + target)/2, then additive increase,
 *   target += R_AI first.
 * PFC runs underneath: while the queue is above the XOFF point the senders
 * are paused (their rates kept), so the queue stays bounded, as in the
 * lossless fabric DCQCN was built for.
 * Simplifications, said here so they are not mistaken for DCQCN's: time
 * advances in steps of 1 µs, marks fall on the packets leaving the queue in
 * proportion to each sender's rate, CNPs arrive with no delay, and only the
 * timer drives increases (the byte counter, and with it hyper increase, is
 * left out).
 */
export interface DcqcnSettings {
  senders: number;
  /** Line rate of every sender and of the switch port they share, bytes per second. */
  lineBytesPerSecond: number;
  packetBytes: number;
  kMinBytes: number;
  kMaxBytes: number;
  pMax: number;
  g: number;
  /** R_AI: additive increase of the target rate, bytes per second. */
  additiveIncrease: number;
  /** Fast-recovery steps before additive increase (F). */
  fastRecoverySteps: number;
  rateIncreaseMicroseconds: number;
  alphaDecayMicroseconds: number;
  cnpIntervalMicroseconds: number;
  /** Smallest rate a sender is cut to, bytes per second. */
  minimumBytesPerSecond: number;
  /** PFC's XOFF point: above this queue the switch pauses the senders (Infinity: no PFC, the queue grows without bound). */
  pauseThresholdBytes: number;
}

/**
 * The sample configuration of the authors' simulator (mix/config.txt: g =
 * 1/256, F = 5, R_AI = 40 Mb/s, rate-increase timer 60 µs, Kmin 40 and Kmax
 * 1000 cells of 1030 bytes, Pmax 1), at 100 Gb/s. A simulation's settings,
 * not the paper's recommended values.
 */
export function dcqcnSimulatorSettings(senders: number): DcqcnSettings {
  return {
    senders,
    lineBytesPerSecond: 100e9 / 8,
    packetBytes: 1000,
    kMinBytes: 40 * 1030,
    kMaxBytes: 1000 * 1030,
    pMax: 1,
    g: 1 / 256,
    additiveIncrease: 40e6 / 8,
    fastRecoverySteps: 5,
    rateIncreaseMicroseconds: 60,
    alphaDecayMicroseconds: 55,
    cnpIntervalMicroseconds: 50,
    minimumBytesPerSecond: 100e6 / 8,
    pauseThresholdBytes: 300e3,
  };
}

/** ECN marking probability at queue length q (the CP's RED-like curve). */
export function markingProbability(queueBytes: number, settings: Pick<DcqcnSettings, "kMinBytes" | "kMaxBytes" | "pMax">): number {
  const q = requireNonNegative("queueBytes", queueBytes);
  if (q <= settings.kMinBytes) return 0;
  if (q >= settings.kMaxBytes) return 1;
  return (settings.pMax * (q - settings.kMinBytes)) / (settings.kMaxBytes - settings.kMinBytes);
}

export interface DcqcnSample {
  microseconds: number;
  /** Each sender's rate, bytes per second. */
  rates: number[];
  queueBytes: number;
}

export interface DcqcnRun {
  samples: DcqcnSample[];
  cnps: number;
  peakQueueBytes: number;
  /** Microseconds PFC kept the senders paused. */
  pausedMicroseconds: number;
  /** Bytes the port sent over the run / what line rate would have sent. */
  utilisation: number;
}

/** N senders starting at line rate into one port of line rate: an incast. */
export function simulateDcqcn(settings: DcqcnSettings, options: { microseconds: number; sampleEvery: number; seed?: number }): DcqcnRun {
  const n = requirePositiveInteger("senders", settings.senders);
  const line = requirePositive("lineBytesPerSecond", settings.lineBytesPerSecond);
  requirePositive("packetBytes", settings.packetBytes);
  requireProbability("pMax", settings.pMax);
  requireProbability("g", settings.g);
  if (!(settings.kMaxBytes > settings.kMinBytes)) throw new RangeError(`kMaxBytes must exceed kMinBytes (${settings.kMinBytes}), got ${settings.kMaxBytes}`);
  const duration = requirePositiveInteger("microseconds", options.microseconds);
  const every = requirePositiveInteger("sampleEvery", options.sampleEvery);
  const random = new SeededRandom(options.seed ?? 1);
  const dt = 1e-6;
  const senders = Array.from({ length: n }, () => ({ rate: line, target: line, alpha: 1, lastCnp: -Infinity, sinceAlpha: 0, sinceIncrease: 0, increases: 0 }));
  let queue = 0;
  let cnps = 0;
  let peak = 0;
  let paused = 0;
  let sent = 0;
  const samples: DcqcnSample[] = [];
  for (let t = 0; t < duration; t++) {
    const total = senders.reduce((sum, s) => sum + s.rate, 0);
    const pausing = queue >= settings.pauseThresholdBytes;
    if (pausing) paused++;
    const arriving = pausing ? 0 : total * dt;
    const leaving = Math.min(queue + arriving, line * dt);
    queue += arriving - leaving;
    sent += leaving;
    peak = Math.max(peak, queue);
    const p = markingProbability(queue, settings);
    for (const s of senders) {
      const packets = (leaving * (s.rate / total)) / settings.packetBytes;
      const marked = p > 0 && random.uniform() < 1 - (1 - p) ** packets;
      if (marked && t - s.lastCnp >= settings.cnpIntervalMicroseconds) {
        cnps++;
        s.lastCnp = t;
        s.alpha = (1 - settings.g) * s.alpha + settings.g;
        s.target = s.rate;
        s.rate = Math.max(settings.minimumBytesPerSecond, s.rate * (1 - s.alpha / 2));
        s.sinceAlpha = 0;
        s.sinceIncrease = 0;
        s.increases = 0;
        continue;
      }
      if (++s.sinceAlpha >= settings.alphaDecayMicroseconds) {
        s.alpha *= 1 - settings.g;
        s.sinceAlpha = 0;
      }
      if (++s.sinceIncrease >= settings.rateIncreaseMicroseconds) {
        s.sinceIncrease = 0;
        s.increases++;
        if (s.increases > settings.fastRecoverySteps) s.target = Math.min(line, s.target + settings.additiveIncrease);
        s.rate = Math.min(line, (s.rate + s.target) / 2);
      }
    }
    if (t % every === 0) samples.push({ microseconds: t, rates: senders.map((s) => s.rate), queueBytes: queue });
  }
  return { samples, cnps, peakQueueBytes: peak, pausedMicroseconds: paused, utilisation: sent / (line * dt * duration) };
}
