import katex from "katex";
import MarkdownIt = require("markdown-it");

type StateBlock = MarkdownIt.StateBlock;
type StateInline = MarkdownIt.StateInline;

/** LaTeX to HTML with KaTeX at build time, so pages need no script and no network for math. */
export function renderLatex(tex: string, displayMode: boolean): string {
  // throwOnError false: a typo in one equation shows in red instead of failing the export.
  // trust false (the default) keeps \href, \htmlId and friends out of untrusted notebooks.
  return katex.renderToString(tex, { displayMode, throwOnError: false, strict: "ignore", output: "htmlAndMathml" });
}

/**
 * Where math is kept while the rest of the Markdown is rendered and sanitized.
 * The math tokens render as placeholders; `fill` swaps in the KaTeX HTML after
 * sanitizing, so the sanitizer never has to allow KaTeX's tags and styles.
 * The placeholder carries a random nonce so notebook text cannot forge one.
 */
export class MathSlots {
  private readonly nonce = Math.random().toString(36).slice(2, 10);
  private readonly html: string[] = [];

  add(tex: string, displayMode: boolean): string {
    this.html.push(renderLatex(tex, displayMode));
    return `glmath${this.nonce}n${this.html.length - 1}e`;
  }

  fill(text: string): string {
    return text.replace(new RegExp(`glmath${this.nonce}n(\\d+)e`, "g"), (whole, i: string) => this.html[Number(i)] ?? whole);
  }
}

/** Index of the next unescaped `delimiter` at or after `from`, or -1. */
function findClosing(src: string, delimiter: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (src[i] === "\\") {
      i++;
      continue;
    }
    if (src.startsWith(delimiter, i)) return i;
  }
  return -1;
}

const isSpace = (ch: string | undefined): boolean => ch === undefined || /\s/.test(ch);

/** `$...$` (inline) and `$$...$$` (display) inside a paragraph or table cell. */
function inlineMath(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src[pos] !== "$") return false;
  const display = src[pos + 1] === "$";
  const delimiter = display ? "$$" : "$";
  const start = pos + delimiter.length;
  // Pandoc's rule for a single $: no space just inside the delimiters and no
  // digit right after the closing one, so "costs $5 and $6" stays text.
  if (!display && isSpace(src[start])) return false;
  const close = findClosing(src, delimiter, start, posMax);
  if (close < 0 || close === start) return false;
  if (!display && (isSpace(src[close - 1]) || /\d/.test(src[close + 1] ?? ""))) return false;
  if (!silent) {
    const token = state.push(display ? "math_display" : "math_inline", "", 0);
    token.content = src.slice(start, close);
  }
  state.pos = close + delimiter.length;
  return true;
}

/** A block that starts a line with `$$` and ends with `$$`, possibly lines later. */
function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (line: number) => state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
  const first = lineText(startLine);
  if (!first.startsWith("$$") || state.sCount[startLine]! - state.blkIndent >= 4) return false;
  let body = first.slice(2);
  let line = startLine;
  let closed = body.trimEnd().endsWith("$$");
  if (closed) {
    body = body.trimEnd().slice(0, -2);
    // "$$a$$ and more" on one line is inline math inside a paragraph.
  } else {
    while (++line < endLine) {
      const text = lineText(line);
      if (text.trimEnd().endsWith("$$")) {
        body += "\n" + text.trimEnd().slice(0, -2);
        closed = true;
        break;
      }
      body += "\n" + text;
    }
  }
  if (!closed || body.trim() === "" || body.includes("$$")) return false;
  if (silent) return true;
  const token = state.push("math_block", "", 0);
  token.content = body.trim();
  token.map = [startLine, line + 1];
  token.block = true;
  state.line = line + 1;
  return true;
}

/** Adds `$`/`$$` math to a markdown-it instance; slots are taken from `env.math`. */
export const mathPlugin = (md: MarkdownIt.MarkdownIt): void => {
  md.inline.ruler.after("escape", "math_inline", inlineMath);
  md.block.ruler.before("fence", "math_block", blockMath, { alt: ["paragraph", "reference", "blockquote", "list"] });
  const slots = (env: MarkdownIt.Env | undefined): MathSlots => {
    const math = env?.math;
    if (!(math instanceof MathSlots)) throw new Error("markdown rendered without a MathSlots in env.math");
    return math;
  };
  md.renderer.rules.math_inline = (tokens, i, _opts, env) => slots(env).add(tokens[i]!.content, false);
  md.renderer.rules.math_display = (tokens, i, _opts, env) => slots(env).add(tokens[i]!.content, true);
  md.renderer.rules.math_block = (tokens, i, _opts, env) => `<div class="gl-math">${slots(env).add(tokens[i]!.content, true)}</div>\n`;
};
