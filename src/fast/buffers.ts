import type { FloatArray } from "../math/float-array";
import type { FastLayout, Region } from "./layout";
import { PRECISION_FORMS } from "./precision";

/** Typed views on every region of a layout: what the step's loops read and write. */
export interface FastBuffers {
  readonly weights: FloatArray[];
  readonly biases: FloatArray[];
  readonly weightGradients: FloatArray[];
  readonly biasGradients: FloatArray[];
  readonly packedWeights: FloatArray[];
  readonly inputStaging: Float64Array;
  readonly activations: FloatArray[];
  readonly preActivations: FloatArray[];
  readonly dz: FloatArray[];
  readonly top: FloatArray;
  readonly targets: FloatArray;
  readonly sampleLoss: Float64Array;
  readonly scratch: { c: FloatArray }[];
}

export function viewBuffers(buffer: ArrayBufferLike, layout: FastLayout): FastBuffers {
  const Float = PRECISION_FORMS[layout.precision].array;
  // A shared memory's buffer is a SharedArrayBuffer; typed arrays take it like an ArrayBuffer.
  const view = (region: Region): FloatArray => new Float(buffer as ArrayBuffer, region.at, region.length);
  const views = (regions: readonly Region[]) => regions.map(view);
  return {
    weights: views(layout.weights),
    biases: views(layout.biases),
    weightGradients: views(layout.weightGradients),
    biasGradients: views(layout.biasGradients),
    packedWeights: views(layout.packedWeights),
    inputStaging: new Float64Array(buffer, layout.inputStaging.at, layout.inputStaging.length),
    activations: views(layout.activations),
    preActivations: views(layout.preActivations),
    dz: views(layout.dz),
    top: view(layout.top),
    targets: view(layout.targets),
    sampleLoss: new Float64Array(buffer, layout.sampleLoss.at, layout.sampleLoss.length),
    scratch: layout.scratch.map((s) => ({ c: view(s.c) })),
  };
}
