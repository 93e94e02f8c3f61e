/**
 * What a Plotly figure from an untrusted notebook may keep. A notebook from
 * anyone must not make its reader's browser call the addresses it names, so
 * everything plotly.js would fetch from outside the page goes: images from a
 * URL (layout images, image traces), map styles and tiles, GeoJSON from a
 * URL, a topojson source of the figure's own, and the config entries that
 * link to or send data to Plotly's servers. Geographic subplots stay: their
 * topojson comes from beside plotly.js (`topojsonURL`), as for a trusted
 * figure. Data, layout, templates (their layout and trace defaults) and
 * animation frames are all walked.
 *
 * Used by the site export (kernel/export/outputs.ts) and by the JupyterLab
 * extension (labextension/src/index.ts) for `model.trusted === false`, so it
 * imports nothing: it runs in Node and in the browser.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** An image given inline; anything else (http:, //host, a relative path...) is fetched. */
const isInlineImage = (value: unknown): boolean => typeof value === "string" && /^data:image\//i.test(value.trim());

/** Text naming something to fetch: `scheme://...` or `//host/...`, but not an inline `data:` image. */
const isUrl = (value: unknown): boolean => typeof value === "string" && !isInlineImage(value) && /^\s*([a-z][a-z0-9+.-]*:\/\/|\/\/)/i.test(value);

/** Layout keys of map subplots (maplibre's `map`, the older `mapbox`): map, map2, mapbox3... */
const MAP_SUBPLOT = /^(map|mapbox)\d*$/;
/** A map style drawn from nothing outside the page: a white background, no tiles, no glyphs. */
const OFFLINE_MAP_STYLE = "white-bg";
/** Config entries that fetch from, link to or send data to a server of the figure's choosing. */
const CONFIG_LINKS = ["topojsonURL", "mapboxAccessToken", "plotlyServerURL", "showLink", "linkText", "sendData", "showSendToCloud", "showEditInChartStudio", "showSources"];

export interface KeptFigure {
  figure: Json;
  /** What was left out, in words, for the note under the figure; empty when nothing was. */
  leftOut: string[];
}

/** The one-line note under a figure that lost something, as JupyterLab and the site both show it. */
export function leftOutNote(leftOut: readonly string[]): string {
  return `Left out of this untrusted figure: ${leftOut.join(", ")} (from outside the page). Trusting the notebook shows ${leftOut.length === 1 ? "it" : "them"}.`;
}

/** A trusted figure as drawn: the author's own topojson source if set, else the one beside plotly.js. */
export function trustedFigure(figure: Json, topojsonURL: string): Json {
  const config = isObject(figure.config) ? figure.config : {};
  return { ...figure, config: { ...config, topojsonURL: typeof config.topojsonURL === "string" ? config.topojsonURL : topojsonURL } };
}

export function untrustedFigure(figure: Json, topojsonURL: string): KeptFigure {
  const leftOut = new Set<string>();

  const trace = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const out: Json = { ...value };
    if (out.source !== undefined && !isInlineImage(out.source)) {
      leftOut.add("an image trace's picture");
      delete out.source;
    }
    // choropleth, choroplethmap...: a GeoJSON given as a URL is fetched; one given inline is data.
    if (typeof out.geojson === "string") {
      leftOut.add("GeoJSON from a URL");
      delete out.geojson;
    }
    return out;
  };
  const traces = (value: unknown): unknown => (Array.isArray(value) ? value.map(trace) : value);

  const mapSubplot = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const out: Json = { ...value, style: OFFLINE_MAP_STYLE };
    if (value.style !== undefined && value.style !== OFFLINE_MAP_STYLE) leftOut.add("map style and tiles");
    else if (value.style === undefined) leftOut.add("map tiles");
    if ("accesstoken" in out) delete out.accesstoken;
    if (Array.isArray(value.layers)) {
      // A layer drawn from inline GeoJSON stays; one whose source is a URL or tiles does not.
      const kept = value.layers.filter((layer) => !isObject(layer) || (layer.source === undefined || isObject(layer.source)) && layer.sourcetype !== "raster" && layer.sourcetype !== "vector" && layer.sourcetype !== "image");
      if (kept.length < value.layers.length) leftOut.add("map layers from a URL");
      out.layers = kept;
    }
    return out;
  };

  const layout = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (MAP_SUBPLOT.test(key)) out[key] = mapSubplot(inner);
      else if (key === "images" && Array.isArray(inner)) {
        const kept = inner.filter((image) => !isObject(image) || image.source === undefined || isInlineImage(image.source));
        if (kept.length < inner.length) leftOut.add("layout images from a URL");
        out.images = kept;
      } else if (key === "template" && isObject(inner)) out.template = template(inner);
      else if (key === "updatemenus" || key === "sliders") out[key] = withoutUrls(inner);
      else out[key] = inner;
    }
    return out;
  };

  // Buttons and sliders restyle and relayout with arguments of their own: an image source or a map style given
  // there as a URL would be fetched on a click.
  const withoutUrls = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutUrls);
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (isUrl(inner)) leftOut.add("URLs in buttons and sliders");
      else out[key] = withoutUrls(inner);
    }
    return out;
  };

  // A template holds a layout and trace defaults keyed by type, which can carry the same things.
  const template = (value: Json): Json => {
    const out: Json = { ...value };
    if (value.layout !== undefined) out.layout = layout(value.layout);
    if (isObject(value.data)) out.data = Object.fromEntries(Object.entries(value.data).map(([type, list]) => [type, traces(list)]));
    return out;
  };

  const result: Json = { ...figure, data: traces(figure.data), layout: layout(figure.layout ?? {}) };
  // A map trace draws on its subplot even when the layout leaves it out, then with plotly.js's default style,
  // which loads from the web: give every subplot the traces use the offline style.
  const resultLayout = result.layout as Json;
  for (const value of Array.isArray(figure.data) ? figure.data : []) {
    const type = isObject(value) && typeof value.type === "string" ? value.type : "";
    if (!/(map|mapbox)$/.test(type)) continue;
    const subplot = isObject(value) && typeof value.subplot === "string" ? value.subplot : type.endsWith("mapbox") ? "mapbox" : "map";
    if (!isObject(resultLayout[subplot])) resultLayout[subplot] = mapSubplot({});
  }
  const config: Json = isObject(figure.config) ? { ...figure.config } : {};
  for (const key of CONFIG_LINKS) {
    if (key in config) {
      if (key !== "topojsonURL" || config[key] !== topojsonURL) leftOut.add(`config.${key}`);
      delete config[key];
    }
  }
  result.config = { ...config, topojsonURL };
  if (Array.isArray(figure.frames)) {
    result.frames = figure.frames.map((frame) => (isObject(frame) ? { ...frame, ...(frame.data !== undefined ? { data: traces(frame.data) } : {}), ...(frame.layout !== undefined ? { layout: layout(frame.layout) } : {}) } : frame));
  }
  return { figure: result, leftOut: [...leftOut] };
}
