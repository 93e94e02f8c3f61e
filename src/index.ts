export type { Figure, FigureFrame } from "./plots/figure";
export { Fraction } from "./math/fraction";
export { type Arithmetic, floatArithmetic, fractionArithmetic, boundedFractionArithmetic, ExactSizeError, formatFloat } from "./math/arithmetic";
export { type Activation, type ActivationName, activations, activationByName } from "./math/activations";
export { type Loss, type LogitsForm, type LossName, losses, lossByName } from "./math/losses";
export {
  type NetworkDescription,
  type LayerDescription,
  type NeuronDescription,
  validateNetwork,
  parseNetwork,
  weightName,
  biasName,
} from "./network/description";
export { seedNetwork, seedExample } from "./network/seed-network";
export { type Model, type ModelNeuron, toModel, toDescription, parametersOf, parameterNamesByLayer, withParameters } from "./network/model";
export { forward, type ForwardPass } from "./trace/forward";
export { backward, type BackwardPass } from "./trace/backward";
export { sgdUpdate } from "./trace/sgd";
export { traceStep, batchGradient, type Sample, type StepOptions, type TracedStep, type BatchGradient } from "./trace/traced-step";
export type { StepTrace, ForwardRecord, LossRecord, NeuronGradientRecord, ParameterGradientRecord, UpdateRecord } from "./trace/records";
export { SeededRandom } from "./network/random";
export { buildNetwork, initialVariance, type BuildOptions, type Initialisation } from "./network/init";
export { train, trainingSteps, TrainingDivergedError, type TrainOptions, type TrainingRun, type HistoryEntry } from "./trace/train";
export { formatValue, latexName, nameList } from "./math/format";
export { firstNonFinite, type NonFiniteValue } from "./trace/non-finite";
export { parseJsonStrict, MAX_JSON_DEPTH } from "./network/json";
export {
  forwardEquations,
  lossEquation,
  backwardEquations,
  updateEquations,
  displayMath,
  markdownTable,
  forwardTable,
  gradientTable,
  updateTable,
} from "./render/equations";
export { lossExpression, symbolicGradients, symbolicLoss, type SymbolicGradient } from "./verify/symbolic";
export { gradientCheck, type GradientComparison } from "./verify/gradient-check";
export { FastNetwork, type FastOptions, type FloatArrayOf, type Precision, THREAD_MIN_WORK } from "./fast/fast-network";
export { explain, type Explanation, type DerivationStep, type DerivationKind } from "./teach/explain";
export { explanationMarkdown } from "./teach/explanation-markdown";
export { check, checkNumber, DEFAULT_TOLERANCE, type CheckResult, type CheckOptions, type Answer } from "./teach/exercise-check";
export { chainPaths, type ChainPath, type ChainFactor } from "./teach/chain-paths";
export { parseValueName, validNames, type ValueRef } from "./teach/value-names";
export { sourceErrata, type Erratum } from "./teach/errata";
export { forwardRecord, backwardRecord, gradientRecord, updateRecord } from "./trace/lookup";
export * from "./plots";
export * from "./parallel";
export { twoSpirals, circles, splitPoints, type PointSet } from "./network/datasets";
export { layerSpread, type LayerSpread } from "./trace/spread";
export { fit, fitEpochs, type FitEntry, type FitOptions, type LabelledBuffers } from "./fast/fit";
