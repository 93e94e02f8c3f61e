import MarkdownIt = require("markdown-it");
import { highlightCode } from "./highlight";
import { MathSlots, mathPlugin } from "./math";
import { joinText, type Attachments } from "../notebook/nbformat";
import { DATA_URI_IMAGE_TYPES, sanitize } from "./sanitize";

/** A heading found while rendering a page, for its table of contents. */
export interface Heading {
  level: number;
  id: string;
  /** Inline HTML of the heading (math rendered, sanitized unless trusted), for the TOC and the index. */
  html: string;
  /** Plain text (math as its TeX source), for <title> and ids. */
  text: string;
  /** The heading's Markdown source. */
  source: string;
}

/** What one page's cells share while they are rendered. */
export interface PageEnv {
  headings: Heading[];
  /** Ids already used on the page, so two "Example" headings get distinct anchors. */
  ids: Set<string>;
}

export function newPageEnv(): PageEnv {
  return { headings: [], ids: new Set() };
}

type RenderEnv = MarkdownIt.Env & { math: MathSlots; page: PageEnv };

function slug(text: string, taken: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "section";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** A heading's text without markup; what sits inside <script> or <style> is not text. */
function plainText(children: MarkdownIt.Token[]): string {
  let insideCode = 0;
  let text = "";
  for (const child of children) {
    if (child.type === "html_inline") {
      if (/^<(script|style)\b/i.test(child.content)) insideCode++;
      else if (/^<\/(script|style)\b/i.test(child.content)) insideCode = Math.max(0, insideCode - 1);
    } else if (insideCode === 0) {
      text += child.content;
    }
  }
  return text.replace(/\s+/g, " ").trim();
}

/** Gives every heading an id and records it for the table of contents. */
const headingIds = (md: MarkdownIt.MarkdownIt): void => {
  md.core.ruler.push("gl_heading_ids", (state) => {
    const env = state.env as RenderEnv;
    state.tokens.forEach((token, i) => {
      const inline = state.tokens[i + 1];
      if (token.type !== "heading_open" || !inline) return;
      const text = plainText(inline.children ?? []);
      const id = slug(text, env.page.ids);
      token.attrSet("id", id);
      env.page.headings.push({ level: Number(token.tag.slice(1)), id, text, source: inline.content, html: "" });
    });
  });
};

function createRenderer() {
  const md = new MarkdownIt({
    html: true, // raw HTML is kept, then sanitized unless the notebook is trusted
    linkify: false,
    typographer: false,
    highlight: (code, lang) => {
      const html = highlightCode(code, lang || "");
      return `<pre class="gl-code"><code class="hljs">${html}</code></pre>`;
    },
  });
  md.use(mathPlugin);
  md.use(headingIds);
  return md;
}

const md = createRenderer();

/**
 * Markdown (a cell, or a `text/markdown` output) to HTML with math rendered
 * by KaTeX and code highlighted. Untrusted HTML is sanitized before the math
 * is put back in (see `MathSlots`).
 */
export function renderMarkdown(source: string, page: PageEnv, trusted: boolean, attachments: Attachments = {}): string {
  const env: RenderEnv = { math: new MathSlots(), page };
  const before = page.headings.length;
  const html = inlineAttachments(md.render(source, env), attachments);
  const safe = trusted ? html : sanitize(html);
  for (const heading of page.headings.slice(before)) heading.html = renderInlineMarkdown(heading.source, trusted);
  return env.math.fill(safe);
}

/**
 * A markdown cell's `attachment:NAME` image sources (pasted images, in
 * Markdown or raw <img>) become data URIs, so the page needs no other file.
 * A name with no usable image keeps its source, which the sanitizer drops
 * (no request may leave the page) and a trusted page shows as a broken image.
 */
function inlineAttachments(html: string, attachments: Attachments): string {
  return html.replace(/(\ssrc=)(["'])attachment:([^"']*)\2/gi, (whole, attribute: string, quote: string, encoded: string) => {
    const bundle = attachments[decodeEntities(safeDecodeURI(encoded))] ?? attachments[encoded];
    const mime = DATA_URI_IMAGE_TYPES.find((type) => bundle?.[type] !== undefined);
    if (!bundle || !mime) return whole;
    return `${attribute}${quote}data:${mime};base64,${joinText(bundle[mime] ?? "").replace(/\s+/g, "")}${quote}`;
  });
}

function safeDecodeURI(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** markdown-it escapes `&` in attributes; attachment names are matched as written. */
function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** One line of Markdown (a title or a summary) as inline HTML, always sanitized. */
export function renderInlineMarkdown(source: string, trusted = false): string {
  const env: RenderEnv = { math: new MathSlots(), page: newPageEnv() };
  const html = md.renderInline(source, env);
  return env.math.fill(trusted ? html : sanitize(html));
}

/** The first paragraph of a Markdown source (its raw text), or "" if there is none. */
export function firstParagraph(source: string): string {
  const tokens = md.parse(source, { math: new MathSlots(), page: newPageEnv() });
  const open = tokens.findIndex((t) => t.type === "paragraph_open");
  return open >= 0 ? (tokens[open + 1]?.content ?? "") : "";
}
