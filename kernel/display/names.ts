/**
 * Names the Node side (bundle, installer, export) and the browser side (the
 * JupyterLab extension in `labextension/`) must agree on. A file with no
 * imports, so the extension's build can read it too.
 */

/** The MIME type of a Plotly figure's JSON (`{data, layout, config?, frames?}`) in a Jupyter output. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The minified plotly.js, under this name, in every folder we install it to (nbextension, labextension's static/). */
export const PLOTLY_FILE = "plotly.min.js";

/** The folder, beside plotly.js (labextension's static/, the site's assets/), holding the maps geographic figures draw on. */
export const TOPOJSON_FOLDER = "topojson";
