import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { declaredTypePackages, type DirectorySystem, isTypeRoot, onlyDeclaredTypesAutomatically } from "../kernel/tslab/automatic-types";
import { executeNotebook } from "../kernel/notebook/execute";
import { joinText, parseNotebook } from "../kernel/notebook/nbformat";

const repo = join(__dirname, "..");

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value));
}

/** A package folder under `root/node_modules/<name>` with a package.json and the given files. */
function writePackage(root: string, name: string, files: Record<string, string>): void {
  const folder = join(root, "node_modules", name);
  mkdirSync(folder, { recursive: true });
  writeJson(join(folder, "package.json"), { name, version: "1.0.0", ...(files["index.js"] ? { main: "index.js" } : {}) });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
}

describe("which @types packages a cell's program gets without an import", () => {
  let folder: string;
  beforeAll(() => void (folder = mkdtempSync(join(tmpdir(), "automatic-types-"))));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("recognises node_modules/@types folders only", () => {
    expect(isTypeRoot("/course/node_modules/@types")).toBe(true);
    expect(isTypeRoot("/course/node_modules/@types/")).toBe(true);
    expect(isTypeRoot("/course/node_modules/@tslab")).toBe(false);
    expect(isTypeRoot("/course/@types")).toBe(false);
  });

  it("takes the @types of every package.json from the notebook's folder up, and node", () => {
    const course = join(folder, "declared");
    const notebooks = join(course, "packages", "one", "notebooks");
    mkdirSync(notebooks, { recursive: true });
    writeJson(join(course, "package.json"), { devDependencies: { "@types/jest": "1", typescript: "5" } });
    writeJson(join(course, "packages", "one", "package.json"), { dependencies: { "@types/d3": "7" }, peerDependencies: { "@types/three": "1" } });
    expect([...declaredTypePackages(notebooks)!].sort()).toEqual(["d3", "jest", "node", "three"]);
  });

  it("leaves TypeScript's listing alone where no package.json is found", () => {
    const bare = join(folder, "bare");
    mkdirSync(bare);
    const sys: DirectorySystem = { getDirectories: () => ["node", "react"] };
    // The temporary folder has no package.json above it on this machine; if one appeared, this test would say so.
    expect(declaredTypePackages(bare)).toBeUndefined();
    onlyDeclaredTypesAutomatically(sys, bare);
    expect(sys.getDirectories("/x/node_modules/@types")).toEqual(["node", "react"]);
  });

  it("filters every @types folder on a system derived from the patched one, and no other folder", () => {
    const course = join(folder, "filtered");
    mkdirSync(course);
    writeJson(join(course, "package.json"), { devDependencies: { "@types/katex": "1" } });
    const base: DirectorySystem = { getDirectories: () => ["chai", "katex", "node", "react"] };
    onlyDeclaredTypesAutomatically(base, course);
    const derived = Object.create(base) as DirectorySystem;
    expect(derived.getDirectories("/a/node_modules/@types")).toEqual(["katex", "node"]);
    expect(derived.getDirectories("/a/node_modules")).toEqual(["chai", "katex", "node", "react"]);
  });
});

interface Compiled {
  cells: ({ ok: true } | { error: string })[];
  /** packages under node_modules whose .d.ts files the compiler read */
  packages: string[];
}

/** tslab's own cell compiler in a child process (test/fixtures/tslab-converter/type-packages.cjs). */
async function compileCells(folder: string, mode: "patched" | "unpatched", cells: string[]): Promise<Compiled> {
  const driver = join(__dirname, "fixtures", "tslab-converter", "type-packages.cjs");
  const { stdout } = await promisify(execFile)(process.execPath, [driver, folder, mode, JSON.stringify(cells)]);
  return JSON.parse(stdout) as Compiled;
}

