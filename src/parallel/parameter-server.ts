import { checkRankBuffers } from "./buffers";
import { bytesPerElement } from "./wire-format";
import type { CollectiveOptions } from "./ring-all-reduce";
import type { CollectiveRun, Transfer } from "./transfer-log";

/**
 * Parameter-server all-reduce, simulated on real buffers: in step 0 every
 * worker pushes its whole buffer to one central server, which sums them; in
 * step 1 the server sends the sum back to every worker. Each worker sends S
 * bytes (less than the ring's 2(n-1)/n S), but the server's single link
 * carries n x S in each direction: the bottleneck grows with the number of
 * workers, which is why large clusters moved to rings and trees.
 * (Li et al., "Scaling distributed machine learning with the parameter
 * server", OSDI 2014.)
 */
export function parameterServerAllReduce(buffers: readonly Float64Array[], options: CollectiveOptions = {}): CollectiveRun {
  const length = checkRankBuffers(buffers);
  const bytes = length * bytesPerElement(options.precision ?? 8);
  const server = new Float64Array(length);
  const log: Transfer[] = [];

  buffers.forEach((buffer, from) => {
    for (let i = 0; i < length; i++) server[i] = server[i]! + buffer[i]!;
    log.push({ step: 0, phase: "push", from, to: "server", chunk: 0, start: 0, end: length, bytes });
  });
  const results = buffers.map((_, to) => {
    log.push({ step: 1, phase: "pull", from: "server", to, chunk: 0, start: 0, end: length, bytes });
    return Float64Array.from(server);
  });
  return { results, log, steps: 2 };
}
