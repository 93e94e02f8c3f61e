import { type Arithmetic, arithmeticNamed, floatArithmetic, formatFloat, fractionArithmetic } from "../math/arithmetic";
import { type ChainFactor, type ChainPath, chainPaths } from "./chain-paths";
import { Fraction } from "../math/fraction";
import { formatValue } from "../math/format";
import { forward } from "../trace/forward";
import { lossByName } from "../math/losses";
import { parametersOf } from "../network/model";
import type { TracedStep } from "../trace/traced-step";
import { outputNames, parseValueName, sumName, type ValueRef, valueName } from "./value-names";
import { explain } from "./explain";

/**
 * Exercise checking: is a learner's number right, and if not, what went wrong.
 *
 *   check(step, name, answer, options?)          -> CheckResult
 *   checkNumber(label, answer, expected, options?) -> CheckResult
 *
 *   const step = traceStep(seedNetwork(), seedExample);
 *   console.log(check(step, "dL/dW53", 0.5).message);
 *   // ✓ dL/dW53 = 0.5 is right (within 1e-9 + 1e-6 × |0.5|)
 *   console.log(check(step, "dL/dW53", 0.25).message);
 *   // ✗ dL/dW53: 0.25 is not right. Hint: ... names the factor of the chain that is missing or off
 *   console.log(checkNumber("bytes per rank (GB)", 612.5, 2 * (7 / 8) * 350).message);
 *
 * `name` is any name `explain` takes (value-names.ts): "dL/dW31", "H3", "Z5",
 * "L", "W53^new", ... `answer` is a number, or a Fraction on an exact step:
 * a Fraction against exact values must be exactly equal; anything else is
 * compared as floats, right when |answer - expected| <= absolute + relative
 * x |expected| (defaults DEFAULT_TOLERANCE, overridable per call). A wrong
 * answer never throws: `ok` is false and `message` carries a hint drawn from
 * the trace. Bad input (NaN, a non-number, an unknown name, a negative
 * tolerance) throws one line saying what is wrong.
 */
export interface CheckResult {
  ok: boolean;
  /** One line: ✓ with the value and how it was compared, or ✗ with a hint. */
  message: string;
  /** The name or label checked. */
  label: string;
  answer: number;
  expected: number;
  comparison: { kind: "exact" } | { kind: "tolerance"; relative: number; absolute: number };
  /** On a wrong answer, what the trace says went wrong; null when right. */
  hint: string | null;
}

export interface CheckOptions {
  relativeTolerance?: number;
  absoluteTolerance?: number;
}

export type Answer = number | Fraction;

/** Loose enough for a number copied from a printed table (12 digits), tight enough that a wrong factor never passes. */
export const DEFAULT_TOLERANCE = { relative: 1e-6, absolute: 1e-9 } as const;

export function check<T extends number | Fraction>(step: TracedStep<T>, name: string, answer: Answer, options: CheckOptions = {}): CheckResult {
  const ref = parseValueName(step, name, "check");
  const label = valueName(step, ref);
  checkAnswer(answer, `check(${label})`);
  const A = arithmeticNamed(step.arithmetic) as Arithmetic<T>;
  const expected = explain(step, label).value;
  const judge = judgeOf(answer, A, options, `check(${label})`);
  if (judge.same(expected)) return right(label, answer, expected, judge);
  const hint = firstMatch(judge, hintsFor(step, ref, expected, A)) ?? fallbackHint(step, ref, label, A);
  return wrong(label, answer, expected, judge, hint);
}

export function checkNumber(label: string, answer: Answer, expected: Answer, options: CheckOptions = {}): CheckResult {
  if (typeof label !== "string" || label.trim() === "")
    throw new Error(`checkNumber: the label must be a non-empty string naming the quantity, got ${String(label)}`);
  checkAnswer(answer, `checkNumber(${label})`);
  checkAnswer(expected, `checkNumber(${label}): the expected value`);
  if (answer instanceof Fraction && expected instanceof Fraction) return compareNumbers(label, answer, expected, fractionArithmetic, options);
  return compareNumbers(label, answer, toNumber(expected), floatArithmetic, options);
}

