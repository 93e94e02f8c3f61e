import { vi } from "vitest";

/** console.log / console.error / process.stderr.write, captured while `body` runs. */
export async function captured<T>(body: () => Promise<T>): Promise<{ result: T; logs: string[]; errors: string[]; stderr: string }> {
  const logs: string[] = [];
  const errors: string[] = [];
  let stderr = "";
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.join(" ")));
  vi.spyOn(process.stderr, "write").mockImplementation(((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write);
  try {
    const result = await body();
    return { result, logs, errors, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
