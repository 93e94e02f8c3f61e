import type { Engine } from "./engine";

export type IsCompleteReply = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/**
 * is_complete_request, for consoles deciding whether Enter runs the code:
 * complete when TypeScript parses it; incomplete when the only trouble is at
 * its end (a block, call or template left open), with tslab's indent for the
 * next line; invalid when more lines cannot mend it. Two blank lines at the
 * end force "complete", as in tslab and IPython.
 */
export function isComplete(engine: Engine, code: string): IsCompleteReply {
  if (/(^|\n)\s*\n\s*$/.test(code)) return { status: "complete" };
  const ts = engine.typescript;
  const problems = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics ?? [];
  if (problems.length === 0) return { status: "complete" };
  const openAtEnd = problems.every((problem) => {
    const message = typeof problem.messageText === "string" ? problem.messageText : "";
    const atEnd = problem.start === code.length && !problem.length;
    return (atEnd && message.endsWith(" expected.")) || message.startsWith("Unterminated template literal");
  });
  if (!openAtEnd) return { status: "invalid" };
  const tslab = engine.isCompleteCode(code);
  return { status: "incomplete", indent: tslab.indent ?? "" };
}