function compareNumbers<T>(label: string, answer: Answer, expected: T, A: Arithmetic<T>, options: CheckOptions): CheckResult {
  const judge = judgeOf(answer, A, options, `checkNumber(${label})`);
  if (judge.same(expected)) return right(label, answer, expected, judge);
  const hint = firstMatch(judge, numberHints(expected, A)) ?? distanceHint(toNumber(answer), A.toNumber(expected));
  return wrong(label, answer, expected, judge, hint);
}

interface Candidate<T> {
  value: T;
  /** Written only for the candidate that matches: formatting every number of a big trace would cost more than the search. */
  hint: () => string;
}

interface Judge<T> {
  same(value: T): boolean;
  comparison: CheckResult["comparison"];
}

/** Exact equality when the answer and the values are both fractions; otherwise floats within the tolerance. */
function judgeOf<T>(answer: Answer, A: Arithmetic<T>, options: CheckOptions, where: string): Judge<T> {
  const relative = tolerance(options.relativeTolerance, DEFAULT_TOLERANCE.relative, `${where}: relativeTolerance`);
  const absolute = tolerance(options.absoluteTolerance, DEFAULT_TOLERANCE.absolute, `${where}: absoluteTolerance`);
  if (answer instanceof Fraction && A.name === "fraction") {
    return { same: (value) => answer.equals(value as unknown as Fraction), comparison: { kind: "exact" } };
  }
  const number = toNumber(answer);
  return {
    same: (value) => {
      const v = A.toNumber(value);
      return Number.isFinite(v) && Math.abs(number - v) <= absolute + relative * Math.abs(v);
    },
    comparison: { kind: "tolerance", relative, absolute },
  };
}

function right<T>(label: string, answer: Answer, expected: T | Answer, judge: Judge<unknown>): CheckResult {
  const how =
    judge.comparison.kind === "exact"
      ? "exactly, as fractions"
      : `within ${judge.comparison.absolute.toExponential()} + ${judge.comparison.relative.toExponential()} × |${show(expected)}|`;
  return {
    ok: true,
    message: `✓ ${label} = ${show(answer)} is right (${how})`,
    label,
    answer: toNumber(answer),
    expected: toNumber(expected),
    comparison: judge.comparison,
    hint: null,
  };
}

function wrong<T>(label: string, answer: Answer, expected: T | Answer, judge: Judge<unknown>, hint: string): CheckResult {
  return {
    ok: false,
    message: `✗ ${label}: ${show(answer)} is not right. Hint: ${hint}`,
    label,
    answer: toNumber(answer),
    expected: toNumber(expected),
    comparison: judge.comparison,
    hint,
  };
}

function firstMatch<T>(judge: Judge<T>, candidates: Iterable<Candidate<T>>): string | null {
  for (const candidate of candidates) if (judge.same(candidate.value)) return candidate.hint();
  return null;
}

/** The mistakes worth naming for each kind of value, most telling first; generated lazily, stopping at the first match. */
function* hintsFor<T extends number | Fraction>(step: TracedStep<T>, ref: ValueRef, expected: T, A: Arithmetic<T>): Generator<Candidate<T>> {
  const negated = A.sub(A.from(0), expected);
  switch (ref.kind) {
    case "gradient":
      yield* gradientHints(step, chainPaths(step, ref.of, A), A);
      return;
    case "activation":
    case "pre-activation":
    case "loss":
      yield { value: negated, hint: () => "the sign is wrong" };
      yield* forwardHints(step, ref, A);
      return;
    case "updated-parameter": {
      const u = step.updates.find((x) => x.parameter === ref.parameter);
      if (!u) return;
      const stepSize = A.mul(u.learningRate, u.gradient);
      yield { value: A.add(u.old, stepSize), hint: () => `SGD moves against the gradient: ${ref.parameter} - η · dL/d${ref.parameter}, not plus` };
      yield { value: A.sub(u.old, u.gradient), hint: () => `the learning rate η = ${formatValue(u.learningRate)} is missing: new = old - η · gradient` };
      yield {
        value: A.sub(A.from(0), stepSize),
        hint: () => `that is the change alone (-η · gradient); add it to the old value ${ref.parameter} = ${formatValue(u.old)}`,
      };
      yield { value: u.old, hint: () => `that is ${ref.parameter} before the update; subtract η · dL/d${ref.parameter} = ${formatValue(stepSize)}` };
      return;
    }
    case "parameter": {
      const u = step.updates.find((x) => x.parameter === ref.parameter);
      if (u)
        yield { value: u.new, hint: () => `that is ${ref.parameter} after the update (${ref.parameter}^new); ${ref.parameter} names the value the step used` };
      yield { value: negated, hint: () => "the sign is wrong" };
      return;
    }
    default:
      yield { value: negated, hint: () => "the sign is wrong" };
  }
}

