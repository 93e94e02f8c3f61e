import type { Heading } from "./markdown";
import { escapeHtml } from "./sanitize";

/** A link to another page of the site (relative, so the site works from file://). */
export interface PageLink {
  file: string;
  titleHtml: string;
}

function head(title: string, withPlotly: boolean, live = false): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradient-lab export">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/site.css">
<script src="assets/theme.js"></script>${withPlotly ? '\n<script defer src="assets/plotly.js"></script>' : ""}
<script defer src="assets/site.js"></script>${live ? '\n<script defer src="assets/live-worker.js"></script>\n<script defer src="assets/live-page.js"></script>' : ""}
</head>`;
}

function topBar(courseTitle: string): string {
  return `<header class="gl-bar">
<a class="gl-home" href="index.html">${escapeHtml(courseTitle)}</a>
<button type="button" class="gl-theme-toggle" aria-label="Switch between light and dark theme">Theme</button>
</header>`;
}

function pager(prev: PageLink | undefined, next: PageLink | undefined): string {
  const link = (page: PageLink | undefined, rel: "prev" | "next", arrow: string) =>
    page ? `<a class="gl-${rel}" rel="${rel}" href="${escapeHtml(page.file)}">${rel === "prev" ? arrow + " " : ""}${page.titleHtml}${rel === "next" ? " " + arrow : ""}</a>` : "<span></span>";
  return `<nav class="gl-pager" aria-label="Previous and next page">${link(prev, "prev", "←")}<a class="gl-up" href="index.html">Contents</a>${link(next, "next", "→")}</nav>`;
}

/** The table of contents lists headings down to level 3; deeper ones clutter it. */
function toc(headings: Heading[]): string {
  const items = headings
    .filter((h) => h.level <= 3)
    .map((h) => `<li class="gl-toc-${h.level}"><a href="#${escapeHtml(h.id)}">${h.html}</a></li>`)
    .join("\n");
  return items ? `<nav class="gl-toc" aria-label="On this page"><p class="gl-toc-title">On this page</p><ul>\n${items}\n</ul></nav>` : "";
}

export interface NotebookPageParts {
  courseTitle: string;
  title: string;
  headings: Heading[];
  body: string;
  figures: number;
  prev?: PageLink;
  next?: PageLink;
}

/** A whole notebook page around its rendered cells. */
export function notebookPage(p: NotebookPageParts): string {
  return `${head(`${p.title} · ${p.courseTitle}`, p.figures > 0, true)}
<body class="gl-page">
${topBar(p.courseTitle)}
${pager(p.prev, p.next)}
<div class="gl-layout">
${toc(p.headings)}
<main class="gl-notebook">
${p.body}
</main>
</div>
${pager(p.prev, p.next)}
</body>
</html>
`;
}

export interface IndexEntry extends PageLink {
  summaryHtml: string;
}

/** The course's front page: every notebook in order with its one-line summary. */
export function indexPage(courseTitle: string, entries: IndexEntry[], introHtml = ""): string {
  const items = entries
    .map((e) => `<li><a class="gl-index-link" href="${escapeHtml(e.file)}">${e.titleHtml}</a>${e.summaryHtml ? `<p class="gl-summary">${e.summaryHtml}</p>` : ""}</li>`)
    .join("\n");
  return `${head(courseTitle, false)}
<body class="gl-index">
${topBar(courseTitle)}
<main class="gl-notebook">
<h1>${escapeHtml(courseTitle)}</h1>
${introHtml ? `<div class="gl-intro">${introHtml}</div>\n` : ""}<ol class="gl-course">
${items}
</ol>
</main>
</body>
</html>
`;
}
