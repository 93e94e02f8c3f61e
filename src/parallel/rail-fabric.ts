import { requireNonNegativeInteger, requirePositiveInteger } from "./argument-guards";

/**
 * A rail-optimized fabric (NVIDIA DGX SuperPOD reference architecture, DGX
 * H100, "Network Fabrics"): GPU r of every server in a scalable unit plugs
 * into the same leaf switch, "rail" r, so same-rail traffic crosses one
 * switch; traffic between rails or units climbs to the spine. A GPU can
 * instead first hop over NVLink to the GPU of its server on the
 * destination's rail (what NCCL calls PXN; Alibaba HPN, SIGCOMM '24, section
 * 5.2, describes the same hop).
 */
export interface RailFabric {
  gpusPerNode: number;
  nodesPerUnit: number;
}

export interface GpuPlace {
  node: number;
  rail: number;
  unit: number;
}

export function gpuPlace(rank: number, fabric: RailFabric): GpuPlace {
  requireNonNegativeInteger("rank", rank);
  const g = requirePositiveInteger("gpusPerNode", fabric.gpusPerNode);
  const nodesPerUnit = requirePositiveInteger("nodesPerUnit", fabric.nodesPerUnit);
  const node = Math.floor(rank / g);
  return { node, rail: rank % g, unit: Math.floor(node / nodesPerUnit) };
}

export interface RailRoute {
  /** Network switches crossed (NVLink's own switches not counted). */
  switchHops: number;
  route: string;
}

/** The path between two GPUs, with or without the NVLink hop onto the destination's rail. */
export function railRoute(from: number, to: number, fabric: RailFabric, options: { nvlinkToRail?: boolean } = {}): RailRoute {
  const a = gpuPlace(from, fabric);
  const b = gpuPlace(to, fabric);
  if (a.node === b.node) return { switchHops: 0, route: "NVLink inside the server" };
  const sameUnit = a.unit === b.unit;
  if (a.rail === b.rail) {
    return sameUnit ? { switchHops: 1, route: `rail ${a.rail} leaf` } : { switchHops: 3, route: `rail ${a.rail} leaf, spine, leaf` };
  }
  if (options.nvlinkToRail) {
    const hops = sameUnit ? 1 : 3;
    return { switchHops: hops, route: `NVLink to GPU ${b.rail} of node ${a.node}, then rail ${b.rail}${sameUnit ? " leaf" : " leaf, spine, leaf"}` };
  }
  return { switchHops: 3, route: `rail ${a.rail} leaf, spine, rail ${b.rail} leaf` };
}