/**
 * A wrong gradient is usually the right chain with one thing changed: its
 * sign, one factor left out, one path left out, the updated weight where
 * the old one belongs, or another number of the trace in a factor's place.
 */
function* gradientHints<T extends number | Fraction>(step: TracedStep<T>, paths: readonly ChainPath<T>[], A: Arithmetic<T>): Generator<Candidate<T>> {
  const factors = distinctFactors(paths);
  const total = paths.reduce((sum, path) => A.add(sum, path.product), A.from(0));
  const first = paths[0]?.factors[0];
  const signHint = first ? `the sign is wrong; check the first factor ${first.name} = ${first.meaning} (Yr minus Ye, not the reverse)` : "the sign is wrong";
  yield { value: A.sub(A.from(0), total), hint: () => signHint };

  // The gradient is linear in each factor: with it set to v, the sum is v * through + elsewhere.
  const split = new Map(factors.map((factor) => [factor.name, splitAt(paths, factor.name, A)]));
  const withFactor = (factor: ChainFactor<T>, value: T): T => {
    const { through, elsewhere } = split.get(factor.name) as { through: T; elsewhere: T };
    return A.add(A.mul(value, through), elsewhere);
  };
  const updated = new Map(step.updates.map((u) => [u.parameter, u.new]));
  for (const factor of factors) {
    if (!factor.parameter) continue;
    const newer = updated.get(factor.parameter) as T;
    yield {
      value: withFactor(factor, newer),
      hint: () =>
        `${factor.name} is the old weight ${factor.parameter} = ${formatValue(factor.value)}, but your answer used the updated ${factor.parameter}^new = ${formatValue(newer)}; backprop uses the weights from before the update`,
    };
  }
  for (const factor of factors) {
    if (A.compare(factor.value, A.from(1)) === 0) continue;
    yield {
      value: withFactor(factor, A.from(1)),
      hint: () => `the factor ${factor.name} = ${factor.meaning} = ${formatValue(factor.value)} is missing from the chain`,
    };
  }
  if (paths.length > 1) {
    for (const path of paths) {
      yield {
        value: A.sub(total, path.product),
        hint: () => `you left out the path ${path.through.join(" → ")} (worth ${formatValue(path.product)}); this gradient sums ${paths.length} paths`,
      };
    }
    if (paths.length > 2) {
      for (const path of paths)
        yield { value: path.product, hint: () => `that is only the path ${path.through.join(" → ")}; this gradient sums ${paths.length} paths` };
    }
  }
  // First the values a learner mixes up with this very factor, then any number of the trace.
  const pool = traceValues(step, A);
  for (const valuesFor of [(factor: ChainFactor<T>) => neighbours(step, factor, A), () => pool]) {
    for (const factor of factors) {
      for (const [name, value] of valuesFor(factor)) {
        if (A.compare(value, factor.value) === 0) continue;
        yield {
          value: withFactor(factor, value),
          hint: () =>
            `the factor ${factor.name} should be ${factor.meaning} = ${formatValue(factor.value)}; your answer matches ${name} = ${formatValue(value)} in its place`,
        };
      }
    }
  }
}

