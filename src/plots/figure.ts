import type { Config, Data, Layout } from "plotly.js-dist";

/**
 * A Plotly figure as plain data. Plot builders return these; the kernel's
 * display bridge and the course export decide how to draw them.
 */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  config?: Partial<Config>;
  /** Animation frames a slider steps through (Plotly's `frames`); drawn with no kernel. */
  frames?: FigureFrame[];
}

/** One animation frame: new values for the listed traces (by index in `data`) and for the layout. */
export interface FigureFrame {
  name: string;
  traces?: number[];
  data?: Data[];
  layout?: Partial<Layout>;
}
