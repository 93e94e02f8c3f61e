import { SeededRandom } from "../network/random";
import { requireNonNegativeInteger, requirePositiveInteger } from "./argument-guards";

/**
 * ECMP hash collisions. A switch spreads flows over its equal-cost uplinks by
 * hashing each flow's header fields, so a flow's link is, in effect, drawn at
 * random and kept for the flow's life. Training traffic is a few large
 * flows, each able to fill a link (Qian et al., "Alibaba HPN", SIGCOMM '24,
 * sections 1 and 2.2), so two flows on one link each get half of it while
 * another link idles. With f flows on u links, every link equally likely:
 */
export interface EcmpCollisions {
  /** P(no two flows share a link) = prod_{k<f} (1 - k/u): the birthday problem. */
  noCollision: number;
  /** E[links with no flow] = u (1 - 1/u)^f. */
  idleLinks: number;
  /** E[flows sharing their link with another] = f (1 - (1 - 1/u)^(f-1)). */
  sharingFlows: number;
}

export function ecmpCollisions(flows: number, links: number): EcmpCollisions {
  const f = requireNonNegativeInteger("flows", flows);
  const u = requirePositiveInteger("links", links);
  let noCollision = 1;
  for (let k = 0; k < f; k++) noCollision *= Math.max(0, 1 - k / u);
  const miss = 1 - 1 / u;
  return { noCollision, idleLinks: u * miss ** f, sharingFlows: f === 0 ? 0 : f * (1 - miss ** (f - 1)) };
}

export interface EcmpTrials extends EcmpCollisions {
  /** Mean over trials of the busiest link's flow count: equal flows all finish when that link does. */
  busiestLink: number;
  trials: number;
}

/** The same quantities counted over random hash draws (a check on the formulas, and the busiest link, which has no short formula). */
export function simulateEcmp(flows: number, links: number, trials: number, seed = 1): EcmpTrials {
  const f = requireNonNegativeInteger("flows", flows);
  const u = requirePositiveInteger("links", links);
  const n = requirePositiveInteger("trials", trials);
  const random = new SeededRandom(seed);
  let distinct = 0;
  let idle = 0;
  let sharing = 0;
  let busiest = 0;
  for (let trial = 0; trial < n; trial++) {
    const load = new Array<number>(u).fill(0);
    for (let flow = 0; flow < f; flow++) load[Math.floor(random.uniform() * u)]! += 1;
    if (load.every((count) => count <= 1)) distinct++;
    idle += load.filter((count) => count === 0).length;
    sharing += load.filter((count) => count > 1).reduce((sum, count) => sum + count, 0);
    busiest += Math.max(0, ...load);
  }
  return { noCollision: distinct / n, idleLinks: idle / n, sharingFlows: sharing / n, busiestLink: busiest / n, trials: n };
}
