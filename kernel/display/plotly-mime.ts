/**
 * The MIME type of a Plotly figure's JSON (`{data, layout, config?, frames?}`)
 * in a Jupyter output. Its own file, with no imports, because the JupyterLab
 * extension (built for the browser in `labextension/`) reads it too.
 */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
