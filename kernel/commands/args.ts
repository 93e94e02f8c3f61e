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
