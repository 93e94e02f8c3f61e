import { PLOTLY_MIME } from "../display/names";
import { createHash } from "node:crypto";
import { joinText, type Output } from "../notebook/nbformat";
import { checkDeadline, NO_DEADLINE, type Deadline } from "./deadline";
import { compareText, type Tolerance } from "./numbers";
import { sanitize, type RegressionSettings } from "./settings";

/**
 * One cell's outputs as comparable text lines. Each output starts with a
 * `[kind]` line. Consecutive streams merge (kernels split them at will).
 * A Plotly bundle is compared by its figure JSON (keys sorted); its HTML
 * fallback, full of generated ids and inlined script, is left out.
 * Errors compare by name and value, not by traceback.
 */
export function renderOutputs(outputs: readonly Output[], settings: RegressionSettings, deadline = NO_DEADLINE): string[] {
  const blocks: string[] = [];
  let previousStream: string | undefined;
  for (const output of outputs) {
    if (output.output_type === "stream") {
      const text = joinText(output.text);
      if (previousStream === output.name) blocks[blocks.length - 1] += text;
      else blocks.push(`[${output.name}]\n${text}`);
      previousStream = output.name;
      continue;
    }
    previousStream = undefined;
    if (output.output_type === "error") {
      blocks.push(`[error]\n${output.ename}: ${output.evalue}`);
      continue;
    }
    const mimes = Object.keys(output.data).sort();
    for (const mime of mimes) {
      if (mime === "text/html" && mimes.includes(PLOTLY_MIME)) continue;
      blocks.push(`[${output.output_type} ${mime}]\n${renderMime(mime, output.data[mime])}`);
    }
  }
  return blocks.flatMap((block) => sanitize(block.replace(/\n$/, ""), settings.sanitizers, deadline).split("\n"));
}

function renderMime(mime: string, value: unknown): string {
  if (mime === PLOTLY_MIME || mime.endsWith("json")) return JSON.stringify(sortKeys(value), null, 1);
  if (mime.startsWith("image/") && !mime.includes("svg")) {
    return `sha256 ${createHash("sha256").update(joinText(value as string)).digest("hex")}`;
  }
  return typeof value === "string" || Array.isArray(value) ? joinText(value as string | string[]) : JSON.stringify(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}

/** Above this many line pairs the changed middle is shown without alignment: the table would cost too much. */
const ALIGNMENT_LIMIT = 1_000_000;
/** Each diff line is cut to this many characters: a 50 MB output line must not reach the terminal whole. */
export const DIFF_LINE_CHARS = 240;
/** At most this many changed lines are listed; the rest are counted. */
export const DIFF_CHANGED_LINES = 200;

/**
 * Compares rendered lines; numbers may differ within the tolerance. Returns
 * a readable diff ("-" expected, "+" actual, with the numbers that moved)
 * or undefined when the outputs match. Time is linear in the lines when
 * they match: the common start and end are skipped first, and only the
 * changed middle is aligned (longest common subsequence) while it is small.
 */
export function diffOutputs(expected: string[], actual: string[], tolerance: Tolerance, deadline = NO_DEADLINE): string | undefined {
  const same = (a: string, b: string) => compareText(a, b, tolerance) === undefined;
  let head = 0;
  while (head < expected.length && head < actual.length && same(expected[head]!, actual[head]!)) head++;
  if (head === expected.length && head === actual.length) return undefined;
  let tail = 0;
  while (tail < expected.length - head && tail < actual.length - head && same(expected[expected.length - 1 - tail]!, actual[actual.length - 1 - tail]!)) tail++;
  const before = expected.slice(Math.max(0, head - 3), head).map((line) => `  ${line}`);
  if (head > 3) before.unshift(unchangedNote(head - 3));
  const after = expected.slice(expected.length - tail, expected.length - tail + 3).map((line) => `  ${line}`);
  if (tail > 3) after.push(unchangedNote(tail - 3));
  const middle = alignedMiddle(expected.slice(head, expected.length - tail), actual.slice(head, actual.length - tail), tolerance, deadline);
  return [...before, ...limitChanges(middle), ...after].map(clipLine).join("\n");
}

function alignedMiddle(expected: string[], actual: string[], tolerance: Tolerance, deadline: Deadline): string[] {
  const rows = expected.length;
  const cols = actual.length;
  if (rows * cols > ALIGNMENT_LIMIT) {
    return [...expected.map((line) => `- ${line}`), ...actual.map((line) => `+ ${line}`)];
  }
  const same = (a: string, b: string) => compareText(a, b, tolerance) === undefined;
  // Longest common subsequence over lines, so an added line shows as one "+".
  const table = Array.from({ length: rows + 1 }, () => new Uint32Array(cols + 1));
  for (let i = rows - 1; i >= 0; i--) {
    checkDeadline(deadline);
    for (let j = cols - 1; j >= 0; j--) {
      table[i]![j] = same(expected[i]!, actual[j]!) ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && same(expected[i]!, actual[j]!)) {
      lines.push(`  ${expected[i]}`);
      i++;
      j++;
    } else if (i < rows && (j === cols || table[i + 1]![j]! >= table[i]![j + 1]!)) {
      lines.push(`- ${expected[i]}`);
      const partner = actual[j];
      const numbers = partner === undefined ? undefined : compareText(expected[i]!, partner, tolerance)?.numbers;
      if (numbers && numbers.length > 0) {
        lines.push(`  ^ numbers differ: ${numbers.map(({ expected: e, actual: a }) => `${e} -> ${a} (relative ${relativeChange(e, a)})`).join(", ")}`);
      }
      i++;
    } else {
      lines.push(`+ ${actual[j]}`);
      j++;
    }
  }
  return collapseUnchanged(lines, 3);
}

function unchangedNote(count: number): string {
  return `  ... ${count} unchanged line${count === 1 ? "" : "s"}`;
}

function clipLine(line: string): string {
  return line.length <= DIFF_LINE_CHARS ? line : `${line.slice(0, DIFF_LINE_CHARS)}... (${line.length - DIFF_LINE_CHARS} more characters)`;
}

function limitChanges(lines: string[]): string[] {
  let changes = 0;
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (!line.startsWith("  ")) changes++;
    if (changes > DIFF_CHANGED_LINES) {
      const rest = lines.slice(index).filter((other) => !other.startsWith("  ")).length;
      kept.push(`  ... and ${rest} more changed line${rest === 1 ? "" : "s"}`);
      break;
    }
    kept.push(line);
  }
  return kept;
}

/** Keeps `context` unchanged lines around each change; a long figure stays readable. */
function collapseUnchanged(lines: string[], context: number): string[] {
  const changed = lines.map((line) => !line.startsWith("  ") || line.startsWith("  ^"));
  const keep = lines.map((_, index) => changed.slice(Math.max(0, index - context), index + context + 1).some(Boolean));
  const result: string[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (keep[index]) {
      if (skipped > 0) result.push(unchangedNote(skipped));
      skipped = 0;
      result.push(line);
    } else skipped++;
  });
  if (skipped > 0) result.push(unchangedNote(skipped));
  return result;
}

function relativeChange(expected: string, actual: string): string {
  const a = Number(expected);
  const b = Number(actual);
  return (Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b))).toExponential(2);
}
