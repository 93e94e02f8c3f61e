import { requirePositiveInteger } from "./argument-guards";

/**
 * PFC deadlock on a small topology. A flow is the list of switches or hosts
 * it crosses; each hop A->B has a buffer at B's ingress. A packet holding a
 * place in one buffer waits for room in the next buffer of its path, so
 * each flow makes the buffer of each hop depend on the next one. When those
 * dependencies close a cycle and every buffer on it is full, each waits for
 * the next and nothing moves again: the cyclic buffer dependency that is
 * deadlock's necessary condition (Hu et al., "Deadlocks in Datacenter
 * Networks: Why Do They Form, and How to Avoid Them", HotNets 2016).
 */
export type Hop = `${string}->${string}`;

function hopsOf(path: readonly string[]): Hop[] {
  return path.slice(1).map((to, i) => `${path[i]}->${to}` as Hop);
}

/** Edges "this buffer waits for that one", from every flow's consecutive hops. */
export function bufferDependencies(flows: readonly (readonly string[])[]): [Hop, Hop][] {
  const edges = new Map<string, [Hop, Hop]>();
  flows.forEach((path, f) => {
    if (path.length < 2) throw new RangeError(`flow ${f} must cross at least two nodes, got ${JSON.stringify(path)}`);
    const hops = hopsOf(path);
    for (let i = 0; i + 1 < hops.length; i++) edges.set(`${hops[i]}|${hops[i + 1]}`, [hops[i]!, hops[i + 1]!]);
  });
  return [...edges.values()];
}

/** One cycle of buffer dependencies (its hops, first repeated at the end), or undefined when there is none. */
export function dependencyCycle(flows: readonly (readonly string[])[]): Hop[] | undefined {
  const next = new Map<Hop, Hop[]>();
  for (const [from, to] of bufferDependencies(flows)) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<Hop, "open" | "done">();
  const path: Hop[] = [];
  const visit = (hop: Hop): Hop[] | undefined => {
    if (state.get(hop) === "done") return undefined;
    if (state.get(hop) === "open") return [...path.slice(path.indexOf(hop)), hop];
    state.set(hop, "open");
    path.push(hop);
    for (const after of next.get(hop) ?? []) {
      const cycle = visit(after);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(hop, "done");
    return undefined;
  };
  for (const hop of next.keys()) {
    const cycle = visit(hop);
    if (cycle) return cycle;
  }
  return undefined;
}

export interface LosslessRun {
  /** Packets delivered to their destinations after each time step. */
  delivered: number[];
  /** Packets sitting in buffers at the end. */
  stuck: number;
  /** The step from which nothing moved again, or undefined if packets kept moving. */
  frozenFrom: number | undefined;
}

/**
 * A lossless network, one packet per hop per step: a packet moves to the
 * next hop's buffer only if that buffer has room (PFC never drops), and
 * sources keep their first hop's buffer full. Per step, every buffer offers
 * its oldest packet; the moves are decided on the state at the start of the
 * step, so a full buffer frees room only for the next step.
 */
export function runLossless(flows: readonly (readonly string[])[], options: { bufferPackets: number; steps: number }): LosslessRun {
  const capacity = requirePositiveInteger("bufferPackets", options.bufferPackets);
  const steps = requirePositiveInteger("steps", options.steps);
  bufferDependencies(flows);
  const hopsOfFlow = flows.map(hopsOf);
  // Each buffer holds a queue of [flow, index of this hop in the flow's path].
  const buffers = new Map<Hop, [number, number][]>();
  for (const hops of hopsOfFlow) for (const hop of hops) buffers.set(hop, []);
  const delivered: number[] = [];
  let total = 0;
  let frozenFrom: number | undefined;
  for (let step = 0; step < steps; step++) {
    const occupancy = new Map([...buffers].map(([hop, queue]) => [hop, queue.length]));
    const moves: [Hop, Hop | undefined][] = [];
    for (const [hop, queue] of buffers) {
      const head = queue[0];
      if (!head) continue;
      const [flow, index] = head;
      const nextHop = hopsOfFlow[flow]![index + 1];
      if (nextHop === undefined) moves.push([hop, undefined]);
      else if (occupancy.get(nextHop)! < capacity) {
        moves.push([hop, nextHop]);
        occupancy.set(nextHop, occupancy.get(nextHop)! + 1);
      }
    }
    for (const [from, to] of moves) {
      const [flow, index] = buffers.get(from)!.shift()!;
      if (to === undefined) total++;
      else buffers.get(to)!.push([flow, index + 1]);
    }
    let injected = 0;
    hopsOfFlow.forEach((hops, flow) => {
      const first = buffers.get(hops[0]!)!;
      if (first.length < capacity) {
        first.push([flow, 0]);
        injected++;
      }
    });
    delivered.push(total);
    if (moves.length === 0 && injected === 0) frozenFrom ??= step;
    else frozenFrom = undefined;
  }
  const stuck = [...buffers.values()].reduce((sum, queue) => sum + queue.length, 0);
  return { delivered, stuck, frozenFrom };
}
