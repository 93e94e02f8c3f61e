import { describe, expect, it } from "vitest";
import { leftOutNote, trustedFigure, untrustedFigure } from "../kernel/display/untrusted-figure";
import { HOSTILE_FIGURES, TRACKER_HOST } from "./helpers/hostile-figures";

const LOCAL_MAPS = "/lab/extensions/gradient-lab-plotly/static/topojson/";

describe("what an untrusted figure may keep", () => {
  it.each(Object.entries(HOSTILE_FIGURES))("%s: nothing names an outside address, and the note says what went", (_, figure) => {
    const { figure: kept, leftOut } = untrustedFigure(figure, LOCAL_MAPS);
    expect(JSON.stringify(kept)).not.toContain(TRACKER_HOST);
    expect(kept.config).toMatchObject({ topojsonURL: LOCAL_MAPS });
    expect((kept.layout as { title: unknown }).title).toEqual(figure.layout.title);
    const geographicOnly = ["scattergeo", "choropleth"].includes((figure.layout.title as { text: string }).text);
    expect(leftOut.length > 0).toBe(!geographicOnly);
  });

  it("keeps geo subplots and their traces (their maps come from beside plotly.js), and map data on an offline style", () => {
    expect(untrustedFigure(HOSTILE_FIGURES.choropleth!, LOCAL_MAPS).figure.data).toEqual(HOSTILE_FIGURES.choropleth!.data);
    const { figure, leftOut } = untrustedFigure(HOSTILE_FIGURES.choroplethmap!, LOCAL_MAPS);
    expect(figure.data).toEqual(HOSTILE_FIGURES.choroplethmap!.data);
    expect(figure.layout).toMatchObject({ map: { style: "white-bg", layers: [] } });
    expect(leftOut).toEqual(["map style and tiles", "map layers from a URL"]);
    // A map trace whose layout names no subplot would get plotly.js's default style, from the web.
    expect(untrustedFigure(HOSTILE_FIGURES.scattermap!, LOCAL_MAPS)).toMatchObject({ figure: { layout: { map: { style: "white-bg" } } }, leftOut: ["map tiles"] });
    expect(untrustedFigure(HOSTILE_FIGURES.scattermapbox!, LOCAL_MAPS).figure.layout).toEqual({ title: { text: "scattermapbox" }, mapbox: { style: "white-bg" } });
  });

  it("walks templates, frames, buttons and config, and keeps inline images", () => {
    const inline = "data:image/png;base64,iVBORw0KGgo=";
    const { figure, leftOut } = untrustedFigure(
      { ...HOSTILE_FIGURES["template and frames"]!, layout: { ...HOSTILE_FIGURES["template and frames"]!.layout, images: [{ source: inline }] } },
      LOCAL_MAPS,
    );
    expect((figure.layout as { images: unknown[] }).images).toEqual([{ source: inline }]);
    expect(leftOut).toEqual(["layout images from a URL", "an image trace's picture", "URLs in buttons and sliders"]);
    expect(untrustedFigure(HOSTILE_FIGURES["config links"]!, LOCAL_MAPS)).toMatchObject({
      figure: { config: { topojsonURL: LOCAL_MAPS } },
      leftOut: ["config.topojsonURL", "config.mapboxAccessToken", "config.plotlyServerURL", "config.showLink", "config.linkText", "config.sendData", "config.showEditInChartStudio"],
    });
  });

  it("reads as one line naming what went and how to see it", () => {
    expect(leftOutNote(["layout images from a URL"])).toBe("Left out of this untrusted figure: layout images from a URL (from outside the page). Trusting the notebook shows it.");
  });
});

describe("a trusted figure", () => {
  it("keeps everything, its maps from beside plotly.js unless it names its own", () => {
    const figure = HOSTILE_FIGURES["layout image"]!;
    expect(trustedFigure(figure, LOCAL_MAPS)).toEqual({ ...figure, config: { topojsonURL: LOCAL_MAPS } });
    expect(trustedFigure(HOSTILE_FIGURES["config links"]!, LOCAL_MAPS).config).toEqual(HOSTILE_FIGURES["config links"]!.config);
  });
});
