import { workerData } from "node:worker_threads";
import { activationByName } from "../math/activations";
import { viewBuffers } from "./buffers";
import { stepContext } from "./batch-step";
import { epiloguesFor } from "./epilogues";
import { serveSteps, type WorkerSetup } from "./threads";
import { productKernel } from "./simd-products";

/** A worker thread of a FastNetwork (see threads.ts): the same buffers, through the same shared memory. */
const setup = workerData as WorkerSetup;
serveSteps(
  setup,
  stepContext(
    setup.layout,
    viewBuffers(setup.memory.buffer, setup.layout),
    productKernel(setup.layout.precision, setup.memory),
    epiloguesFor(setup.layout.precision, setup.memory),
    setup.activations.map((name) => activationByName(name)),
  ),
);
