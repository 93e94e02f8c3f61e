import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { goBackNFigure, pipelineGanttFigure, pipelineSchedule } from "../../src/parallel";
import { BACKWARD_PASS_COLOURS, FORWARD_PASS_COLOURS, REFERENCE_COLOUR } from "../../src/plots/style";

const src = join(__dirname, "..", "..", "src");
const STYLE = join(src, "plots", "style.ts");
// A hex colour, rgb()/rgba(), or a colour given by name to a `color` key.
const COLOUR_LITERAL = /"#[0-9a-fA-F]{3,8}"|"rgba?\([^"]*\)"|colou?r: "[a-z]+"/g;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : [],
  );
}

describe("one figure style", () => {
  it("no engine file but src/plots/style.ts writes a colour, the parallel figures included", () => {
    const found = sources(src)
      .filter((file) => file !== STYLE)
      .flatMap((file) => [...readFileSync(file, "utf8").matchAll(COLOUR_LITERAL)].map((m) => `${relative(src, file)}: ${m[0]}`));
    expect(found).toEqual([]);
  });

  it("the parallel figures take their colours from it, with the values they always had", () => {
    const gantt = pipelineGanttFigure(pipelineSchedule("gpipe", { stages: 2, microBatches: 2 }));
    const colours = gantt.data.map((trace) => (trace as { marker: { color: string } }).marker.color);
    expect(colours).toEqual([FORWARD_PASS_COLOURS[0], BACKWARD_PASS_COLOURS[0]]);
    expect(colours).toEqual(["#4C78A8", "#F58518"]);
    const lossless = goBackNFigure({ roundTripsInPackets: [10] }).data[1] as { line: { color: string } };
    expect(lossless.line.color).toBe(REFERENCE_COLOUR);
  });
});
