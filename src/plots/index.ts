export { lossCurve, type LossCurveRun, type LossCurveOptions } from "./loss-curve";
export { gradientFlow, type GradientFlowOptions } from "./gradient-flow";
export { gradientHeatmap, type GradientHeatmapOptions } from "./gradient-heatmap";
export { heatmapFigure, type HeatmapInput } from "./heatmap";
export { networkDiagram } from "./network-diagram";
export { networkGeometry, type DiagramOptions, type DiagramQuantity, type DiagramState, type NetworkGeometry, type NeuronGlyph, type EdgeGlyph } from "./network-geometry";
export { lossVersusOutput, type LossVersusOutputOptions } from "./loss-versus-output";
export { decisionBoundary, type LabelledPoint, type DecisionGrid, type DecisionBoundaryOptions } from "./decision-boundary";
export { layerSpreadFigure } from "./layer-spread";
