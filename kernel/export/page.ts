import { highlightCode } from "./highlight";
import { firstParagraph, newPageEnv, renderInlineMarkdown, renderMarkdown, type Heading } from "./markdown";
import { joinText, type Notebook } from "../notebook/nbformat";
import { countFigures, jsonForScript, renderOutput } from "./outputs";
import { escapeHtml } from "./sanitize";

/** How code cells appear: shown, folded behind a "Code" toggle, or left out (outputs stay). */
export type CodeMode = "show" | "fold" | "hide";

/** One notebook rendered: its page body and what the index and the report need. */
export interface RenderedNotebook {
  /** Plain-text title for <title>: the first heading, else the file name. */
  title: string;
  /** The first heading as inline HTML (math rendered, sanitized). */
  titleHtml: string;
  /** The first paragraph as inline HTML, always sanitized (it goes into the index). */
  summaryHtml: string;
  headings: Heading[];
  /** The cells as HTML, to go inside the page's <main>. */
  body: string;
  figures: number;
}

function renderCodeInput(source: string, language: string, mode: CodeMode): string {
  if (mode === "hide" || source.trim() === "") return "";
  const pre = `<pre class="gl-input"><code class="hljs">${highlightCode(source, language)}</code></pre>`;
  return mode === "fold" ? `<details class="gl-fold"><summary>Code</summary>${pre}</details>` : pre;
}

/**
 * The index shows one line per notebook: the first sentence of its first
 * paragraph (a sentence ends at . ! or ? followed by a capital letter).
 */
export function firstSentence(paragraph: string): string {
  const flat = paragraph.replace(/\s*\n\s*/g, " ").trim();
  const end = /[.!?](?=\s+[A-Z])/.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}

/** The language the notebook's code is in (`metadata.language_info.name`), for the highlighter. */
function notebookLanguage(nb: Notebook): string {
  const name = (nb.metadata.language_info as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : "typescript";
}

/** Renders every cell of a notebook; `trusted` lets its HTML through unsanitized. `file` names it in errors. */
export function renderNotebook(nb: Notebook, file: string, fallbackTitle: string, code: CodeMode, trusted: boolean): RenderedNotebook {
  const env = newPageEnv();
  let summarySource = "";
  const parts = nb.cells.map((cell, i) => {
    const label = `${file}: cell ${i + 1}`;
    const source = joinText(cell.source);
    switch (cell.cell_type) {
      case "markdown":
        if (!summarySource) summarySource = firstParagraph(source);
        return `<section class="gl-cell gl-markdown">${renderMarkdown(source, env, trusted, cell.attachments)}</section>`;
      case "code": {
        const input = renderCodeInput(source, notebookLanguage(nb), code);
        const outputs = cell.outputs.map((o, j) => renderOutput(o, env, trusted, `${label}, output ${j + 1}`)).join("\n");
        if (source.trim() === "" && !outputs) return "";
        // The cell's source as data for the page's editor (live/page.ts), numbered as the regression harness numbers cells.
        const live = source.trim() === "" ? "" : ` data-cell="${i + 1}"`;
        const island = live ? `<script type="application/json" class="gl-cell-source">${jsonForScript(source)}</script>` : "";
        return `<section class="gl-cell gl-code-cell"${live}>${input}${island}${outputs ? `<div class="gl-outputs">${outputs}</div>` : ""}</section>`;
      }
      case "raw":
        return ""; // raw cells are meant for other output formats (LaTeX, reST), not this site
    }
  });
  const first = env.headings[0];
  return {
    title: first?.text || fallbackTitle,
    // Titles go into the index and other pages' links: sanitized even for trusted notebooks.
    titleHtml: first ? renderInlineMarkdown(first.source) : escapeHtml(fallbackTitle),
    summaryHtml: summarySource ? renderInlineMarkdown(firstSentence(summarySource)) : "",
    headings: env.headings,
    body: parts.filter(Boolean).join("\n"),
    figures: nb.cells.reduce((n, cell) => n + (cell.cell_type === "code" ? countFigures(cell.outputs) : 0), 0),
  };
}
