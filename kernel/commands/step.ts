import { closeSync, openSync, readSync } from "node:fs";
import {
  type Arithmetic,
  boundedFractionArithmetic,
  ExactSizeError,
  firstNonFinite,
  floatArithmetic,
  type Fraction,
  formatValue,
  lossByName,
  type LossName,
  losses,
  type Model,
  type NetworkDescription,
  parseNetwork,
  seedNetwork,
  type StepTrace,
  traceStep,
} from "../../src";
import { positiveNumber, UsageError, runCommand } from "./args";

/** A network file larger than this is refused unread: `step /dev/zero` would otherwise fill memory until the process aborts. */
const MAX_NETWORK_BYTES = 64 * 1024 * 1024;
/** Six exact steps of the source's network fit (2118 bits); the seventh needs 6353 and would take seconds, the eighth a minute. */
const DEFAULT_MAX_BITS = 4096;
/**
 * Every step prints its whole trace (about 1.5 KB for the source's network):
 * `--steps 1e9` printed 1.5 GB in two minutes and could only end by filling
 * the disk. Longer runs are asked for with --max-steps; real training runs
 * belong to the engine's `train` or `FastNetwork`, which print nothing per step.
 */
const DEFAULT_MAX_STEPS = 10_000;

const USAGE = `usage: gradient-lab step <network.json | seed> --input 1,0 --target 2 --lr 0.01 [--steps N [--max-steps M]] [--loss NAME] [--exact [--max-bits B]] [--json]
  Runs N training steps (default 1) on one sample and prints, for each, the
  forward values, the loss, every gradient and the updated parameters.
  N above --max-steps (default ${DEFAULT_MAX_STEPS.toLocaleString("en-US")}) is refused before any step runs: each
  step prints its whole trace, so a huge N could only fill the disk.
  "seed" is the source's 2-2-1 network; a network file may be up to 64 MB.
  --exact computes in exact fractions. Their size about triples every step,
  so it stops once a number needs more than --max-bits bits (default ${DEFAULT_MAX_BITS}).
  --loss is one of ${Object.keys(losses).join(", ")} (default squared-error).`;

type Value = number | Fraction;

/** A problem with the network, the sample or the run itself: one line, no usage text. */
class StepError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
    input: { type: "string" },
    target: { type: "string" },
    lr: { type: "string" },
    steps: { type: "string" },
    "max-steps": { type: "string" },
    loss: { type: "string" },
    exact: { type: "boolean" },
    "max-bits": { type: "string" },
    json: { type: "boolean" },
  }, async (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError(`gradient-lab step: name one network (a JSON file or "seed"), got ${positionals.length}`);
    const input = numberList(values.input, "--input");
    const target = numberList(values.target, "--target");
    const learningRate = positiveNumber(values.lr, "--lr");
    if (learningRate === undefined) throw new UsageError("gradient-lab step: --lr is required (the source uses 0.01)");
    const steps = wholeNumber(values.steps, "--steps") ?? 1;
    const maxSteps = wholeNumber(values["max-steps"], "--max-steps") ?? DEFAULT_MAX_STEPS;
    if (steps > maxSteps) {
      throw new UsageError(
        `gradient-lab step: --steps ${values.steps} is more than --max-steps (${maxSteps}); every step prints its whole trace (about 1.5 KB for the seed network), so raise --max-steps only for a run meant to print that much`,
      );
    }
    const maxBits = wholeNumber(values["max-bits"], "--max-bits");
    if (maxBits !== undefined && !values.exact) throw new UsageError("gradient-lab step: --max-bits applies only with --exact");
    try {
      const network = loadNetwork(positionals[0] as string);
      const loss = (values.loss ?? "squared-error") as LossName;
      engineInput(() => lossByName(loss));
      const arithmetic: Arithmetic<Value> = (values.exact ? boundedFractionArithmetic(maxBits ?? DEFAULT_MAX_BITS) : floatArithmetic) as Arithmetic<Value>;
      const print = values.json ? jsonPrinter(network, learningRate, arithmetic.name) : textPrinter();
      let current: NetworkDescription | Model<Value> = network;
      try {
        // Each trace is printed and dropped: a long run holds one step at a time, not its whole history.
        for (let k = 1; k <= steps; k++) {
          const step = runStep(k, () => traceStep(current as Model<Value>, { input, target, learningRate, loss, arithmetic }));
          const bad = arithmetic.name === "float" ? firstNonFinite(step as StepTrace<Value>, (value) => value as number) : undefined;
          if (bad !== undefined) {
            throw new StepError(`gradient-lab step: step ${k}: ${bad.what} is ${bad.value}; the numbers left the range of a float (try smaller weights, inputs or --lr)`, 1);
          }
          print.step(step as StepTrace<Value>, k);
          current = step.after as Model<Value>;
        }
      } finally {
        // The steps printed before a failure stay a complete report.
        print.end();
      }
      return 0;
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      console.error(error.message);
      return error.exitCode;
    }
  });
}

