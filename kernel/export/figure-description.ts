/**
 * A figure's text alternative, built from what the figure says about itself:
 * its title (and subtitle), its axis titles, the names of its series, and
 * whether a slider steps through frames. A screen reader gets this instead of
 * an SVG it cannot read; the notebook's own text/plain line ("Figure: title")
 * is the same idea for JupyterLab.
 */
interface TitleLike {
  title?: string | { text?: unknown };
}

const MOST_SERIES_NAMED = 8;

/** Plotly titles may carry markup (`<br>`, `<sup>`); the description wants the words. */
function plainText(text: string): string {
  return text.replace(/<br\s*\/?>/gi, ". ").replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

function titleOf(part: TitleLike | undefined): string {
  const title = part?.title;
  const text = typeof title === "string" ? title : typeof title?.text === "string" ? title.text : "";
  return plainText(text);
}

/** "x: step, y: loss", with "panel 2" for a second pair of axes (xaxis2, yaxis2). */
function axesOf(layout: Record<string, unknown>): string[] {
  const panels = new Map<string, string[]>();
  for (const [key, value] of Object.entries(layout)) {
    const match = /^([xy])axis(\d*)$/.exec(key);
    const title = match ? titleOf(value as TitleLike) : "";
    if (!match || !title) continue;
    const panel = match[2] || "1";
    panels.set(panel, [...(panels.get(panel) ?? []), `${match[1]}: ${title}`]);
  }
  return [...panels.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([panel, axes]) => (panels.size > 1 ? `panel ${panel}, ${axes.join(", ")}` : axes.join(", ")));
}

export function describeFigure(figure: { data?: unknown; layout?: unknown; frames?: unknown }): string {
  const layout = (typeof figure.layout === "object" && figure.layout !== null ? figure.layout : {}) as Record<string, unknown>;
  const title = titleOf(layout as TitleLike);
  const names = [...new Set((Array.isArray(figure.data) ? figure.data : []).map((trace) => (typeof trace?.name === "string" ? plainText(trace.name) : "")).filter(Boolean))];
  const parts = [title ? `Figure: ${title}.` : "Figure."];
  const axes = axesOf(layout);
  if (axes.length > 0) parts.push(`Axes: ${axes.join("; ")}.`);
  if (names.length > 0) {
    const shown = names.slice(0, MOST_SERIES_NAMED).join(", ");
    parts.push(`Series: ${shown}${names.length > MOST_SERIES_NAMED ? `, and ${names.length - MOST_SERIES_NAMED} more` : ""}.`);
  }
  if (Array.isArray(figure.frames) && figure.frames.length > 0) parts.push(`A slider steps through ${figure.frames.length} frames.`);
  return parts.join(" ").replace(/\.\s*\./g, ".");
}
