import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PLOTLY_MIME } from "../../names";
import { loadPlotly, type PlotlyApi } from "./load-plotly";
import { isDarkTheme, onThemeChange, themedLayout } from "./theme";

/**
 * JupyterLab's renderer for Plotly figures: it draws the output's JSON with
 * plotly.js and runs nothing from the notebook, so JupyterLab may use it for
 * untrusted outputs too (`safe`), ranked ahead of text/html (rank 0, as
 * jupyterlab-plotly does) so the bundle's script fallback is never chosen.
 */

interface PlotlyFigure {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

/** One drawn figure; it redraws on theme changes, resizes with its panel and frees plotly.js's state when it goes. */
class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private plotly: PlotlyApi | null = null;
  private figure: PlotlyFigure | null = null;
  private readonly stopWatchingTheme: () => void;
  // A panel resized by dragging, a sidebar opened or a window resized all change this node's width; Lumino's
  // resize messages do not reach every output, the observer sees them all.
  private readonly resizeObserver = new ResizeObserver(() => {
    if (this.plotly && this.node.getAttribute("data-drawn")) void this.plotly.Plots.resize(this.node);
  });

  constructor(private readonly mimeType: string) {
    super();
    this.addClass("gradient-lab-plotly");
    this.stopWatchingTheme = onThemeChange(() => void this.draw());
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.figure = readFigure(model.data[this.mimeType]);
    try {
      this.plotly = await loadPlotly();
    } catch (error) {
      this.node.textContent = (error as Error).message;
      return;
    }
    await this.draw();
  }

  private async draw(): Promise<void> {
    if (!this.plotly || !this.figure || this.isDisposed) return;
    const { data, layout, config, frames } = this.figure;
    // react() on a node that is not drawn yet behaves as newPlot(); later calls (theme changes) redraw in place.
    await this.plotly.react(this.node, { data, layout: themedLayout(layout ?? {}, isDarkTheme()), config: config ?? {}, frames });
    this.node.setAttribute("data-drawn", "true");
    this.resizeObserver.observe(this.node);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stopWatchingTheme();
    this.resizeObserver.disconnect();
    if (this.plotly) this.plotly.purge(this.node);
    super.dispose();
  }
}

/** The output's JSON (an object, or a string of JSON from older writers) as a figure, or a clear error. */
function readFigure(value: unknown): PlotlyFigure {
  const figure = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (typeof figure !== "object" || figure === null || !Array.isArray((figure as PlotlyFigure).data)) {
    throw new Error(`${PLOTLY_MIME} output has no "data" list`);
  }
  return figure as PlotlyFigure;
}

const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: 0,
  createRenderer: (options) => new PlotlyRenderer(options.mimeType),
};

const extension: IRenderMime.IExtension = {
  id: "gradient-lab-plotly:renderer",
  rendererFactory,
  rank: 0,
  dataType: "json",
};

export default extension;
