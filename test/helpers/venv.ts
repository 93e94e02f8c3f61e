import { existsSync } from "node:fs";
import { join } from "node:path";

/** The project's Python environment (.ci/run makes it from test/python/requirements.txt). */
export const VENV = join(__dirname, "..", "..", ".venv");

/**
 * A program of the project's .venv by path, e.g. "python". Missing: the
 * suite skips outside CI with a message; with CI set (.ci/run installs it)
 * the file fails at once, because a skipped check there would pass unseen.
 */
export function needVenv(suite: string, program = "python"): { skip: boolean; path: string } {
  const path = join(VENV, "bin", program);
  if (existsSync(path)) return { skip: false, path };
  const what = `${suite}: ${path} not found (python3 -m venv .venv && .venv/bin/pip install -r test/python/requirements.txt)`;
  if (process.env.CI) throw new Error(`${what}; CI must have it, .ci/run installs it`);
  console.warn(`${what}; skipped here, with CI set this fails`);
  return { skip: true, path };
}