/** The paths through a factor, each without that factor, summed; and the paths that miss it, summed. */
function splitAt<T>(paths: readonly ChainPath<T>[], factorName: string, A: Arithmetic<T>): { through: T; elsewhere: T } {
  let through = A.from(0);
  let elsewhere = A.from(0);
  for (const path of paths) {
    if (!path.factors.some((f) => f.name === factorName)) {
      elsewhere = A.add(elsewhere, path.product);
      continue;
    }
    through = A.add(
      through,
      path.factors.reduce((product, f) => (f.name === factorName ? product : A.mul(product, f.value)), A.from(1)),
    );
  }
  return { through, elsewhere };
}

/** Mistakes in a forward value: the updated parameters used, the activation skipped or applied, a term or the bias left out. */
function* forwardHints<T extends number | Fraction>(step: TracedStep<T>, ref: ValueRef, A: Arithmetic<T>): Generator<Candidate<T>> {
  if (ref.kind === "loss") {
    const received = step.loss.received;
    const words = lossByName(step.loss.loss).words;
    const differences = received.map((yr, k) => A.sub(yr, step.loss.expected[k] as T));
    yield { value: differences.reduce((s, d) => A.add(s, d), A.from(0)), hint: () => `that is Yr - Ye; the loss ${words.ofDifference}` };
    yield {
      value: step.loss.derivative.reduce((s, d) => A.add(s, d), A.from(0)),
      hint: () => `that is the loss's derivative ${words.derivative(received.length)}, not the loss ${words.formula(received.length)}`,
    };
  }
  const afterPass = forward(step.after, step.input, A);
  const stale = "that is the value with the updated parameters; this step's forward pass uses the parameters from before the update";
  if (ref.kind === "loss") {
    yield { value: lossByName(step.loss.loss).value(afterPass.outputs, step.loss.expected, A), hint: () => stale };
    return;
  }
  if (ref.kind !== "activation" && ref.kind !== "pre-activation") return;
  const again = afterPass.records.find((r) => r.neuron === ref.neuron);
  if (again) yield { value: ref.kind === "activation" ? again.a : again.z, hint: () => stale };
  const record = step.forward.find((r) => r.neuron === ref.neuron);
  if (!record) return;
  if (ref.kind === "activation") {
    yield {
      value: record.z,
      hint: () =>
        `that is ${sumName(ref.neuron)} = ${formatValue(record.z)}, the weighted sum before the activation; ${ref.neuron} = ${record.activation}(${sumName(ref.neuron)})`,
    };
    return;
  }
  yield { value: record.a, hint: () => `that is ${ref.neuron}'s output after ${record.activation}; ${sumName(ref.neuron)} is the weighted sum before it` };
  yield { value: A.sub(record.z, record.bias), hint: () => `the bias ${record.biasName} = ${formatValue(record.bias)} is missing` };
  for (const term of record.terms) {
    yield {
      value: A.sub(record.z, term.product),
      hint: () => `the term ${term.source} · ${term.weightName} = ${formatValue(term.input)} · ${formatValue(term.weight)} is missing`,
    };
  }
}

function* numberHints<T>(expected: T, A: Arithmetic<T>): Generator<Candidate<T>> {
  yield { value: A.sub(A.from(0), expected), hint: () => "the sign is wrong" };
  yield { value: A.mul(expected, A.from(2)), hint: () => "it is twice the expected value" };
  yield { value: A.div(expected, A.from(2)), hint: () => "it is half the expected value" };
  for (let power = 1; power <= 12; power++) {
    yield { value: A.mul(expected, A.from(10 ** power)), hint: () => `it is 10^${power} times too large: check the units` };
    yield { value: A.div(expected, A.from(10 ** power)), hint: () => `it is 10^${power} times too small: check the units` };
  }
}

function distanceHint(answer: number, expected: number): string {
  if (expected === 0) return `it should be 0`;
  const percent = ((answer - expected) / Math.abs(expected)) * 100;
  return `it is ${formatFloat(Number(Math.abs(percent).toPrecision(2)))}% ${percent > 0 ? "too large" : "too small"}`;
}

