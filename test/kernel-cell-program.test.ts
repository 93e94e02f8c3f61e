import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlainBuilder, withPlainPrograms, type PlainProgramTypescript } from "../kernel/tslab/cell-program";
import { tslabRequire } from "../kernel/tslab/tslab-modules";

/** The TypeScript tslab compiles cells with (typescript-for-tslab), as far as these tests use it. */
interface TypeScript extends PlainProgramTypescript {
  sys: object;
  createWatchCompilerHost(rootFiles: string[], options: object, system: object): { createProgram?: unknown; afterProgramCreate?: unknown };
  createWatchProgram(host: object): { getCurrentProgram(): unknown; close(): void };
  getPreEmitDiagnostics(program: unknown, file?: unknown): { code: number; start?: number }[];
  ModuleKind: { ESNext: number };
  ModuleResolutionKind: { Node10: number };
  ScriptTarget: { ES2022: number };
}

const typescript = tslabRequire(process.cwd())("@tslab/typescript-for-tslab") as TypeScript;

/**
 * A folder like a notebook's: a cell file importing a local module (which
 * imports another) and a package whose types declare an ambient module
 * beside its own, compiled by a watch program as tslab's converter makes it.
 */
describe("cells compiled on plain programs (cell-program.ts)", () => {
  let folder: string;
  let watch: ReturnType<TypeScript["createWatchProgram"]>;
  let builder: PlainBuilder;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "cell-program-"));
    const pkg = join(folder, "node_modules", "some-pkg");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "some-pkg", version: "1.0.0", types: "index.d.ts" }));
    writeFileSync(join(pkg, "index.d.ts"), '/// <reference path="./ambient.d.ts" />\nexport declare const answer: number;\n');
    writeFileSync(join(pkg, "ambient.d.ts"), 'declare module "declared-elsewhere" { export const other: string; }\n');
    writeFileSync(join(folder, "helper.ts"), 'import { deeper } from "./deeper";\nexport const helper = deeper + 1;\n');
    writeFileSync(join(folder, "deeper.ts"), "export const deeper = 1;\n");
    writeFileSync(join(folder, "unused.ts"), "export const unused = 1;\n");
    writeFileSync(join(folder, "cell.ts"), 'import { answer } from "some-pkg";\nimport { helper } from "./helper";\nconst total: number = answer + helper;\nconst wrong: string = total;\n');
    const options = { module: typescript.ModuleKind.ESNext, moduleResolution: typescript.ModuleResolutionKind.Node10, target: typescript.ScriptTarget.ES2022, types: [], rootDir: folder, outDir: join(folder, "out") };
    const host = withPlainPrograms(typescript, typescript.createWatchCompilerHost([join(folder, "cell.ts")], options, typescript.sys));
    // As tslab's converter does: it emits one file itself instead of the whole program after each update.
    host.afterProgramCreate = () => undefined;
    watch = typescript.createWatchProgram(host);
    builder = watch.getCurrentProgram() as PlainBuilder;
  });
  afterAll(() => {
    watch?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("gives the watch program a plain program, not TypeScript's builder", () => {
    expect(builder).toBeInstanceOf(PlainBuilder);
    expect(builder.getProgram().getSourceFile(join(folder, "cell.ts"))).toBeDefined();
  });

  it("hands out the cell's file bound, with the names it declares, before any checker exists", () => {
    const cell = builder.getSourceFile(join(folder, "cell.ts")) as unknown as { locals: Map<string, unknown> };
    expect([...cell.locals.keys()].sort()).toEqual(["answer", "helper", "total", "wrong"]);
  });

  it("reports the cell's type error with its code, as the builder did", () => {
    const program = builder.getProgram();
    const diagnostics = typescript.getPreEmitDiagnostics(program, program.getSourceFile(join(folder, "cell.ts")));
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual([2322]);
  });

  it("lists a cell's dependencies: its local modules, imported through each other, and the package's declarations, not an unrelated file", () => {
    const dependencies = builder.getAllDependencies(builder.getSourceFile(join(folder, "cell.ts"))!).map((file) => file.replace(`${folder}/`, ""));
    expect(dependencies.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")).sort()).toEqual(["cell.ts", "deeper.ts", "helper.ts"]);
    expect(dependencies).toContain("node_modules/some-pkg/index.d.ts");
    expect(dependencies).toContain("node_modules/some-pkg/ambient.d.ts");
    expect(dependencies).not.toContain("unused.ts");
  });

  it("answers the watch program's ambient-module question as the type checker does", () => {
    const view = builder.getProgramOrUndefined().getTypeChecker() as { tryFindAmbientModuleWithoutAugmentations(name: string): unknown };
    const checker = builder.getProgram().getTypeChecker() as { tryFindAmbientModuleWithoutAugmentations(name: string): unknown };
    for (const name of ["declared-elsewhere", "some-pkg", "./helper", "fs"]) {
      expect(Boolean(view.tryFindAmbientModuleWithoutAugmentations(name)), name).toBe(Boolean(checker.tryFindAmbientModuleWithoutAugmentations(name)));
    }
    expect(view.tryFindAmbientModuleWithoutAugmentations("declared-elsewhere")).toBe(true);
  });
});
