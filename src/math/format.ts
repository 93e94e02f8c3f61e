import { formatFloat } from "./arithmetic";
import { Fraction } from "./fraction";

/** A traced value as text: exact decimals for fractions, 12 significant digits for floats. */
export function formatValue(value: number | Fraction): string {
  return value instanceof Fraction ? value.toDecimalString() : formatFloat(value);
}

/** LaTeX for a name in the source's style: W53 -> W_{53}, b5 -> b_{5}, X1 -> X_{1}. */
export function latexName(name: string): string {
  const match = /^([A-Za-z]+)(\d+(?:_\d+)?)$/.exec(name);
  return match ? `${match[1]}_{${(match[2] ?? "").replace("_", ",")}}` : `\\mathrm{${name}}`;
}

/** The number a neuron's name ends in, for Z_3 and a_3. */
export function neuronIndex(name: string): string {
  return /(\d+)$/.exec(name)?.[1] ?? name;
}

/** Z_{3}: the weighted sum of the neuron numbered 3, as the equations write it. */
export function preActivationLatex(neuron: string): string {
  return `Z_{${neuronIndex(neuron)}}`;
}

/** a_{3}: the output of the neuron numbered 3, as the equations write it. */
export function outputLatex(neuron: string): string {
  return `a_{${neuronIndex(neuron)}}`;
}

/** \frac{\partial L}{\partial W_{31}}, for any LaTeX symbol. */
export function lossPartialLatex(of: string): string {
  return `\\frac{\\partial L}{\\partial ${of}}`;
}

/** A name quoted for a message, cut short when it is long: a 100 KB name must not make a 100 KB error line. */
export function quotedName(name: string): string {
  return `'${shortName(name)}'`;
}

/** The same without quotes, for a name that has passed the naming rules but may still be long. */
export function shortName(name: string, shown = 40): string {
  return name.length <= shown ? name : `${name.slice(0, shown)}... (${name.length} characters)`;
}

/** Names for a message: all of a short list, the first few and the count of a long one, so an error about a million neurons stays one short line. */
export function nameList(names: readonly string[], shown = 8): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown).join(", ")}, ... (${names.length} in all)`;
}