/** No single slip explains it: name the chain (or the equation) to redo, without the answer. */
function fallbackHint<T extends number | Fraction>(step: TracedStep<T>, ref: ValueRef, label: string, A: Arithmetic<T>): string {
  if (ref.kind === "gradient") {
    const paths = chainPaths(step, ref.of, A);
    const chains = paths.map((p) => p.factors.map((f) => f.name).join(" · "));
    return `${label} sums ${paths.length} chain-rule path${paths.length === 1 ? "" : "s"}: ${chains.join(" + ")}; explain(step, "${label}") shows each factor's value`;
  }
  return `explain(step, "${label}") shows how it is computed, step by step`;
}

/** Each distinct local derivative of the paths once, in the order the paths meet them. */
function distinctFactors<T>(paths: readonly ChainPath<T>[]): ChainFactor<T>[] {
  const seen = new Map<string, ChainFactor<T>>();
  for (const factor of paths.flatMap((p) => p.factors)) if (!seen.has(factor.name)) seen.set(factor.name, factor);
  return [...seen.values()];
}

/**
 * The numbers next to a factor that a learner most often takes in its place:
 * for the loss's derivative Yr - Ye, Yr, Ye or L; for an activation's slope
 * the weighted sum or the output; for a weight the neuron's other weights;
 * for a carried input the neuron's other inputs or the weight itself.
 */
function neighbours<T>(step: TracedStep<T>, factor: ChainFactor<T>, A: Arithmetic<T>): [string, T][] {
  if (factor.kind === "loss") {
    const k = outputNames(step).indexOf(factor.by);
    const yr = step.loss.received[k] as T;
    const ye = step.loss.expected[k] as T;
    return [
      ["Yr - Ye", A.sub(yr, ye)],
      [`Yr (${factor.by})`, yr],
      ["Ye", ye],
      ["L", step.loss.value],
    ];
  }
  const record = step.forward.find((r) => sumName(r.neuron) === factor.of || r.neuron === factor.of);
  if (!record) return [];
  if (factor.kind === "activation")
    return [
      [sumName(record.neuron), record.z],
      [record.neuron, record.a],
    ];
  if (factor.kind === "weight") return record.terms.filter((t) => t.weightName !== factor.parameter).map((t) => [t.weightName, t.weight]);
  const own = record.terms.find((t) => t.weightName === factor.by);
  return [...record.terms.filter((t) => t !== own).map((t): [string, T] => [t.source, t.input]), ...(own ? [[own.weightName, own.weight] as [string, T]] : [])];
}

/** Numbers a learner could have picked up by mistake: every input, weighted sum, output, parameter (old and new), the loss and Yr - Ye. */
function traceValues<T>(step: TracedStep<T>, A: Arithmetic<T>): [string, T][] {
  const values: [string, T][] = step.before.inputs.map((name, i) => [name, step.input[i] as T]);
  for (const r of step.forward) values.push([sumName(r.neuron), r.z], [r.neuron, r.a]);
  for (const [name, value] of parametersOf(step.before)) values.push([name, value]);
  for (const u of step.updates) values.push([`${u.parameter}^new`, u.new]);
  values.push(["L", step.loss.value]);
  step.loss.received.forEach((yr, k) => {
    values.push(["Yr - Ye", A.sub(yr, step.loss.expected[k] as T)]);
  });
  return values;
}

function checkAnswer(answer: unknown, where: string): void {
  if (answer instanceof Fraction) return;
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    throw new Error(
      `${where}: the answer is ${typeof answer === "number" ? String(answer) : `a ${typeof answer} (${String(answer)})`}; give a finite number or a Fraction`,
    );
  }
}

function tolerance(value: number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new Error(`${where} must be a finite number of at least 0, got ${String(value)}`);
  return value;
}

function toNumber(value: unknown): number {
  return value instanceof Fraction ? value.toNumber() : (value as number);
}

function show(value: unknown): string {
  return value instanceof Fraction ? value.toDecimalString() : formatValue(value as number);
}
