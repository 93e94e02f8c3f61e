import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * src/ is a house of rooms (math, network, trace, fast, render, teach,
 * verify, plots, parallel) whose arrows run one way. Type-only imports count:
 * a cycle through types is still two files that cannot be read apart.
 */
const SRC = resolve(__dirname, "..", "src");

/** The rooms the core (the model and its traced training) must never reach into. */
const CORE_ROOMS = ["math", "network", "trace"];
const OUTER_ROOMS = ["fast", "render", "teach", "plots"];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** A relative import's file: `./x` is x.ts or x/index.ts. */
function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) if (files.has(candidate)) return candidate;
  throw new Error(`${relative(SRC, from)} imports ${specifier}, which is no file of src/`);
}

/** Each file of src/ (relative path) and the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:\bfrom|\bimport\(?)\s*"(\.{1,2}(?:\/[^"]*)?)"/g)].map((match) => match[1] as string);
    graph.set(
      relative(SRC, file),
      specifiers.map((specifier) => relative(SRC, resolveImport(file, specifier, known))),
    );
  }
  return graph;
}

/** One cycle of the graph as a path that ends where it starts, or undefined when it has none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

const roomOf = (file: string): string => (file.includes("/") ? (file.split("/")[0] as string) : "index");

describe("src/ in rooms", () => {
  const graph = importGraph();

  it("reads every import of src/ (the parser sees the arrows it checks)", () => {
    expect(graph.get("index.ts")).toContain("trace/traced-step.ts");
    expect(graph.get("fast/fast-network.ts")).toContain("fast/layout.ts");
    expect([...graph.keys()].filter((file) => !file.includes("/"))).toEqual(["index.ts"]);
  });

  it("has no import cycle between files", () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it("has no cycle between rooms", () => {
    const rooms = new Map<string, string[]>();
    for (const [file, imports] of graph) {
      const arrows = rooms.get(roomOf(file)) ?? [];
      for (const target of imports) if (roomOf(target) !== roomOf(file)) arrows.push(roomOf(target));
      rooms.set(roomOf(file), arrows);
    }
    expect(findCycle(rooms)).toBeUndefined();
  });

  it("keeps math/, network/ and trace/ free of the fast path, rendering, teaching and plots", () => {
    const wrong = [...graph]
      .filter(([file]) => CORE_ROOMS.includes(roomOf(file)))
      .flatMap(([file, imports]) => imports.filter((target) => OUTER_ROOMS.includes(roomOf(target))).map((target) => `${file} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  it("finds a cycle when there is one (the checker itself)", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
  });
});
