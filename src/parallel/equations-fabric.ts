import { formatFloat } from "../math/arithmetic";
import { type Equation, shown } from "./equation";
import { goBackNEfficiency, type RoundTripInput, roundTripInPackets } from "./go-back-n";
import { formatBytes, formatBytesPerSecond, formatSeconds } from "./units";

/** Equations of a lossy fabric under go-back-N: round trip in packets, efficiency, time lost. */

/** m = RTT x link / packet: the round trip in packets (bandwidth-delay product over packet size). */
export function roundTripPacketsEquation(input: RoundTripInput): Equation {
  const value = roundTripInPackets(input);
  const substituted = `${formatSeconds(input.roundTripSeconds)} x ${formatBytesPerSecond(input.linkBytesPerSecond)} / ${formatBytes(input.packetBytes)}`;
  return shown(value, ["m", "RTT x link / packet", substituted, `${value.toFixed(1)} packets`]);
}

/** eta = s / (s + m(1-s)): the share of a go-back-N link carrying new data (Bertsekas and Gallager 1992, section 2.4). */
export function goBackNEquation(lossRate: number, roundTripPackets: number): Equation {
  const s = 1 - lossRate;
  const value = goBackNEfficiency(s, roundTripPackets);
  const sText = formatFloat(s);
  const substituted = `${sText} / (${sText} + ${formatFloat(roundTripPackets)} x ${formatFloat(lossRate)})`;
  return shown(value, ["eta", "s / (s + m(1-s))", substituted, value.toFixed(4)]);
}

/** The loss rate at which go-back-N wastes half the link: s/(s + m(1-s)) = 1/2 when 1-s = 1/(m+1). */
export function halfLinkLossEquation(roundTripPackets: number): Equation {
  const value = 1 / (roundTripPackets + 1);
  return shown(value, ["loss rate for eta = 1/2", "1/(m+1)", `1/(${formatFloat(roundTripPackets)}+1)`, value.toExponential(2)]);
}

/** A transfer slowed by go-back-N: time / eta. */
export function goBackNSecondsEquation(losslessSeconds: number, efficiency: number): Equation {
  const value = losslessSeconds / efficiency;
  return shown(value, ["time", "lossless time / eta", `${formatSeconds(losslessSeconds)} / ${efficiency.toFixed(4)}`, formatSeconds(value)]);
}

/** What go-back-N adds to a transfer: time/eta - time = time x m(1-s)/s, exact where a rounded eta would not be. */
export function goBackNAddedSecondsEquation(losslessSeconds: number, lossRate: number, roundTripPackets: number): Equation {
  const s = 1 - lossRate;
  const value = losslessSeconds / goBackNEfficiency(s, roundTripPackets) - losslessSeconds;
  const substituted = `${formatSeconds(losslessSeconds)} x ${formatFloat(roundTripPackets)} x ${formatFloat(lossRate)} / ${formatFloat(s)}`;
  return shown(value, ["time added", "time x m(1-s)/s", substituted, formatSeconds(value)]);
}
