import { describe, expect, it } from "vitest";
import { buildNetwork, forward, floatArithmetic, fractionArithmetic, networkDiagram, networkGeometry, seedExample, seedNetwork, toModel, traceStep, tracedStepState, train } from "../../src";

const sample = { input: seedExample.input, target: seedExample.target };
const run = train(seedNetwork(), { samples: [sample], learningRate: 0.01, maxSteps: 1 });
const [before, after] = run.history;

type Trace = { name?: string; mode?: string; x?: unknown[]; y?: unknown[]; text?: unknown; hovertext?: string[]; customdata?: unknown[]; line?: { width?: number; color?: string } };
const traces = (figure: { data: unknown[] }): Trace[] => figure.data as Trace[];
const BLUE = "#2166ac";
const RED = "#b2182b";

describe("networkGeometry", () => {
  it("places layers left to right, centred, and sizes edges by |weight|", () => {
    const geometry = networkGeometry(seedNetwork(), { show: "weight" });
    expect(geometry.neurons.map((n) => [n.name, n.x, n.y])).toEqual([
      ["X1", 0, 0.5],
      ["X2", 0, -0.5],
      ["H3", 1, 0.5],
      ["H4", 1, -0.5],
      ["O5", 2, 0],
    ]);
    expect(geometry.neurons.find((n) => n.name === "H4")?.bias).toEqual({ name: "b4", value: 0.5 });
    expect(geometry.edges.map((e) => [e.name, e.value, e.width])).toEqual([
      ["W31", 0.5, 4.5],
      ["W32", 0.5, 4.5],
      ["W41", 1, 8],
      ["W42", 1, 8],
      ["W53", 1, 8],
      ["W54", 1, 8],
    ]);
  });

  it("orders widths by |value| on a random network, whatever the sign", () => {
    const network = buildNetwork({ sizes: [3, 4, 2], activation: "relu", init: "he", seed: 7 });
    const { edges } = networkGeometry(network, { show: "weight" });
    expect(edges).toHaveLength(3 * 4 + 4 * 2);
    const sorted = [...edges].sort((a, b) => Math.abs(a.value) - Math.abs(b.value));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.width).toBeGreaterThanOrEqual(sorted[i - 1]!.width);
    expect(sorted[sorted.length - 1]?.width).toBe(8);
    expect(edges.some((e) => e.value < 0)).toBe(true);
  });

  it("shows gradients and updates from a history entry", () => {
    const gradients = networkGeometry(run.network, { show: "gradient", entry: before });
    expect(gradients.edges.find((e) => e.name === "W53")?.value).toBe(0.5);
    expect(gradients.edges.find((e) => e.name === "W54")?.value).toBe(1.5);
    expect(gradients.neurons.find((n) => n.name === "O5")?.bias?.value).toBe(1);
    const updates = networkGeometry(run.network, { show: "update", entry: before, learningRate: 0.01 });
    expect(updates.edges.find((e) => e.name === "W53")?.value).toBeCloseTo(-0.005, 15);
  });

  it("explains what is missing", () => {
    expect(() => networkGeometry(seedNetwork(), { show: "gradient" })).toThrow(/show "gradient" needs options.entry with gradients/);
    expect(() => networkGeometry(seedNetwork(), { show: "update", entry: before })).toThrow(/needs options.learningRate/);
    expect(() => networkGeometry(seedNetwork(), { show: "weights" as "weight" })).toThrow(/show must be "weight", "gradient" or "update", got "weights"/);
    expect(() => networkGeometry(seedNetwork(), { show: "weight", entry: { parameters: { W31: 1 } } })).toThrow(/options.entry.parameters has no 'b3'; it has W31/);
    expect(() => networkGeometry({ inputs: [], layers: [] }, { show: "weight" })).toThrow(/networkDiagram: network.inputs/);
  });
});

