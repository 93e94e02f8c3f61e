import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** The project's Python environment: .ci/run makes it from test/python/requirements.txt (Jupyter's own tools, pinned). */
export const VENV = resolve(__dirname, "../../.venv");

/**
 * A program in `.venv/bin/`. Missing: outside CI the suite skips with a
 * message, with CI set it fails at once (.ci/run installs the venv, so a
 * skip there would pass unseen), as tools.ts does for Debian's tools.
 */
export function needVenv(suite: string, program = "python"): { skip: boolean; path: string } {
  const path = join(VENV, "bin", program);
  if (existsSync(path)) return { skip: false, path };
  const what = `${suite}: ${path} not found (python3 -m venv .venv && .venv/bin/pip install -r test/python/requirements.txt)`;
  if (process.env.CI) throw new Error(`${what}; CI must have it, .ci/run makes it`);
  console.warn(`${what}; skipped here, with CI set this fails`);
  return { skip: true, path };
}
