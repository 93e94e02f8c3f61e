import hljs from "highlight.js";
import { escapeHtml } from "./sanitize";

/**
 * Source code as highlighted HTML, done at build time so pages need no
 * highlighter script. highlight.js escapes the code it wraps in spans; an
 * unknown language falls back to plain escaped text rather than guessing.
 */
export function highlightCode(code: string, language: string): string {
  const name = language.toLowerCase();
  if (name && hljs.getLanguage(name)) return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  return escapeHtml(code);
}
