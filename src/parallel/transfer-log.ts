/**
 * The plain-data record every simulated collective leaves behind: one entry
 * per message, so a notebook can print who sent what to whom at each step
 * and a test can add the bytes up.
 */

/** A participant: a rank number, or the parameter server. */
export type Participant = number | "server";

export interface Transfer {
  /** Steps run one after another; transfers with the same step happen at the same time. */
  step: number;
  phase: "reduce-scatter" | "all-gather" | "reduce" | "broadcast" | "push" | "pull";
  from: Participant;
  to: Participant;
  /** Which chunk of the buffer travels; whole-buffer algorithms use chunk 0. */
  chunk: number;
  start: number;
  end: number;
  bytes: number;
}

/** What a simulated collective returns: every rank's final buffer and the message log. */
export interface CollectiveRun {
  results: Float64Array[];
  log: Transfer[];
  /** Number of communication steps. */
  steps: number;
}

export interface LinkLoad {
  step: number;
  from: Participant;
  to: Participant;
  bytes: number;
}

/** Bytes on each directed link at each step (messages on one link in one step add up). */
export function bytesPerLinkPerStep(log: readonly Transfer[]): LinkLoad[] {
  const loads = new Map<string, LinkLoad>();
  for (const transfer of log) {
    const key = `${transfer.step}:${transfer.from}->${transfer.to}`;
    const load = loads.get(key);
    if (load) load.bytes += transfer.bytes;
    else loads.set(key, { step: transfer.step, from: transfer.from, to: transfer.to, bytes: transfer.bytes });
  }
  return [...loads.values()];
}

/** Total bytes each node sent over the whole collective. */
export function bytesSentByParticipant(log: readonly Transfer[]): Map<Participant, number> {
  const sent = new Map<Participant, number>();
  for (const transfer of log) sent.set(transfer.from, (sent.get(transfer.from) ?? 0) + transfer.bytes);
  return sent;
}

/** Bytes sent by each rank 0..ranks-1 (0 for a rank that sent nothing). */
export function bytesSentPerRank(log: readonly Transfer[], ranks: number): number[] {
  const sent = bytesSentByParticipant(log);
  return Array.from({ length: ranks }, (_, rank) => sent.get(rank) ?? 0);
}