/** The first step's errors are about the network or the sample; a later one can only be the exact budget. */
function runStep<R>(k: number, compute: () => R): R {
  try {
    return compute();
  } catch (error) {
    if (error instanceof ExactSizeError) {
      throw new StepError(`gradient-lab step: step ${k}: ${error.message}; exact fractions about triple in size every step. Raise the budget with --max-bits, or drop --exact`, 1);
    }
    throw new StepError(`gradient-lab step: ${(error as Error).message}`, 2);
  }
}

/** The engine's checks name what is wrong with the network or sample; report them as the user's input errors. */
function engineInput<R>(compute: () => R): R {
  try {
    return compute();
  } catch (error) {
    throw new StepError(`gradient-lab step: ${(error as Error).message}`, 2);
  }
}

function loadNetwork(argument: string): NetworkDescription {
  if (argument === "seed") return seedNetwork();
  const text = readCapped(argument);
  return engineInput(() => parseNetwork(text, argument));
}

/** Reads at most MAX_NETWORK_BYTES, in chunks, so an endless or enormous file is refused instead of exhausting memory. */
function readCapped(path: string): string {
  const cannotRead = (error: unknown): StepError =>
    new StepError(`gradient-lab step: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(1024 * 1024);
    let total = 0;
    for (;;) {
      let count: number;
      try {
        count = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw cannotRead(error);
      }
      if (count === 0) return Buffer.concat(chunks).toString("utf8");
      total += count;
      if (total > MAX_NETWORK_BYTES) throw new StepError(`gradient-lab step: ${path} is larger than ${MAX_NETWORK_BYTES / 1024 / 1024} MB, the most a network file may be; it was not read further`, 2);
      chunks.push(Buffer.from(buffer.subarray(0, count)));
    }
  } finally {
    closeSync(fd);
  }
}

function numberList(text: string | undefined, flag: string): number[] {
  if (text === undefined) throw new UsageError(`gradient-lab step: ${flag} is required, e.g. ${flag} 1,0`);
  return text.split(",").map((part, i) => {
    const value = Number(part.trim());
    if (part.trim() === "" || !Number.isFinite(value)) throw new UsageError(`${flag}: item ${i + 1} ("${part}") is not a finite number`);
    return value;
  });
}

function wholeNumber(text: string | undefined, flag: string): number | undefined {
  const value = positiveNumber(text, flag);
  if (value !== undefined && !Number.isInteger(value)) throw new UsageError(`${flag} wants a whole number, got "${text}"`);
  return value;
}

interface Printer {
  step(trace: StepTrace<Value>, k: number): void;
  end(): void;
}

/** Numbers stay JSON numbers; exact fractions become their exact text ("199/200"), so nothing is rounded. */
function jsonValue(value: Value): number | string {
  return typeof value === "number" ? value : value.toString();
}

/**
 * The report `JSON.stringify(report, null, 2)` would print, written a step at
 * a time: the head up to `"steps": [`, each step indented to its place, then
 * the closing brackets.
 */
function jsonPrinter(network: NetworkDescription, learningRate: number, arithmetic: string): Printer {
  const head = JSON.stringify({ network: network.name ?? "network", learningRate, arithmetic, steps: [] }, null, 2);
  // Each step is held until the next one is known, to put the comma between them.
  let pending: string | undefined;
  return {
    step(trace, k) {
      console.log(pending === undefined ? head.slice(0, head.lastIndexOf("]")) : `${pending},`);
      const step = {
        step: k,
        input: trace.input.map(jsonValue),
        forward: Object.fromEntries(trace.forward.map((r) => [r.neuron, { z: jsonValue(r.z), a: jsonValue(r.a) }])),
        loss: jsonValue(trace.loss.value),
        gradients: Object.fromEntries(trace.updates.map((u) => [u.parameter, jsonValue(u.gradient)])),
        parameters: Object.fromEntries(trace.updates.map((u) => [u.parameter, jsonValue(u.new)])),
      };
      pending = JSON.stringify(step, null, 2).replace(/^/gm, "    ");
    },
    end() {
      if (pending !== undefined) console.log(`${pending}\n  ]\n}`);
    },
  };
}

function textPrinter(): Printer {
  return {
    step(trace, k) {
      const text = [
        `step ${k}: forward`,
        table(["neuron", "Z", "a"], trace.forward.map((r) => [r.neuron, formatValue(r.z), formatValue(r.a)])),
        `loss (${trace.loss.loss}): ${formatValue(trace.loss.value)}`,
        table(["parameter", "old", "gradient", "new"], trace.updates.map((u) => [u.parameter, formatValue(u.old), formatValue(u.gradient), formatValue(u.new)])),
      ].join("\n");
      console.log(k === 1 ? text : `\n${text}`);
    },
    end() {},
  };
}

function table(header: string[], body: string[][]): string {
  // A loop, not Math.max(...column): spreading 50,000 rows as arguments overflows the stack.
  const widths = header.map((h) => h.length);
  for (const row of body) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
