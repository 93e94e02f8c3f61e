import type { Annotation, Layout, ScatterData } from "plotly.js-dist";
import type { Figure } from "./figure";
import type { NetworkDescription } from "../network/description";
import { type DiagramOptions, type DiagramQuantity, type EdgeGlyph, networkGeometry, type NeuronGlyph } from "./network-geometry";
import {
  BACKGROUND_COLOUR,
  FIGURE_CONFIG,
  FONT_FAMILY,
  formatShort,
  formatValue,
  INPUT_NEURON_COLOUR,
  INVISIBLE,
  LABEL_BACKGROUND,
  NEURON_COLOUR,
  signColour,
} from "./style";

/** Past this many weights the lines merge into a blur and the stored figure grows large. */
export const MAX_DIAGRAM_EDGES = 600;
/** Up to this many weights (and neurons) the values are written on the figure, not only on hover. */
export const LABEL_LIMIT = 16;
/** Labels sit this far along each edge, near the neuron the weight belongs to, so crossing edges keep apart. */
const LABEL_POSITION = 0.7;

const NEURON_SIZE = 46;

/**
 * The network as a graph: neurons as circles (layers left to right), each
 * weight as a line whose width grows with the magnitude of the chosen
 * quantity (weight, gradient or update) and whose colour gives its sign,
 * blue positive and red negative. Hovering shows the exact value; small
 * networks also carry the values as labels.
 */
export function networkDiagram(network: NetworkDescription, options: DiagramOptions): Figure {
  const geometry = networkGeometry(network, options);
  const { edges, neurons } = geometry;
  if (edges.length > MAX_DIAGRAM_EDGES) {
    throw new Error(`networkDiagram: ${edges.length} weights are too many to draw (limit ${MAX_DIAGRAM_EDGES}); draw a smaller network`);
  }
  const quantity = geometry.quantity;
  const labelled = edges.length <= LABEL_LIMIT && neurons.length <= LABEL_LIMIT;
  const data: Partial<ScatterData>[] = [...edgeTraces(edges), edgeHoverTrace(edges, quantity), neuronTrace(neurons, quantity)];
  const annotations: Partial<Annotation>[] = labelled
    ? [...edges.map((edge) => edgeLabel(edge, quantity)), ...neurons.flatMap((n) => neuronLabel(n, quantity))]
    : [];

  const step = options.step ?? options.entry?.step;
  const layout: Partial<Layout> = {
    title: {
      text: `${diagramTitle(network, quantity, options.activations !== undefined)}${step === undefined ? "" : ` at step ${step}`}<br><sup>${legendText(quantity)}</sup>`,
    },
    showlegend: false,
    hovermode: "closest",
    font: { family: FONT_FAMILY, size: 13 },
    margin: { l: 20, r: 20, t: 80, b: 20 },
    ...diagramAxes(neurons),
    plot_bgcolor: BACKGROUND_COLOUR,
    paper_bgcolor: BACKGROUND_COLOUR,
    annotations,
  };
  return { data, layout, config: FIGURE_CONFIG };
}

/** Hidden axes that frame the layers left to right, and a height that gives each neuron room. */
export function diagramAxes(neurons: readonly NeuronGlyph[]): Pick<Layout, "xaxis" | "yaxis" | "height"> {
  const layerCount = Math.max(...neurons.map((n) => n.layer)) + 1;
  const tallest = Math.max(...neurons.map((n) => Math.abs(n.y)));
  const hidden = { showgrid: false, zeroline: false, showticklabels: false, showline: false, fixedrange: true };
  return {
    height: Math.min(900, Math.max(380, 130 * (2 * tallest + 1) + 120)),
    xaxis: { ...hidden, range: [-0.45, layerCount - 1 + 0.45] },
    yaxis: { ...hidden, range: [-tallest - 0.6, tallest + 0.45] },
  };
}

/** "the source's 2-2-1 network: weights", the title's first part. */
export function diagramTitle(network: NetworkDescription, quantity: DiagramQuantity, withActivations = false): string {
  // With activations the neurons carry the news; the edges still show the chosen quantity.
  const shown = withActivations ? `activations (edges: ${plural(quantity)})` : plural(quantity);
  return `${network.name ?? "Network"}: ${shown}`;
}

/** One line trace per (width, colour): Plotly sets width per trace, and grouping keeps big networks light. */
function edgeTraces(edges: readonly EdgeGlyph[]): Partial<ScatterData>[] {
  const groups = new Map<string, { width: number; colour: string; x: (number | null)[]; y: (number | null)[] }>();
  for (const edge of edges) {
    const colour = signColour(edge.value);
    const key = `${edge.width}|${colour}`;
    const group = groups.get(key) ?? { width: edge.width, colour, x: [], y: [] };
    groups.set(key, group);
    group.x.push(edge.from.x, edge.to.x, null);
    group.y.push(edge.from.y, edge.to.y, null);
  }
  return [...groups.values()]
    .sort((a, b) => a.width - b.width)
    .map((group) => ({
      type: "scatter",
      mode: "lines",
      name: `edges ${group.width}px`,
      x: group.x,
      y: group.y,
      line: { width: group.width, color: group.colour },
      hoverinfo: "skip",
    }));
}

