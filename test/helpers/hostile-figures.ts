/**
 * Figures that would make a reader's browser call addresses of the author's
 * choosing: every trace type that draws on a geo subplot or a map, remote
 * images, templates and frames carrying them, buttons relayouting to them,
 * and config links. Each also draws something it may keep (its title, a
 * scatter, the map data), so "draws what it may keep" can be checked.
 */
type Figure = { data: Record<string, unknown>[]; layout: Record<string, unknown>; config?: Record<string, unknown>; frames?: Record<string, unknown>[] };

const TRACKER = "http://tracker.invalid";

export const HOSTILE_FIGURES: Record<string, Figure> = {
  "layout image": {
    data: [{ type: "scatter", x: [0, 1], y: [1, 0] }],
    layout: { title: { text: "layout image" }, images: [{ source: `${TRACKER}/pixel.png`, xref: "paper", yref: "paper", x: 0, y: 1, sizex: 0.2, sizey: 0.2 }] },
  },
  "image trace": { data: [{ type: "image", source: `${TRACKER}/picture.png` }, { type: "scatter", x: [0, 1], y: [0, 1] }], layout: { title: { text: "image trace" } } },
  scattergeo: { data: [{ type: "scattergeo", lon: [2, 13], lat: [48, 52], mode: "markers" }], layout: { title: { text: "scattergeo" } } },
  choropleth: { data: [{ type: "choropleth", locations: ["FRA", "DEU", "ITA"], z: [1, 2, 3] }], layout: { title: { text: "choropleth" }, geo: { scope: "europe" } } },
  "choropleth with remote GeoJSON": {
    data: [{ type: "choropleth", locations: ["a"], z: [1], geojson: `${TRACKER}/shapes.geojson`, locationmode: "geojson-id" }, { type: "scattergeo", lon: [0], lat: [0] }],
    layout: { title: { text: "choropleth with remote GeoJSON" } },
  },
  scattermapbox: { data: [{ type: "scattermapbox", lon: [2], lat: [48] }], layout: { title: { text: "scattermapbox" }, mapbox: { style: `${TRACKER}/style.json`, accesstoken: "pk.tracker" } } },
  scattermap: { data: [{ type: "scattermap", lon: [2], lat: [48] }], layout: { title: { text: "scattermap" } } },
  choroplethmap: {
    data: [{ type: "choroplethmap", locations: ["x"], z: [1], geojson: { type: "FeatureCollection", features: [{ type: "Feature", id: "x", geometry: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }] } }],
    layout: { title: { text: "choroplethmap" }, map: { style: "open-street-map", layers: [{ sourcetype: "raster", source: [`${TRACKER}/tiles/{z}/{x}/{y}.png`], below: "traces" }] } },
  },
  densitymap: { data: [{ type: "densitymap", lon: [2, 3], lat: [48, 49], z: [1, 2] }], layout: { title: { text: "densitymap" }, map: { style: `${TRACKER}/map-style.json` } } },
  "template and frames": {
    data: [{ type: "scatter", x: [0, 1], y: [0, 1] }],
    layout: {
      title: { text: "template and frames" },
      template: { layout: { images: [{ source: `${TRACKER}/template.png`, xref: "paper", yref: "paper", x: 0, y: 0, sizex: 0.1, sizey: 0.1 }] }, data: { image: [{ source: `${TRACKER}/template-trace.png` }] } },
      updatemenus: [{ buttons: [{ label: "logo", method: "relayout", args: [{ "images[0].source": `${TRACKER}/button.png` }] }] }],
    },
    frames: [{ name: "f", layout: { images: [{ source: `${TRACKER}/frame.png`, xref: "paper", yref: "paper", x: 0, y: 0, sizex: 0.1, sizey: 0.1 }] }, data: [{ y: [1, 0] }] }],
  },
  "config links": {
    data: [{ type: "scatter", x: [0, 1], y: [1, 1] }],
    layout: { title: { text: "config links" } },
    config: { plotlyServerURL: TRACKER, showLink: true, linkText: "tracked", sendData: true, showEditInChartStudio: true, topojsonURL: `${TRACKER}/topojson/`, mapboxAccessToken: "pk.tracker" },
  },
};

export const TRACKER_HOST = "tracker.invalid";
