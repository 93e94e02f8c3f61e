import { activationByName } from "../math/activations";
import type { Fraction } from "../math/fraction";
import { formatValue as fmt, latexName, lossPartialLatex as partial, outputLatex as a, preActivationLatex as z } from "../math/format";
import { lossByName } from "../math/losses";
import type { ParameterGradientRecord, StepTrace } from "../trace/records";

/**
 * Pure renderers: a trace in, Markdown or LaTeX text out, every symbol with
 * its number substituted, so a notebook shows the arithmetic, not just results.
 */
type Value = number | Fraction;

/** Z_3 = (1 \cdot 0.5) + (0 \cdot 0.5) + 0 = 0.5, then a_3 = ReLU(0.5) = 0.5, for each neuron. */
export function forwardEquations<T extends Value>(trace: StepTrace<T>): string[] {
  return trace.forward.flatMap((r) => {
    const symbols = [...r.terms.map((t) => `${latexName(t.source)} \\cdot ${latexName(t.weightName)}`), latexName(r.biasName)].join(" + ");
    const numbers = [...r.terms.map((t) => `(${fmt(t.input)} \\cdot ${fmt(t.weight)})`), fmt(r.bias)].join(" + ");
    const f = activationByName(r.activation).latex;
    return [`${z(r.neuron)} = ${symbols} = ${numbers} = ${fmt(r.z)}`, `${a(r.neuron)} = ${f(z(r.neuron))} = ${f(fmt(r.z))} = ${fmt(r.a)}`];
  });
}

/** L = (2.5 - 2)^2 = 0.25 for the source's loss: each loss's formula, with the numbers put in where it has that form, then the value. */
export function lossEquation<T extends Value>(trace: StepTrace<T>): string {
  const { loss, received, expected, value } = trace.loss;
  const record = lossByName(loss);
  const substituted = record.substituted?.(
    received.map(fmt),
    expected.map((ye) => fmt(ye)),
  );
  return [record.latex(received.length), ...(substituted === undefined ? [] : [substituted]), fmt(value)].join(" = ");
}

/**
 * The chain rule, neuron by neuron from the output back (or only for the named neurons): dL/da (from the loss
 * or from the layer above through the old weights), times da/dz, gives dL/dz;
 * then each parameter's gradient is dL/dz times the input it carries.
 */
export function backwardEquations<T extends Value>(trace: StepTrace<T>, neurons?: readonly string[]): string[] {
  const lines: string[] = [];
  trace.backward.forEach((r, k) => {
    if (neurons && !neurons.includes(r.neuron)) return;
    const fromLoss = r.upstreamTerms.length === 1 && r.upstreamTerms[0]?.from === "loss";
    if (fromLoss && trace.loss.logits !== undefined) {
      // The loss gave dL/dz directly (computed from the logits): one line, no separate da/dz factor.
      lines.push(`${partial(z(r.neuron))} = ${lossDerivativeLatex(trace, outputIndex(trace, k))} = ${fmt(r.product)}`);
      for (const g of trace.gradients.filter((g) => g.neuron === r.neuron)) lines.push(gradientLine(g, r.neuron));
      return;
    }
    if (fromLoss) {
      lines.push(`${partial(a(r.neuron))} = ${lossDerivativeLatex(trace, outputIndex(trace, k))} = ${fmt(r.upstream)}`);
    } else {
      const symbols = r.upstreamTerms.map((t) => `${partial(z(t.from))} \\cdot ${latexName(t.weightName ?? "")}`).join(" + ");
      const numbers = r.upstreamTerms.map((t) => `${fmt(t.gradient)} \\cdot ${fmt(t.weight as T)}`).join(" + ");
      lines.push(`${partial(a(r.neuron))} = ${symbols} = ${numbers} = ${fmt(r.upstream)}`);
    }
    const f = activationByName(r.activation).latex;
    lines.push(
      `${partial(z(r.neuron))} = ${partial(a(r.neuron))} \\cdot ${f(z(r.neuron)).replace("(", "'(")} = ${fmt(r.upstream)} \\cdot ${fmt(r.localDerivative)} = ${fmt(r.product)}`,
    );
    for (const g of trace.gradients.filter((g) => g.neuron === r.neuron)) lines.push(gradientLine(g, r.neuron));
  });
  return lines;
}

