export { lossCurve, type LossCurveRun, type LossCurveOptions } from "./loss-curve";
export { gradientFlow, type GradientFlowOptions } from "./gradient-flow";
export { gradientHeatmap, type GradientHeatmapOptions } from "./gradient-heatmap";
export { heatmapFigure, type HeatmapInput } from "./heatmap";
export { networkDiagram } from "./network-diagram";
export {
  networkGeometry,
  type DiagramOptions,
  type DiagramQuantity,
  type DiagramState,
  type NetworkGeometry,
  type NeuronGlyph,
  type EdgeGlyph,
} from "./network-geometry";
export { lossVersusOutput, type LossVersusOutputOptions } from "./loss-versus-output";
export {
  decisionBoundary,
  predictionGrid,
  type PredictionGrid,
  type LabelledPoint,
  type DecisionGrid,
  type DecisionBoundaryOptions,
} from "./decision-boundary";
export { layerSpreadFigure } from "./layer-spread";
export { tracedStepState } from "./traced-step-state";
export { thinHistory } from "./thin-history";
export { scrubTraining, type ScrubRun, type ScrubOptions } from "./scrub-training";
export { scrubBoundary, boundarySnapshot, type BoundarySnapshot, type BoundaryScrubInput, type BoundaryScrubOptions } from "./scrub-boundary";
