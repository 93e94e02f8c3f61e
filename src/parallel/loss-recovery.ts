import { requireNonNegative, requireNonNegativeInteger, requirePositiveInteger, requireProbability } from "./argument-guards";

/**
 * Selective repeat: the receiver keeps packets that arrive out of order and
 * the sender resends only the lost ones, so each packet takes 1/s sends on
 * average and the share of the link carrying new data is s, against
 * go-back-N's s/(s + m(1 - s)) (goBackNEfficiency). IRN (Mittal et al.,
 * "Revisiting Network Support for RDMA", SIGCOMM 2018) builds RDMA loss
 * recovery this way and reports it no longer needs PFC.
 */
export function selectiveRepeatEfficiency(successProbability: number): number {
  return requireProbability("successProbability", successProbability);
}

/**
 * The InfiniBand verbs retransmission timeout that RoCE NICs also use:
 * 4.096 µs x 2^exponent (NCCL documentation, NCCL_IB_TIMEOUT, citing the IB
 * specification Vol. 1, 12.7.34). NCCL's default exponent is 20 since 2.23:
 * about 4.3 s.
 */
export function verbsTimeoutSeconds(exponent: number): number {
  requireNonNegativeInteger("exponent", exponent);
  if (exponent > 31) throw new RangeError(`exponent must be at most 31 (a 5-bit field), got ${exponent}`);
  return 4.096e-6 * 2 ** exponent;
}

export interface TailLossInput {
  /** Packets in the message. */
  packets: number;
  lossProbability: number;
  /** Time to send the whole message with no loss. */
  messageSeconds: number;
  timeoutSeconds: number;
}

/**
 * A lost packet is normally noticed when a later one arrives (a gap in the
 * sequence numbers, a NACK). The message's last packet has no later one:
 * losing it is noticed only when the timeout fires. Expected time of one
 * message, counting only that tail wait: messageSeconds + q x timeout, with
 * q the loss probability of the last packet.
 */
export function expectedMessageSecondsWithTailLoss(input: TailLossInput): { seconds: number; tailLossProbability: number } {
  requirePositiveInteger("packets", input.packets);
  const q = requireProbability("lossProbability", input.lossProbability);
  const base = requireNonNegative("messageSeconds", input.messageSeconds);
  const timeout = requireNonNegative("timeoutSeconds", input.timeoutSeconds);
  return { seconds: base + q * timeout, tailLossProbability: q };
}
