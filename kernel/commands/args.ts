import { parseArgs } from "node:util";

/** Bad command-line input, reported as one line with exit code 2. */
export class UsageError extends Error {}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} wants a positive number, got "${value}"`);
  return number;
}

/** Runs a command body, printing a UsageError as one line. */
export async function withUsage(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    // node:util parseArgs marks its errors with codes ERR_PARSE_ARGS_*.
    const parseError = String((error as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS");
    if (error instanceof UsageError || parseError) {
      console.error(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    throw error;
  }
}

type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;
type Flags<S extends FlagSpec> = { [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : string };

/**
 * Runs a subcommand: parses its flags (every command also takes --help/-h,
 * which prints its usage) and reports bad input as one line plus the usage.
 */
export async function runCommand<S extends FlagSpec>(argv: string[], usage: string, flags: S, body: (values: Flags<S>, positionals: string[]) => Promise<number>): Promise<number> {
  return withUsage(usage, async () => {
    // parseArgs cannot infer value types through a generic spec; Flags<S> restores them for the body.
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...flags, help: { type: "boolean", short: "h" } } }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    };
    if (values.help) {
      console.log(usage);
      return 0;
    }
    return body(values as Flags<S>, positionals);
  });
}
