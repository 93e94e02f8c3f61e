import { createHash } from "node:crypto";
import type { Figure } from "../../src/plots/figure";
import { PLOTLY_MIME } from "./names";

/** One Jupyter output: every representation of the same thing, keyed by MIME type. */
export type MimeBundle = Record<string, unknown>;

/**
 * Where the classic Notebook serves plotly.js from (`installPlotlyNbextension`
 * puts it there), as a requirejs module name under the server's base URL
 * (the notebook page's `data-base-url`), so nothing leaves the machine.
 */
export const PLOTLY_NBEXTENSION_MODULE = "nbextensions/gradient-lab/plotly.min";

/** How long the HTML keeps looking for a plotly.js the page loads late (a deferred script) after saying what is missing. */
const WAIT_FOR_PLOTLY_MS = 30_000;

/** What the HTML says at once on a page with neither plotly.js nor requirejs: JupyterLab or Notebook 7 without our renderer. */
export const NEEDS_LAB_EXTENSION = "This figure needs gradient-lab's Plotly renderer: run 'gradient-lab kernel install' (JupyterLab, Notebook 7), then reload the page.";
/** What it says in the classic Notebook when the server has no plotly.js to give requirejs. */
export const NEEDS_NBEXTENSION = "This figure needs plotly.js from the Notebook server: run 'gradient-lab kernel install' (classic Notebook), then reload the page.";

/**
 * The three representations of a figure: Plotly's own JSON (JupyterLab with
 * the plotly extension, VS Code, our course export), HTML that draws it with
 * plotly.js (classic Notebook, nbconvert HTML) and a line of text for
 * terminals. plotly.js itself is never copied into the output.
 */
export function figureBundle(figure: Figure, elementId: string): MimeBundle {
  checkFigure(figure);
  return {
    [PLOTLY_MIME]: plotlyJson(figure),
    "text/html": figureHtml(figure, elementId),
    "text/plain": `Figure: ${figureTitle(figure)}`,
  };
}

/** The title without its HTML (a subtitle after <br> is dropped). */
export function figureTitle(figure: Figure): string {
  const title = figure.layout.title;
  const text = typeof title === "string" ? title : title?.text;
  if (!text) return "untitled";
  return text.split(/<br\s*\/?>/i)[0]!.replace(/<[^>]*>/g, "").trim() || "untitled";
}

/** A stable element id for a figure: the same figure shown as the nth time in a session gets the same id. */
export function figureElementId(figure: Figure, occurrence: number): string {
  checkFigure(figure);
  const digest = createHash("sha256").update(JSON.stringify(figure)).digest("hex").slice(0, 12);
  return `gradient-lab-figure-${digest}-${occurrence}`;
}

/** The figure as Plotly's JSON: `frames` only when it has some (animations, sliders that step through frames). */
function plotlyJson(figure: Figure): Record<string, unknown> {
  const json: Record<string, unknown> = { data: figure.data, layout: figure.layout, config: figure.config ?? {} };
  if (figure.frames) json.frames = figure.frames;
  return json;
}

/**
 * A <div> and a script that draws the figure into it once plotly.js is
 * there. In the classic Notebook plotly.js is missing but requirejs is not,
 * so the script asks requirejs for the copy the notebook server serves.
 * nbconvert's HTML loads plotly.js itself. A page with neither is JupyterLab
 * or Notebook 7 without our renderer (with it, they never pick this HTML):
 * the figure says so at once, in one line.
 */
export function figureHtml(figure: Figure, elementId: string): string {
  if (!/^[A-Za-z][\w-]*$/.test(elementId)) throw new Error(`figureHtml: element id '${elementId}' must be letters, digits, '-' or '_'`);
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 450;
  const json = scriptSafeJson(plotlyJson(figure));
  return `<div id="${elementId}" class="gradient-lab-figure" style="width: 100%; min-height: ${height}px;"></div>
<script type="text/javascript">
(function () {
  var id = ${JSON.stringify(elementId)};
  var figure = ${json};
  function draw(Plotly) {
    var element = document.getElementById(id);
    if (element && !element.getAttribute("data-drawn")) {
      element.setAttribute("data-drawn", "true");
      element.textContent = "";
      Plotly.newPlot(element, figure);
    }
  }
  function say(text) {
    var element = document.getElementById(id);
    if (element) element.textContent = text;
  }
  // Says at once what is missing, then still draws if the page loads plotly.js late (a deferred script).
  function explainThenWait(text) {
    say(text);
    var waited = 0;
    var timer = setInterval(function () {
      if (window.Plotly) { clearInterval(timer); draw(window.Plotly); return; }
      waited += 100;
      if (waited >= ${WAIT_FOR_PLOTLY_MS}) clearInterval(timer);
    }, 100);
  }
  if (window.Plotly) { draw(window.Plotly); return; }
  var base = document.body && document.body.getAttribute("data-base-url");
  if (typeof window.require === "function" && typeof window.require.config === "function" && base) {
    // A requirejs context of our own, without the notebook's 30 s load timeout: 5 MB over a slow link takes longer.
    // A missing file still fails at once (the script's error event).
    var load = window.require.config({ context: "gradient-lab", baseUrl: base, waitSeconds: 0 });
    load([${JSON.stringify(PLOTLY_NBEXTENSION_MODULE)}], function (Plotly) {
      window.Plotly = window.Plotly || Plotly;
      draw(window.Plotly);
    }, function () { explainThenWait(${JSON.stringify(NEEDS_NBEXTENSION)}); });
    return;
  }
  explainThenWait(${JSON.stringify(NEEDS_LAB_EXTENSION)});
})();
</script>`;
}

/** Equations and tables: Markdown with $...$ LaTeX, which the Notebook renders with MathJax. */
export function markdownBundle(markdown: string): MimeBundle {
  if (typeof markdown !== "string") throw new Error(`showMarkdown: expected Markdown text, got ${typeof markdown}`);
  return { "text/markdown": markdown, "text/plain": markdown };
}

function checkFigure(figure: Figure): void {
  if (typeof figure !== "object" || figure === null || !Array.isArray(figure.data) || typeof figure.layout !== "object" || figure.layout === null) {
    throw new Error("show: expected a figure { data: [...], layout: {...} }, as the plot builders of gradient-lab return");
  }
}

/** JSON that is safe inside a <script> element: no "</script>" or "<!--" can end or confuse it. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
