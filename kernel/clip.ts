/** The longest line a report prints from a cell's output or error: a 50 MB line must not reach the terminal whole. */
export const REPORT_LINE_CHARS = 240;

/** One line cut to REPORT_LINE_CHARS, saying how much was left out. */
export function clipLine(line: string): string {
  return line.length <= REPORT_LINE_CHARS ? line : `${line.slice(0, REPORT_LINE_CHARS)}... (${line.length - REPORT_LINE_CHARS} more characters)`;
}

/** Every line of a text cut the same way. */
export function clipLines(text: string): string {
  return text.split("\n").map(clipLine).join("\n");
}
