import { workerData } from "node:worker_threads";
import { activationByName } from "./activations";
import { viewBuffers } from "./fast-buffers";
import { epiloguesFor } from "./fast-epilogues";
import { serveSteps, type WorkerSetup } from "./fast-threads";
import { productKernel } from "./fast-wasm";

/** A worker thread of a FastNetwork (see fast-threads.ts): the same buffers, through the same shared memory. */
const setup = workerData as WorkerSetup;
serveSteps(setup, {
  layout: setup.layout,
  buffers: viewBuffers(setup.memory.buffer, setup.layout),
  kernel: productKernel(setup.layout.precision, setup.memory),
  epilogues: epiloguesFor(setup.layout.precision, setup.memory),
  activations: setup.activations.map((name) => activationByName(name)),
});