function gradientLine<T extends Value>(g: ParameterGradientRecord<T>, neuron: string): string {
  const carried = g.source === null ? "1" : latexName(g.source);
  return `${partial(latexName(g.parameter))} = ${partial(z(neuron))} \\cdot ${carried} = ${fmt(g.dLdz)} \\cdot ${fmt(g.input)} = ${fmt(g.gradient)}`;
}

/** Which output a backward record belongs to: records run from the output layer back, so the first ones are the outputs in order. */
function outputIndex<T extends Value>(trace: StepTrace<T>, k: number): number {
  return trace.loss.received.length === 1 ? 0 : k;
}

/** dL/dYr for output k, as the loss record writes it: 2(Y_r - Y_e) = 2(2.5 - 2) for squared error. */
export function lossDerivativeLatex<T extends Value>(trace: StepTrace<T>, k: number): string {
  const record = lossByName(trace.loss.loss);
  if (trace.loss.logits !== undefined && record.fromLogits !== undefined)
    return record.fromLogits.derivativeLatex(fmt(trace.loss.received[k] as T), fmt(trace.loss.expected[k] as T));
  return record.derivativeLatex(fmt(trace.loss.received[k] as T), fmt(trace.loss.expected[k] as T), trace.loss.received.length);
}

/** W_{53}^{new} = W_{53} - \eta \cdot dL/dW_{53} = 1 - 0.01 \cdot 0.5 = 0.995, for each (or each named) parameter. */
export function updateEquations<T extends Value>(trace: StepTrace<T>, parameters?: readonly string[]): string[] {
  return trace.updates
    .filter((u) => !parameters || parameters.includes(u.parameter))
    .map((u) => {
      const p = latexName(u.parameter);
      return `${p}^{new} = ${p} - \\eta \\cdot ${partial(p)} = ${fmt(u.old)} - ${fmt(u.learningRate)} \\cdot ${fmt(u.gradient)} = ${fmt(u.new)}`;
    });
}

/** Equations as a Markdown block of display math, one equation per line. */
export function displayMath(equations: readonly string[]): string {
  return equations.map((e) => `$$${e}$$`).join("\n\n");
}

/**
 * A Markdown table from a header and rows of cells. A pipe in a cell is
 * escaped and a line break becomes a space, so no cell can split the table;
 * `align` right-aligns columns (numbers read best that way).
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("left" | "right")[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")).join(" | ")} |`;
  const rule = `| ${header.map((_, i) => (align?.[i] === "right" ? "---:" : "---")).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export function forwardTable<T extends Value>(trace: StepTrace<T>): string {
  return markdownTable(
    ["neuron", "weighted sum Z", "activation", "output a"],
    trace.forward.map((r) => [r.neuron, fmt(r.z), r.activation, fmt(r.a)]),
  );
}

export function gradientTable<T extends Value>(trace: StepTrace<T>): string {
  return markdownTable(
    ["parameter", "neuron", "dL/dz (upstream x local)", "input carried", "gradient dL/dparameter"],
    trace.gradients.map((g) => [g.parameter, g.neuron, fmt(g.dLdz), g.source === null ? "1 (bias)" : `${fmt(g.input)} (${g.source})`, fmt(g.gradient)]),
  );
}

export function updateTable<T extends Value>(trace: StepTrace<T>): string {
  return markdownTable(
    ["parameter", "old", "learning rate", "gradient", "new"],
    trace.updates.map((u) => [u.parameter, fmt(u.old), fmt(u.learningRate), fmt(u.gradient), fmt(u.new)]),
  );
}
