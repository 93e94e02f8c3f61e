import { readFile } from "node:fs/promises";
import { UsageError } from "../commands/args";
import { readNotebook, type Notebook } from "../notebook/nbformat";
import { executedCopyPath, type RunOptions } from "../runner";
import { finishPapermill, injectParameters } from "./inject";
import { resolveValues, type GivenValue } from "./parameter-values";
import { ParametersError, readParameters, type JsonValue } from "./parameters";

/**
 * `gradient-lab run -p NAME VALUE ... --parameters FILE.json`: everything the
 * run command needs for parameters, kept out of run.ts. All notebooks are
 * read and every value checked before the first kernel starts, so a typo
 * costs one line, not a kernel start and a TypeScript error.
 */

/**
 * Takes the `-p NAME VALUE` triples out of argv (node's parseArgs cannot read
 * an option with two values); the rest goes to parseArgs as usual.
 */
export function takeParameterFlags(argv: string[]): { rest: string[]; given: Map<string, GivenValue> } {
  const rest: string[] = [];
  const given = new Map<string, GivenValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg !== "-p" && arg !== "--parameter") {
      rest.push(arg);
      continue;
    }
    const name = argv[i + 1];
    const text = argv[i + 2];
    // `-p rate --out DIR` forgot the value; a flag is never taken for one.
    if (name === undefined || text === undefined || name.startsWith("--") || text.startsWith("--")) throw new UsageError(`${arg} wants a name and a value: ${arg} NAME VALUE`);
    given.set(name, { text });
    i += 2;
  }
  return { rest, given };
}

/** A --parameters file: one JSON object of name -> value. */
async function readParametersFile(file: string): Promise<Map<string, GivenValue>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--parameters ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`--parameters ${file}: want a JSON object of name -> value`);
  return new Map(Object.entries(value).map(([name, json]) => [name, { json: json as JsonValue }]));
}

async function readNotebookOrSay(file: string): Promise<Notebook> {
  try {
    return await readNotebook(file);
  } catch (error) {
    throw new ParametersError((error as Error).message);
  }
}

/**
 * The RunOptions hooks that inject the values into each notebook, or none
 * when no values were given (a plain run, like `gradient-lab test`, keeps
 * the stored defaults and adds no metadata).
 */
export async function parameterHooks(files: string[], given: Map<string, GivenValue>, parametersFile: string | undefined, options: Pick<RunOptions, "outDir" | "inPlace">): Promise<Pick<RunOptions, "prepare" | "finish">> {
  // -p wins over the file, as the later and more specific word.
  const all = new Map([...(parametersFile ? await readParametersFile(parametersFile) : []), ...given]);
  if (all.size === 0) return {};
  if (options.inPlace) throw new UsageError("-p/--parameters cannot go with --in-place: the source notebook would keep the injected values");
  const values = new Map<string, Map<string, JsonValue>>();
  for (const file of files) {
    const parameters = readParameters(await readNotebookOrSay(file), file);
    if (!parameters) throw new ParametersError(`${file}: no cell is tagged "parameters", so ${[...all.keys()].join(", ")} has nothing to replace`);
    values.set(file, resolveValues(all, parameters.parameters, file));
  }
  return {
    // The runner reads the notebook again; its parameters cell is read again from that same text.
    prepare: (source, file) => injectParameters(source, readParameters(source, file)!, values.get(file)!, { inputPath: file, outputPath: executedCopyPath(file, options), startTime: new Date() }),
    finish: (executed) => finishPapermill(executed),
  };
}
