import type { Data } from "plotly.js-dist";
import type { Figure } from "../plots/figure";
import { REFERENCE_COLOUR } from "../plots/style";
import { requireNonNegative, requirePositive, requireProbability } from "./argument-guards";

/**
 * Share of a link's capacity that carries new data under go-back-N
 * retransmission: s / (s + m (1 - s)), with s the probability a packet
 * arrives and m the round trip in packets. Each loss makes the sender resend
 * the lost packet and everything after it, about m packets. This is the
 * classic go-back-n result (Bertsekas and Gallager, "Data Networks", 2nd ed.
 * 1992, section 2.4), written there as (1-p)/(1+(n-1)p). RoCE NICs recover
 * from loss with go-back-N (Mittal et al., "Revisiting network support for
 * RDMA", SIGCOMM 2018), which is why RDMA fabrics are built lossless.
 */
export function goBackNEfficiency(successProbability: number, roundTripPackets: number): number {
  const s = requireProbability("successProbability", successProbability);
  const m = requireNonNegative("roundTripPackets", roundTripPackets);
  if (s === 0) return 0;
  return s / (s + m * (1 - s));
}

export interface RoundTripInput {
  roundTripSeconds: number;
  linkBytesPerSecond: number;
  packetBytes: number;
}

/** Packets in flight during one round trip: RTT x link speed / packet size (the bandwidth-delay product in packets). */
export function roundTripInPackets(input: RoundTripInput): number {
  const rtt = requireNonNegative("roundTripSeconds", input.roundTripSeconds);
  const speed = requirePositive("linkBytesPerSecond", input.linkBytesPerSecond);
  const packet = requirePositive("packetBytes", input.packetBytes);
  return (rtt * speed) / packet;
}

/** Loss rates from 1e-6 to 1e-1, six per decade: the range where go-back-N goes from harmless to crippling. */
export function defaultLossRates(): number[] {
  return Array.from({ length: 31 }, (_, i) => 10 ** (-6 + i / 6));
}

export interface GoBackNFigureOptions {
  roundTripsInPackets: number[];
  lossRates?: number[];
  title?: string;
}

/**
 * Go-back-N efficiency against packet loss rate (log axis), one line per
 * round trip, beside a lossless fabric's flat line at 1.
 */
export function goBackNFigure(options: GoBackNFigureOptions): Figure {
  const lossRates = options.lossRates ?? defaultLossRates();
  lossRates.forEach((rate, i) => {
    requireProbability(`lossRates[${i}]`, rate);
  });
  const data: Data[] = options.roundTripsInPackets.map((m) => ({
    type: "scatter",
    mode: "lines",
    name: `go-back-N, round trip ${formatPackets(m)} packets`,
    x: lossRates,
    y: lossRates.map((loss) => goBackNEfficiency(1 - loss, m)),
  }));
  data.push({
    type: "scatter",
    mode: "lines",
    name: "lossless fabric",
    x: lossRates,
    y: lossRates.map(() => 1),
    line: { dash: "dash", color: REFERENCE_COLOUR },
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? "Go-back-N efficiency against packet loss" },
      // Powers of ten: Plotly's default SI suffix "µ" would read as microseconds on a loss-rate axis.
      xaxis: { type: "log", title: { text: "packet loss rate (1 - s)" }, exponentformat: "power" },
      yaxis: { title: { text: "efficiency s / (s + m(1 - s))" }, range: [0, 1.05] },
    },
  };
}

function formatPackets(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
