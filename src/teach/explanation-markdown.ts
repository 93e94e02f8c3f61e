import type { Explanation } from "./explain";
import type { Fraction } from "../math/fraction";
import { formatValue } from "../math/format";
import { displayMath } from "../render/equations";

const KIND_WORDS: Record<Explanation<unknown>["kind"], string> = {
  input: "an input",
  target: "a target",
  parameter: "a parameter before the update",
  "updated-parameter": "a parameter after the update",
  "pre-activation": "a weighted sum",
  activation: "a neuron's output",
  loss: "the loss",
  gradient: "a gradient",
};

/**
 * An explanation as Markdown with display math, for `showMarkdown` in a
 * notebook: the value, the given numbers it rests on, then each equation
 * with its numbers, and for a gradient how many chain-rule paths it sums.
 */
export function explanationMarkdown<T extends number | Fraction>(explanation: Explanation<T>): string {
  const given = explanation.derivation.filter((s) => s.from.length === 0 && s.kind !== "local-derivative");
  const lines = [
    `**${explanation.name}** = ${formatValue(explanation.value)}: ${KIND_WORDS[explanation.kind]} (${explanation.arithmetic === "fraction" ? "exact fractions" : "floats"})`,
  ];
  if (given.length > 0) lines.push(`Given: ${given.map((s) => `$${s.equation}$`).join(", ")}`);
  if (explanation.paths.length > 0 && explanation.pathSum !== null) {
    const count = explanation.paths.length;
    lines.push(
      `${count} chain-rule path${count === 1 ? "" : "s"} from the loss; the products sum to ${formatValue(explanation.pathSum)}, the value backprop computed.`,
    );
  }
  if (explanation.equations.length > 0) lines.push(displayMath(explanation.equations));
  return lines.join("\n\n");
}
