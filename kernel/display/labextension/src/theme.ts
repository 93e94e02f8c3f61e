/**
 * JupyterLab's light or dark theme, as plotly.js colours. JupyterLab marks
 * the page with `data-jp-theme-light` on <body> and changes it in place when
 * the user switches theme.
 */

export function isDarkTheme(): boolean {
  return document.body.dataset.jpThemeLight === "false";
}

/** Calls `changed` whenever the theme switches; returns the function that stops watching. */
export function onThemeChange(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  return () => observer.disconnect();
}

/**
 * The figure's layout for this theme. A figure that picks its own background
 * or template is drawn as its author chose (a light card on a dark page, as
 * the course site does); one that leaves them unset gets a transparent
 * background and the theme's text and grid colours from JupyterLab's CSS.
 */
export function themedLayout(layout: Record<string, unknown>, dark: boolean): Record<string, unknown> {
  if (!dark || "paper_bgcolor" in layout || "plot_bgcolor" in layout || "template" in layout) return layout;
  const css = getComputedStyle(document.body);
  const text = css.getPropertyValue("--jp-ui-font-color1").trim() || "#e0e0e0";
  const grid = css.getPropertyValue("--jp-border-color2").trim() || "#424242";
  // A template only fills what the figure leaves unset, so the figure's own choices still win.
  const axis = { gridcolor: grid, zerolinecolor: grid, linecolor: grid };
  const template = { layout: { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: text }, xaxis: axis, yaxis: axis } };
  return { ...layout, template };
}