describe("tslab's cell compiler with the launcher's filter", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "automatic-types-tslab-"));
    writeJson(join(folder, "package.json"), { name: "course", devDependencies: { "@types/declared-global": "1" } });
    mkdirSync(join(folder, "node_modules", "@types"), { recursive: true });
    symlinkSync(join(repo, "node_modules", "@types", "node"), join(folder, "node_modules", "@types", "node"));
    writePackage(folder, "@types/declared-global", { "index.d.ts": "declare const declaredGlobal: number;\n" });
    writePackage(folder, "@types/undeclared-global", { "index.d.ts": "declare const hoistedOnly: number;\n" });
    writePackage(folder, "@types/imported-pkg", { "index.d.ts": "export declare const answer: number;\n" });
    writePackage(folder, "imported-pkg", { "index.js": "exports.answer = 42;\n" });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const cells = [
    "const fromNode: string = process.version;",
    "const declared: number = declaredGlobal;",
    'import { answer } from "imported-pkg";\nconst imported: number = answer;',
    "const undeclared: number = hoistedOnly;",
  ];

  it("without it, every @types package's globals reach a cell (tslab's own behaviour)", async () => {
    const compiled = await compileCells(folder, "unpatched", cells);
    expect(compiled.cells).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    expect(compiled.packages).toContain("@types/undeclared-global");
  });

  it("with it, Node's and the declared globals still reach a cell, an import still finds its @types, and the undeclared package is never read", async () => {
    const compiled = await compileCells(folder, "patched", cells);
    expect(compiled.cells).toEqual([{ ok: true }, { ok: true }, { ok: true }, { error: "Cannot find name 'hoistedOnly'." }]);
    expect(compiled.packages).toEqual(["@tslab/typescript-for-tslab", "@types/declared-global", "@types/imported-pkg", "@types/node", "undici-types"]);
  });

  it("is what our kernel (the launcher the kernelspec starts) compiles with", async () => {
    const file = join(folder, "globals.ipynb");
    const code = (id: string, source: string) => ({ cell_type: "code", id, metadata: {}, source, outputs: [], execution_count: null });
    const cellsOfNotebook = [code("declared", 'type FromDeclared = typeof declaredGlobal;\nconsole.log("declared: ok");'), code("hoisted", "type FromHoisted = typeof hoistedOnly;")];
    const notebook = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cellsOfNotebook }), file);
    const { notebook: executed, failure } = await executeNotebook(notebook, file);
    expect(executed.cells[0]?.cell_type === "code" && executed.cells[0].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "declared: ok\n" }]);
    expect(failure).toMatchObject({ cellNumber: 2, reason: "error" });
    expect(failure?.message).toContain("Cannot find name 'hoistedOnly'");
  });
});

describe("notebook 01's first cells, compiled as our kernel compiles them", () => {
  const notebookFile = join(repo, "notebooks", "01-forward-pass.ipynb");
  const notebook = parseNotebook(readFileSync(notebookFile, "utf8"), notebookFile);
  // The parameters cell, the first import of the engine and its display helpers, and the first figure.
  const cells = notebook.cells.filter((cell) => cell.cell_type === "code").slice(0, 3).map((cell) => joinText(cell.source));
  const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name.startsWith("@types/"));

  it("compile without the undeclared @types (react, chai, ...) that tslab alone reads, and without mathjs's typings", async () => {
    expect(cells[1]).toContain('from "gradient-lab"');
    const [unpatched, patched] = [await compileCells(join(repo, "notebooks"), "unpatched", cells), await compileCells(join(repo, "notebooks"), "patched", cells)];
    expect(unpatched.cells).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(patched.cells).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(unpatched.packages).toEqual(expect.arrayContaining(["@types/react", "csstype", "@types/chai"]));
    expect(patched.packages.filter((name) => name.startsWith("@types/") && !declared.includes(name))).toEqual([]);
    expect(patched.packages).toEqual(expect.not.arrayContaining(["@types/react", "csstype", "@types/chai", "mathjs"]));
  });
});