/** Invisible points on the edges that carry each weight's hover text (lines only hover at their ends). */
export function edgeHoverTrace(edges: readonly EdgeGlyph[], quantity: DiagramQuantity): Partial<ScatterData> {
  const points = edges.map(labelPoint);
  return {
    type: "scatter",
    mode: "markers",
    name: "weights",
    x: points.map((p) => p.x),
    y: points.map((p) => p.y),
    marker: { size: 14, color: INVISIBLE },
    hovertext: edges.map((edge) => `${symbol(quantity, edge.name)} = ${formatValue(edge.value)}<br>${edge.source} → ${edge.target}`),
    hoverinfo: "text",
    customdata: edges.map((edge) => edge.name),
  };
}

export function neuronTrace(neurons: readonly NeuronGlyph[], quantity: DiagramQuantity): Partial<ScatterData> {
  return {
    type: "scatter",
    mode: "markers+text",
    name: "neurons",
    x: neurons.map((n) => n.x),
    y: neurons.map((n) => n.y),
    text: neurons.map((n) => n.name),
    textposition: "middle center",
    textfont: { color: BACKGROUND_COLOUR, size: 13 },
    marker: {
      size: NEURON_SIZE,
      color: neurons.map((n) => (n.layer === 0 ? INPUT_NEURON_COLOUR : NEURON_COLOUR)),
      // The ring shows the sign of the bias's shown quantity; inputs have no bias.
      line: { width: 3, color: neurons.map((n) => (n.bias ? signColour(n.bias.value) : INPUT_NEURON_COLOUR)) },
    },
    hovertext: neurons.map((n) => neuronHover(n, quantity)),
    hoverinfo: "text",
    customdata: neurons.map((n) => n.name),
  };
}

function neuronHover(neuron: NeuronGlyph, quantity: DiagramQuantity): string {
  const lines = [neuron.layer === 0 ? `${neuron.name} (input)` : neuron.name];
  if (neuron.activation !== undefined) lines.push(`${neuron.layer === 0 ? "value" : "output a"} = ${formatValue(neuron.activation)}`);
  if (neuron.bias) lines.push(`${symbol(quantity, neuron.bias.name)} = ${formatValue(neuron.bias.value)}`);
  return lines.join("<br>");
}

export function edgeLabel(edge: EdgeGlyph, quantity: DiagramQuantity): Partial<Annotation> {
  const at = labelPoint(edge);
  return {
    x: at.x,
    y: at.y,
    text: `${symbol(quantity, edge.name)} = ${formatShort(edge.value)}`,
    showarrow: false,
    font: { size: 11, color: signColour(edge.value) },
    bgcolor: LABEL_BACKGROUND,
    borderpad: 1,
  };
}

/** Under each neuron: its output (where given) and its bias's shown quantity. */
export function neuronLabel(neuron: NeuronGlyph, quantity: DiagramQuantity): Partial<Annotation>[] {
  const parts: string[] = [];
  if (neuron.activation !== undefined) parts.push(`${neuron.layer === 0 ? neuron.name : "a"} = ${formatShort(neuron.activation)}`);
  if (neuron.bias) parts.push(`${symbol(quantity, neuron.bias.name)} = ${formatShort(neuron.bias.value)}`);
  if (parts.length === 0) return [];
  return [
    {
      x: neuron.x,
      y: neuron.y,
      yshift: -(NEURON_SIZE / 2 + 6),
      yanchor: "top",
      text: parts.join("<br>"),
      showarrow: false,
      font: { size: 11, color: NEURON_COLOUR },
      bgcolor: LABEL_BACKGROUND,
    },
  ];
}

function labelPoint(edge: EdgeGlyph): { x: number; y: number } {
  return {
    x: edge.from.x + LABEL_POSITION * (edge.to.x - edge.from.x),
    y: edge.from.y + LABEL_POSITION * (edge.to.y - edge.from.y),
  };
}

/** How a parameter's value is written for each quantity: W53, ∂L/∂W53 or ΔW53. */
function symbol(quantity: DiagramQuantity, parameter: string): string {
  return quantity === "weight" ? parameter : quantity === "gradient" ? `∂L/∂${parameter}` : `Δ${parameter}`;
}

function plural(quantity: DiagramQuantity): string {
  return quantity === "weight" ? "weights" : quantity === "gradient" ? "gradients" : "updates (−η · gradient)";
}

export function legendText(quantity: DiagramQuantity): string {
  return `line width ∝ |${quantity}|, blue positive, red negative; ring colour: the bias's sign`;
}
