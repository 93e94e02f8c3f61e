import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PLOTLY_MIME } from "../../names";
import { leftOutNote, trustedFigure, untrustedFigure } from "../../untrusted-figure";
import { loadPlotly, staticFolderUrl, type PlotlyApi } from "./load-plotly";
import { isDarkTheme, onThemeChange, themedLayout } from "./theme";

/**
 * JupyterLab's renderer for Plotly figures: it draws the output's JSON with
 * plotly.js and runs nothing from the notebook, so JupyterLab may use it for
 * untrusted outputs too (`safe`), ranked ahead of text/html (rank 0, as
 * jupyterlab-plotly does) so the bundle's script fallback is never chosen.
 */

interface PlotlyFigure {
  [key: string]: unknown;
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

/** Plotly cannot lay out a plot with no box: one JupyterLab has hidden (a collapsed output, a closed tab) or detached. */
function isDisplayed(node: HTMLElement): boolean {
  return node.isConnected && node.getClientRects().length > 0;
}

/**
 * One drawn figure; it redraws on theme changes, resizes with its panel and
 * frees plotly.js's state when it goes. The widget holds the plot and, for an
 * untrusted figure that lost something, a one-line note under it.
 */
class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private plotly: PlotlyApi | null = null;
  private figure: PlotlyFigure | null = null;
  private readonly plot = document.createElement("div");
  private readonly note = document.createElement("div");
  private readonly stopWatchingTheme: () => void;
  // A panel resized by dragging, a sidebar opened or a window resized all change this node's width; Lumino's
  // resize messages do not reach every output, the observer sees them all. It also fires as JupyterLab hides
  // or detaches an output, when plotly.js refuses to resize ("Resize must be passed a displayed plot div
  // element", 23 of them on opening and running notebook 05): a hidden plot is resized once it shows again.
  private readonly resizeObserver = new ResizeObserver(() => {
    if (this.plotly && this.plot.getAttribute("data-drawn") && isDisplayed(this.plot)) {
      void Promise.resolve(this.plotly.Plots.resize(this.plot)).catch(() => undefined);
    }
  });

  constructor(private readonly mimeType: string) {
    super();
    this.addClass("gradient-lab-plotly-output");
    this.plot.className = "gradient-lab-plotly";
    this.note.className = "gradient-lab-plotly-note";
    this.node.append(this.plot, this.note);
    this.stopWatchingTheme = onThemeChange(() => void this.draw().catch((error: Error) => this.showFailure(error)));
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    try {
      const authored = readFigure(model.data[this.mimeType]);
      const maps = new URL("topojson/", staticFolderUrl()).href;
      // An untrusted notebook's figure must not make the reader's browser call the addresses it names.
      const { figure, leftOut } = model.trusted ? { figure: trustedFigure(authored, maps), leftOut: [] } : untrustedFigure(authored, maps);
      this.figure = figure as PlotlyFigure;
      this.note.textContent = leftOut.length > 0 ? leftOutNote(leftOut) : "";
      this.plotly = await loadPlotly();
      await this.draw();
    } catch (error) {
      this.showFailure(error as Error);
    }
  }

  /** One line instead of an empty output. */
  private showFailure(error: Error): void {
    this.plot.textContent = `This figure could not be drawn: ${error.message}`;
  }

  private async draw(): Promise<void> {
    if (!this.plotly || !this.figure || this.isDisposed) return;
    const { data, layout, config, frames } = this.figure;
    // react() on a node that is not drawn yet behaves as newPlot(); later calls (theme changes) redraw in place.
    await this.plotly.react(this.plot, { data, layout: themedLayout(layout ?? {}, isDarkTheme()), config: config ?? {}, frames });
    this.plot.setAttribute("data-drawn", "true");
    this.resizeObserver.observe(this.plot);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stopWatchingTheme();
    this.resizeObserver.disconnect();
    if (this.plotly) this.plotly.purge(this.plot);
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
