import type { Config, Data, Frame, Layout } from "plotly.js-dist";

/**
 * A Plotly figure as plain data. Plot builders return these; the kernel's
 * display bridge and the course export decide how to draw them.
 */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  config?: Partial<Config>;
  /** Animation frames, for figures whose slider or play button steps through them. */
  frames?: Partial<Frame>[];
}
