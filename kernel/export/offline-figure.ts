/**
 * What Plotly would fetch from the network while drawing a figure, and the
 * figure without it. The site of an untrusted notebook loads nothing but
 * its own files (issue 11): Plotly fetches a world map from its CDN for geo
 * traces, map tiles and styles for map traces, and any URL given as an
 * image's source. A trusted notebook keeps them all.
 */

/** Traces drawn on a geo subplot (world map from `config.topojsonURL`) or a map (tiles and a style from the web). */
const REMOTE_TRACE_TYPES = new Set(["scattergeo", "choropleth", "scattermapbox", "choroplethmapbox", "densitymapbox", "scattermap", "choroplethmap", "densitymap"]);
/** Layout keys of the subplots those traces draw on: geo, geo2, mapbox, map3... */
const REMOTE_SUBPLOT = /^(geo|mapbox|map)\d*$/;
/** Config keys that point Plotly at remote data. */
const REMOTE_CONFIG_KEYS = ["topojsonURL", "mapboxAccessToken"];

const isDataUri = (value: unknown): boolean => typeof value === "string" && /^data:image\//i.test(value.trim());

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export interface OfflineFigure {
  figure: Json;
  /** What was taken out, in words, for the note under the figure; empty when nothing was. */
  leftOut: string[];
}

export function offlineFigure(figure: Json): OfflineFigure {
  const leftOut = new Set<string>();
  const traces = (data: unknown): unknown =>
    Array.isArray(data)
      ? data.flatMap((trace) => {
          if (!isObject(trace)) return [trace];
          const type = typeof trace.type === "string" ? trace.type : "";
          if (REMOTE_TRACE_TYPES.has(type)) {
            leftOut.add(`${type} trace`);
            return [];
          }
          if (type === "image" && trace.source !== undefined && !isDataUri(trace.source)) {
            leftOut.add("image trace source");
            const { source: _, ...rest } = trace;
            return [rest];
          }
          return [trace];
        })
      : data;
  const layout = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (REMOTE_SUBPLOT.test(key)) {
        leftOut.add(`${key} subplot`);
      } else if (key === "images" && Array.isArray(inner)) {
        const kept = inner.filter((image) => !isObject(image) || image.source === undefined || isDataUri(image.source));
        if (kept.length < inner.length) leftOut.add("layout image from a URL");
        out.images = kept;
      } else if (key === "template" && isObject(inner)) {
        // A template holds a layout and trace defaults keyed by type, which can carry the same things.
        const data = isObject(inner.data) ? Object.fromEntries(Object.entries(inner.data).filter(([type]) => !REMOTE_TRACE_TYPES.has(type)).map(([type, list]) => [type, traces(list)])) : inner.data;
        out.template = { ...inner, layout: layout(inner.layout), ...(inner.data !== undefined ? { data } : {}) };
      } else {
        out[key] = inner;
      }
    }
    return out;
  };
  const result: Json = { ...figure, data: traces(figure.data), layout: layout(figure.layout) };
  if (isObject(figure.config)) {
    const config = { ...figure.config };
    for (const key of REMOTE_CONFIG_KEYS) {
      if (key in config) {
        leftOut.add(`config.${key}`);
        delete config[key];
      }
    }
    result.config = config;
  }
  if (Array.isArray(figure.frames)) {
    result.frames = figure.frames.map((frame) => (isObject(frame) ? { ...frame, data: traces(frame.data), layout: layout(frame.layout) } : frame));
  }
  return { figure: result, leftOut: [...leftOut] };
}
