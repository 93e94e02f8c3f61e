import { PLOTLY_MIME, TOPOJSON_FOLDER } from "../display/names";
import { leftOutNote, trustedFigure, untrustedFigure } from "../display/untrusted-figure";
import { renderLatex } from "./math";
import { renderMarkdown, type PageEnv } from "./markdown";
import { joinText, type Output } from "../notebook/nbformat";
import { describeFigure } from "./figure-description";
import { escapeHtml, sanitize } from "./sanitize";

/** Terminal colour codes (tracebacks, coloured logs) mean nothing in a page. */
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");

/**
 * JSON that is safe inside `<script type="application/json">`: escaping `<`
 * means no string in the figure can close the script element early.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Where a page's figures find their maps (written by assets.ts; site.js hands them to plotly.js before it would fetch). */
const SITE_MAPS = `assets/${TOPOJSON_FOLDER}/`;

/**
 * A Plotly figure as an inert data island plus an empty box; the site's one
 * script (assets/site.js) draws it. The notebook's own `text/html` part is
 * never used, so an untrusted notebook cannot run code through its figures,
 * and what would load from the network is left out of it, with a note.
 */
function renderFigure(figure: unknown, label: string, trusted: boolean): string {
  let f = figure as { data?: unknown; layout?: unknown; config?: unknown; frames?: unknown } | null;
  if (typeof figure === "string") {
    // Some writers store JSON MIME types as text; nbformat says object, but both mean the same figure.
    try {
      f = JSON.parse(figure);
    } catch {
      throw new Error(`${label}: ${PLOTLY_MIME} output is a string that is not JSON`);
    }
  }
  if (typeof f !== "object" || f === null || !Array.isArray(f.data)) {
    throw new Error(`${label}: ${PLOTLY_MIME} output has no "data" list`);
  }
  const authored = { data: f.data, layout: f.layout ?? {}, config: f.config ?? {}, ...(Array.isArray(f.frames) ? { frames: f.frames } : {}) };
  const { figure: island, leftOut } = trusted ? { figure: trustedFigure(authored, SITE_MAPS), leftOut: [] } : untrustedFigure(authored, SITE_MAPS);
  const note = leftOut.length === 0 ? "" : `<figcaption class="gl-note gl-remote-note">${escapeHtml(leftOutNote(leftOut))} (Export with --trust-marked for a notebook marked trusted.)</figcaption>`;
  // The figure's text alternative: in the page for screen readers and text browsers, hidden from sight
  // (a figcaption would clash with the remote note, and a figure holds one).
  const description = `<p class="gl-figure-description gl-visually-hidden">${escapeHtml(describeFigure(authored))}</p>`;
  return `<figure class="gl-figure"><div class="gl-plot"></div><script type="application/json" class="gl-figure-data">${jsonForScript(island)}</script>${description}${note}</figure>`;
}

type MimeBundle = Record<string, unknown>;

/** A text MIME value, stored as one string or as a list of lines. */
const text = (bundle: MimeBundle, mime: string): string | undefined => {
  const value = bundle[mime];
  if (typeof value === "string") return value;
  return Array.isArray(value) && value.every((line) => typeof line === "string") ? joinText(value) : undefined;
};

function renderImage(bundle: MimeBundle, mime: string): string | undefined {
  const data = text(bundle, mime);
  if (data === undefined) return undefined;
  // SVG goes in as a data URI too: scripts inside an <img>'s SVG never run.
  const base64 = mime === "image/svg+xml" ? Buffer.from(data, "utf8").toString("base64") : data.replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/=]*$/.test(base64)) return undefined;
  return `<img class="gl-image" alt="" src="data:${mime};base64,${base64}">`;
}

/** One rich output: the richest MIME type the site can show safely wins. */
function renderBundle(bundle: MimeBundle, page: PageEnv, trusted: boolean, label: string): string {
  if (PLOTLY_MIME in bundle) return renderFigure(bundle[PLOTLY_MIME], label, trusted);
  const html = text(bundle, "text/html");
  if (html !== undefined) return `<div class="gl-html">${trusted ? html : sanitize(html)}</div>`;
  for (const mime of ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]) {
    const image = mime in bundle ? renderImage(bundle, mime) : undefined;
    if (image) return image;
  }
  const markdown = text(bundle, "text/markdown");
  if (markdown !== undefined) return `<div class="gl-markdown">${renderMarkdown(markdown, page, trusted)}</div>`;
  const latex = text(bundle, "text/latex");
  if (latex !== undefined) {
    const tex = latex.trim().replace(/^\$\$?([\s\S]*?)\$?\$$/, "$1");
    return `<div class="gl-math">${renderLatex(tex, true)}</div>`;
  }
  const plain = text(bundle, "text/plain");
  if (plain !== undefined) return `<pre class="gl-text">${escapeHtml(stripAnsi(plain))}</pre>`;
  return `<pre class="gl-text gl-unknown">(output of type ${escapeHtml(Object.keys(bundle).join(", "))} not shown)</pre>`;
}

/** HTML for one output; `label` names the notebook and cell in error messages. */
export function renderOutput(output: Output, page: PageEnv, trusted: boolean, label: string): string {
  switch (output.output_type) {
    case "stream": {
      const kind = output.name === "stderr" ? "gl-stderr" : "gl-stdout";
      return `<pre class="gl-stream ${kind}">${escapeHtml(stripAnsi(joinText(output.text)))}</pre>`;
    }
    case "error": {
      const trace = output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<pre class="gl-error">${escapeHtml(stripAnsi(trace))}</pre>`;
    }
    default:
      return renderBundle(output.data, page, trusted, label);
  }
}

/** How many figures an output list displays (what the browser test counts). */
export function countFigures(outputs: Output[]): number {
  return outputs.filter((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in o.data).length;
}