describe("networkDiagram", () => {
  it("draws the trained seed network with W53 = 0.995 on hover and as a label", () => {
    const figure = networkDiagram(run.network, { show: "weight", entry: after });
    const hover = traces(figure).find((t) => t.name === "weights");
    expect(hover?.customdata).toEqual(["W31", "W32", "W41", "W42", "W53", "W54"]);
    expect(hover?.hovertext?.[4]).toContain("W53 = 0.995");
    expect(hover?.hovertext?.[4]).toContain("H3 → O5");
    const labels = (figure.layout.annotations ?? []).map((a) => a.text);
    expect(labels).toContain("W53 = 0.995");
    expect(labels).toContain("b5 = 0.49");
    expect(figure.layout.title).toEqual({ text: expect.stringContaining("weights at step 1") });
  });

  it("colours edges by sign and draws wider lines for larger magnitudes", () => {
    const network = buildNetwork({ sizes: [2, 3, 1], activation: "relu", init: "he", seed: 3 });
    const geometry = networkGeometry(network, { show: "weight" });
    const figure = networkDiagram(network, { show: "weight" });
    const edgeTraces = traces(figure).filter((t) => t.mode === "lines");
    // every edge appears in exactly one line trace of its own width and sign colour
    for (const edge of geometry.edges) {
      const holder = edgeTraces.filter((t) => segments(t).some((s) => s.join() === [edge.from.x, edge.from.y, edge.to.x, edge.to.y].join()));
      expect(holder).toHaveLength(1);
      expect(holder[0]?.line?.width).toBe(edge.width);
      expect(holder[0]?.line?.color).toBe(edge.value > 0 ? BLUE : RED);
    }
    const widths = edgeTraces.map((t) => t.line?.width ?? 0);
    expect(widths).toEqual([...widths].sort((a, b) => a - b));
  });

  it("writes activations under the neurons and the gradient symbols on the edges", () => {
    const values = forward(toModel(seedNetwork(), floatArithmetic), [1, 0], floatArithmetic).values;
    const figure = networkDiagram(seedNetwork(), { show: "gradient", entry: before, activations: values });
    const labels = (figure.layout.annotations ?? []).map((a) => a.text);
    expect(labels).toContain("∂L/∂W53 = 0.5");
    expect(labels).toContain("a = 2.5<br>∂L/∂b5 = 1");
    expect(labels).toContain("X1 = 1");
    const neurons = traces(figure).find((t) => t.name === "neurons");
    expect(neurons?.text).toEqual(["X1", "X2", "H3", "H4", "O5"]);
    expect(neurons?.hovertext?.[4]).toBe("O5<br>output a = 2.5<br>∂L/∂b5 = 1");
    // the title names what the neurons now show, not only the edges' quantity
    expect(figure.layout.title).toEqual({ text: expect.stringContaining("network: activations (edges: gradients) at step 0") });
  });

  it("draws a traced step, in exact fractions too", () => {
    const step = traceStep(seedNetwork(), { ...sample, learningRate: 0.01, arithmetic: fractionArithmetic });
    const state = tracedStepState(step);
    expect(state.entry.gradients).toEqual({ W31: 1, W32: 0, b3: 1, W41: 1, W42: 0, b4: 1, W53: 0.5, W54: 1.5, b5: 1 });
    expect([...state.activations]).toEqual([["X1", 1], ["X2", 0], ["H3", 0.5], ["H4", 1.5], ["O5", 2.5]]);
    const figure = networkDiagram(seedNetwork(), { show: "update", learningRate: 0.01, ...state });
    expect((figure.layout.annotations ?? []).map((a) => a.text)).toContain("ΔW54 = -0.015");
  });

  it("refuses networks too large to read", () => {
    const big = buildNetwork({ sizes: [2, 30, 30, 1], activation: "relu", init: "he", seed: 1 });
    expect(() => networkDiagram(big, { show: "weight" })).toThrow(/990 weights are too many to draw/);
  });
});

function segments(trace: Trace): number[][] {
  const out: number[][] = [];
  const x = trace.x ?? [];
  const y = trace.y ?? [];
  for (let i = 0; i + 1 < x.length; i += 3) out.push([x[i], y[i], x[i + 1], y[i + 1]] as number[]);
  return out;
}
