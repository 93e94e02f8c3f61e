import type { Cell, Notebook } from "../notebook/nbformat";
import { boundedReplace } from "./bounded-replace";
import { checkDeadline, NO_DEADLINE } from "./deadline";
import { DEFAULT_TOLERANCE, type Tolerance } from "./numbers";

export interface Sanitizer {
  regex: string;
  replace: string;
  /** Where a notebook set it ("notebook metadata", "cell 3 metadata"); the built-in ones have none. */
  where?: string;
}

/** The longest one notebook-given pattern may run on one output. */
export const PATTERN_LIMIT_MS = 2000;

/**
 * Things that change between honest runs. Stack frames name the machine's
 * paths; ids and timestamps are new every run. Timings are not here on
 * purpose: the lab computes times (all-reduce seconds) that must be checked,
 * so a notebook that prints wall-clock time adds its own pattern.
 */
export const DEFAULT_SANITIZERS: Sanitizer[] = [
  { regex: "^\\s+at .*(\\n|$)", replace: "" },
  { regex: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", replace: "<uuid>" },
  { regex: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?", replace: "<timestamp>" },
];

export interface RegressionSettings {
  tolerance: Tolerance;
  sanitizers: Sanitizer[];
}

/**
 * Settings come from `metadata["gradient-lab"]` of the notebook, and a cell's
 * own metadata may narrow or widen them further:
 *   { "tolerance": { "relative": 1e-6, "absolute": 0 },
 *     "sanitize": [{ "regex": "took \\d+ ms", "replace": "took <t> ms" }] }
 */
export function notebookSettings(notebook: Notebook): RegressionSettings {
  return merge({ tolerance: DEFAULT_TOLERANCE, sanitizers: DEFAULT_SANITIZERS }, notebook.metadata["gradient-lab"], "notebook metadata");
}

export function cellSettings(base: RegressionSettings, cell: Cell, cellNumber: number): RegressionSettings {
  return merge(base, cell.metadata["gradient-lab"], `cell ${cellNumber} metadata`);
}

function merge(base: RegressionSettings, raw: unknown, where: string): RegressionSettings {
  if (raw === undefined) return base;
  if (typeof raw !== "object" || raw === null) throw new Error(`${where}: "gradient-lab" must be an object`);
  const { tolerance, sanitize } = raw as { tolerance?: Partial<Tolerance>; sanitize?: unknown };
  const next = { ...base.tolerance, ...(tolerance ?? {}) };
  for (const [name, value] of Object.entries(next)) {
    if (typeof value !== "number" || !(value >= 0)) throw new Error(`${where}: tolerance.${name} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  const sanitizers = [...base.sanitizers];
  if (sanitize !== undefined) {
    if (!Array.isArray(sanitize)) throw new Error(`${where}: "sanitize" must be a list of {regex, replace}`);
    for (const entry of sanitize) {
      if (typeof entry?.regex !== "string") throw new Error(`${where}: a sanitize entry has no "regex" string`);
      try {
        new RegExp(entry.regex, "gm");
      } catch (error) {
        throw new Error(`${where}: sanitize regex ${JSON.stringify(entry.regex)} is invalid: ${(error as Error).message}`);
      }
      sanitizers.push({ regex: entry.regex, replace: typeof entry.replace === "string" ? entry.replace : "", where });
    }
  }
  return { tolerance: next, sanitizers };
}

/**
 * Applies the sanitizers in order. The built-in patterns run directly; a
 * notebook's own run under a time limit (the smaller of PATTERN_LIMIT_MS and
 * what is left before the deadline), since they may backtrack without end.
 */
export function sanitize(text: string, sanitizers: Sanitizer[], deadline = NO_DEADLINE): string {
  return sanitizers.reduce((current, { regex, replace, where }) => {
    if (where === undefined) return current.replace(new RegExp(regex, "gm"), replace);
    checkDeadline(deadline);
    return boundedReplace(current, regex, replace, Math.min(PATTERN_LIMIT_MS, deadline.at - Date.now()), where);
  }, text);
}
