import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { pytorchUnavailable } from "../../bench/pytorch";

/**
 * The outside programs the integration tests drive, found on PATH, with the
 * Debian package that provides each (what .ci/run installs).
 */
const DEBIAN_PACKAGE = {
  chromium: "chromium",
  jupyter: "jupyter-client",
  "jupyter-nbconvert": "jupyter-nbconvert",
  "jupyter-notebook": "jupyter-notebook",
} as const;

export type ToolName = keyof typeof DEBIAN_PACKAGE;

export interface Tools {
  /** True when a tool is missing on a developer's machine: the suite skips (with CI set it has already failed). */
  readonly skip: boolean;
  /** The tool's full path; throws if it was not found (a skipped suite never asks). */
  path(name: ToolName): string;
}

/** The first executable `command` on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder === "") continue;
    const candidate = join(folder, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Looks the tools up for a test file. One missing: outside CI the suite skips
 * with a message; with CI set (.ci/run installs every tool) the file fails at
 * once, because a skipped check there would pass unseen.
 */
export function needTools(suite: string, names: readonly ToolName[]): Tools {
  const found = new Map(names.map((name) => [name, findOnPath(name)] as const));
  const missing: string[] = names.filter((name) => found.get(name) === undefined);
  const packages: string[] = missing.map((name) => DEBIAN_PACKAGE[name as ToolName]);
  if (missing.length > 0) {
    const what = `${suite}: ${missing.join(" and ")} not found (Debian: apt-get install ${packages.join(" ")})`;
    if (process.env.CI) throw new Error(`${what}; CI must have it, .ci/run installs it`);
    console.warn(`${what}; skipped here, with CI set this fails`);
  }
  return {
    skip: missing.length > 0,
    path(name) {
      const path = found.get(name);
      if (path === undefined) throw new Error(`${suite}: ${name} was ${names.includes(name) ? "not found on PATH" : "not asked for in needTools"}`);
      return path;
    },
  };
}

/**
 * The Python interpreter a Jupyter script runs on, read from its `#!` line:
 * the `python3` first on PATH may be another one without Jupyter's modules.
 */
export function pythonOf(script: string): string {
  const shebang = readFileSync(script, "utf8").split("\n", 1)[0] ?? "";
  const interpreter = shebang.startsWith("#!") ? shebang.slice(2).trim().split(/\s+/)[0] : undefined;
  if (interpreter === undefined || !isAbsolute(interpreter) || interpreter.endsWith("/env")) {
    throw new Error(`${script}: its first line names no Python interpreter by full path ('${shebang}')`);
  }
  return interpreter;
}

/**
 * PyTorch (torch 2.13, CPU build) in the project's .venv, for the tests that
 * compare with it; like needTools, missing it skips outside CI and fails in CI.
 */
export function needPytorch(suite: string): { skip: boolean } {
  const missing = pytorchUnavailable();
  if (missing === null) return { skip: false };
  if (process.env.CI) throw new Error(`${suite}: ${missing}; CI must have it, .ci/run installs torch into .venv from test/python/requirements.txt`);
  console.warn(`${suite}: ${missing}; skipped here, with CI set this fails`);
  return { skip: true };
}
