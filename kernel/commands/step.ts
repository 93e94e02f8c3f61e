import { readFileSync } from "node:fs";
import {
  fractionArithmetic,
  lossByName,
  type LossName,
  type Model,
  type NetworkDescription,
  parseNetwork,
  seedNetwork,
  type StepTrace,
  traceStep,
  formatValue,
  type Fraction,
} from "../../src";
import { positiveNumber, UsageError, runCommand } from "./args";

const USAGE = `usage: gradient-lab step <network.json | seed> --input 1,0 --target 2 --lr 0.01 [--steps N] [--loss NAME] [--exact] [--json]
  Runs N training steps (default 1) on one sample and prints, for each, the
  forward values, the loss, every gradient and the updated parameters.
  "seed" is the source's 2-2-1 network. --exact computes in exact fractions.
  --loss is squared-error (default), mse or binary-cross-entropy.`;

type Value = number | Fraction;

export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
    input: { type: "string" },
    target: { type: "string" },
    lr: { type: "string" },
    steps: { type: "string" },
    loss: { type: "string" },
    exact: { type: "boolean" },
    json: { type: "boolean" },
  }, async (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError(`gradient-lab step: name one network (a JSON file or "seed"), got ${positionals.length}`);
    const network = loadNetwork(positionals[0] as string);
    const input = numberList(values.input, "--input");
    const target = numberList(values.target, "--target");
    const learningRate = positiveNumber(values.lr, "--lr");
    if (learningRate === undefined) throw new UsageError("gradient-lab step: --lr is required (the source uses 0.01)");
    const steps = positiveNumber(values.steps, "--steps") ?? 1;
    if (!Number.isInteger(steps)) throw new UsageError(`--steps wants a whole number, got "${values.steps}"`);
    const loss = (values.loss ?? "squared-error") as LossName;
    engineInput(() => lossByName(loss));

    const traces: StepTrace<Value>[] = [];
    let current: NetworkDescription | Model<Value> = network;
    for (let k = 0; k < steps; k++) {
      const options = { input, target, learningRate, loss };
      const step = engineInput(() =>
        values.exact ? traceStep(current as Model<Fraction>, { ...options, arithmetic: fractionArithmetic }) : traceStep(current as Model<number>, options),
      );
      traces.push(step as StepTrace<Value>);
      current = step.after as Model<Value>;
    }
    if (values.json) console.log(JSON.stringify(asJson(network, learningRate, traces), null, 2));
    else console.log(traces.map((trace, k) => asText(trace, k + 1)).join("\n\n"));
    return 0;
  });
}

/** The engine's checks name what is wrong with the network or sample; report them as the user's input errors. */
function engineInput<R>(compute: () => R): R {
  try {
    return compute();
  } catch (error) {
    throw new UsageError(`gradient-lab step: ${(error as Error).message}`);
  }
}

function loadNetwork(argument: string): NetworkDescription {
  if (argument === "seed") return seedNetwork();
  let text: string;
  try {
    text = readFileSync(argument, "utf8");
  } catch (error) {
    throw new UsageError(`gradient-lab step: cannot read ${argument} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return engineInput(() => parseNetwork(text, argument));
}

function numberList(text: string | undefined, flag: string): number[] {
  if (text === undefined) throw new UsageError(`gradient-lab step: ${flag} is required, e.g. ${flag} 1,0`);
  return text.split(",").map((part, i) => {
    const value = Number(part.trim());
    if (part.trim() === "" || !Number.isFinite(value)) throw new UsageError(`${flag}: item ${i + 1} ("${part}") is not a finite number`);
    return value;
  });
}

/** Numbers stay JSON numbers; exact fractions become their exact text ("199/200"), so nothing is rounded. */
function jsonValue(value: Value): number | string {
  return typeof value === "number" ? value : value.toString();
}

function asJson(network: NetworkDescription, learningRate: number, traces: StepTrace<Value>[]): unknown {
  return {
    network: network.name ?? "network",
    learningRate,
    arithmetic: traces[0]?.arithmetic,
    steps: traces.map((trace, k) => ({
      step: k + 1,
      input: trace.input.map(jsonValue),
      forward: Object.fromEntries(trace.forward.map((r) => [r.neuron, { z: jsonValue(r.z), a: jsonValue(r.a) }])),
      loss: jsonValue(trace.loss.value),
      gradients: Object.fromEntries(trace.updates.map((u) => [u.parameter, jsonValue(u.gradient)])),
      parameters: Object.fromEntries(trace.updates.map((u) => [u.parameter, jsonValue(u.new)])),
    })),
  };
}

function asText(trace: StepTrace<Value>, step: number): string {
  const rows = (header: string[], body: string[][]): string => {
    const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? "").length)));
    const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ").trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
  };
  return [
    `step ${step}: forward`,
    rows(["neuron", "Z", "a"], trace.forward.map((r) => [r.neuron, formatValue(r.z), formatValue(r.a)])),
    `loss (${trace.loss.loss}): ${formatValue(trace.loss.value)}`,
    rows(["parameter", "old", "gradient", "new"], trace.updates.map((u) => [u.parameter, formatValue(u.old), formatValue(u.gradient), formatValue(u.new)])),
  ].join("\n");
}
