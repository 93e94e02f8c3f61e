import { createContext, Script } from "node:vm";

/**
 * A regular expression from a notebook's metadata is input, and some
 * patterns take exponential time on some text (`(a+)+$` on "aaaa…!").
 * V8's regex engine can only be stopped from outside the running code, so
 * the replacement runs as a vm script with a timeout: the pattern gets its
 * time, then an error says which pattern it was.
 */
const REPLACE = new Script("text.replace(new RegExp(pattern, 'gm'), replacement)");
const context = createContext({ text: "", pattern: "", replacement: "" });

export class PatternTimeoutError extends Error {}

export function boundedReplace(text: string, pattern: string, replacement: string, limitMs: number, where: string): string {
  Object.assign(context, { text, pattern, replacement });
  try {
    return REPLACE.runInContext(context, { timeout: Math.max(1, Math.floor(limitMs)) }) as string;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new PatternTimeoutError(`${where}: sanitize regex ${JSON.stringify(pattern)} ran longer than ${Math.round(limitMs)} ms on one output (it backtracks without end; make it simpler)`);
    }
    throw error;
  } finally {
    Object.assign(context, { text: "", pattern: "", replacement: "" });
  }
}
