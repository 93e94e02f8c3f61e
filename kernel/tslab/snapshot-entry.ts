/**
 * The script a kernel's V8 start-up snapshot is built from
 * (`node --snapshot-blob <blob> --build-snapshot snapshot-entry.js`, run by
 * kernel-snapshot.ts). Node 20 lets this one script require only Node's own
 * modules, so it imports nothing of ours and loads TypeScript by reading its
 * file; the kernel's other modules, tslab and zeromq (a native addon) are
 * loaded after the snapshot is restored, as in a start without one.
 *
 * What the snapshot holds, so that a kernel started from it skips the slow
 * part of its start (kernel/README.md, "Start-up"): TypeScript loaded, and
 * the parsed (and bound) declarations the first cell's program needs (the standard
 * library, `@types/node`, the engine's and Plotly's types), found by
 * building that program once here. A parsed file is handed out only for the
 * same path and the same text, compared whole when the compiler asks: a
 * declaration changed since the snapshot was built is parsed anew, never
 * served stale.
 *
 * Inputs, from the environment (kernel-snapshot.ts sets them):
 * GRADIENT_LAB_SNAPSHOT_TYPESCRIPT (tslab's typescript.js),
 * GRADIENT_LAB_SNAPSHOT_FOLDER (a folder where `import "gradient-lab"` resolves),
 * GRADIENT_LAB_SNAPSHOT_TYPES (the `@types` packages a cell there sees, comma-separated).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { startupSnapshot } from "node:v8";

/** Where the restored kernel finds what this snapshot holds. */
const SNAPSHOT_GLOBAL = Symbol.for("gradient-lab.kernel-snapshot");

/** TypeScript's own parser: the hook's call becomes its first line (see `withParsedFileHook`). */
const CREATE_SOURCE_FILE = "function createSourceFile(fileName, sourceText, languageVersionOrOptions, setParentNodes = false, scriptKind) {";
const PARSED_FILE_HOOK_NAME = "gradient-lab.parsed-file-hook";
const PARSED_FILE_HOOK = Symbol.for(PARSED_FILE_HOOK_NAME);

type SourceFileOptions = number | { languageVersion: number; impliedNodeFormat?: number; setExternalModuleIndicator?: (file: unknown) => void };
type ParsedFileHook = (fileName: string, text: string, options: SourceFileOptions, setParentNodes: boolean, scriptKind: number | undefined) => unknown;

interface TypeScript {
  createSourceFile(fileName: string, text: string, options: SourceFileOptions, setParentNodes?: boolean, scriptKind?: number): unknown;
  createCompilerHost(options: object): { getSourceFile(fileName: string, ...rest: unknown[]): unknown; fileExists(fileName: string): boolean };
  createProgram(rootNames: string[], options: object, host: object): { getSourceFile(fileName: string): unknown; getSemanticDiagnostics(file: unknown): unknown };
  ModuleKind: { ESNext: number };
  ModuleResolutionKind: { Node10: number };
  ScriptTarget: { ES2022: number };
  JsxEmit: { React: number };
}

/** What a restored kernel reads (`restoredTypescript`). */
export interface KernelSnapshot {
  typescriptPath: string;
  /** typescript.js's size and time when the snapshot was built: another file means another TypeScript, loaded as usual. */
  typescriptStamp: string;
  typescript: TypeScript;
  /** How many parsed declaration files it holds, how many the compiler was handed so far, and the declarations it parsed anew (changed or not held). */
  parsedFiles: () => { held: number; used: number; missed: string[] };
}

const stampOf = (file: string): string => {
  const stat = statSync(file);
  return `${stat.size}:${stat.mtimeMs}`;
};

/**
 * TypeScript as the snapshot holds it, for a kernel restored from one whose
 * TypeScript is the file tslab resolves now (same path, size and time);
 * otherwise undefined, and the kernel loads TypeScript as usual. This file
 * may be required at run time: it builds nothing unless Node is building a snapshot.
 */
export function restoredTypescript(typescriptPath: string): KernelSnapshot | undefined {
  const snapshot = (globalThis as Record<symbol, KernelSnapshot | undefined>)[SNAPSHOT_GLOBAL];
  if (!snapshot || snapshot.typescriptPath !== typescriptPath) return undefined;
  try {
    return snapshot.typescriptStamp === stampOf(typescriptPath) ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TypeScript loaded from its text with one line added at the top of its
 * `createSourceFile`: a hook that may answer with a file parsed before.
 * TypeScript calls that function internally (its bundle holds direct
 * references), so wrapping the exported one would not reach the compiler.
 */
function withParsedFileHook(typescriptPath: string): TypeScript {
  const source = readFileSync(typescriptPath, "utf8");
  if (!source.includes(CREATE_SOURCE_FILE)) throw new Error(`${typescriptPath}: no "${CREATE_SOURCE_FILE}" to hook: another TypeScript than 5.0?`);
  const hooked = source.replace(
    CREATE_SOURCE_FILE,
    `${CREATE_SOURCE_FILE} const parsed = globalThis[Symbol.for(${JSON.stringify(PARSED_FILE_HOOK_NAME)})]?.(fileName, sourceText, languageVersionOrOptions, setParentNodes, scriptKind); if (parsed) return parsed;`,
  );
  const module = { exports: {} as TypeScript };
  // An indirect eval: a function in the global scope, as Node's own module wrapper makes one.
  const wrapper = (0, eval)(`(function (exports, require, module, __filename, __dirname) {${hooked}\n})`) as (...args: unknown[]) => void;
  // TypeScript requires only Node's own modules: the one kind this script's `require` can load.
  wrapper.call(module.exports, module.exports, require, module, typescriptPath, dirname(typescriptPath));
  return module.exports;
}

/** Everything that decides a parse besides the text: the file, the language version, the module format and the "is it a module" rule. */
function parseKey(fileName: string, options: SourceFileOptions, setParentNodes: boolean, scriptKind: number | undefined): string {
  const settings = typeof options === "number" ? { languageVersion: options } : options;
  return JSON.stringify([fileName, settings.languageVersion, settings.impliedNodeFormat, String(settings.setExternalModuleIndicator), setParentNodes, scriptKind]);
}

function buildSnapshot(): KernelSnapshot {
  const typescriptPath = process.env.GRADIENT_LAB_SNAPSHOT_TYPESCRIPT;
  const folder = process.env.GRADIENT_LAB_SNAPSHOT_FOLDER;
  if (!typescriptPath || !folder) throw new Error("snapshot-entry: GRADIENT_LAB_SNAPSHOT_TYPESCRIPT and GRADIENT_LAB_SNAPSHOT_FOLDER must be set");
  const typescript = withParsedFileHook(typescriptPath);
  const parsed = new Map<string, { text: string; file: unknown }>();
  let recording = true;
  let parsing = false;
  let used = 0;
  const missed: string[] = [];
  const hook: ParsedFileHook = (fileName, text, options, setParentNodes, scriptKind) => {
    // Only declarations: a cell or a local module changes too often to be worth keeping. `parsing`: the hook's own call below.
    if (parsing || !fileName.endsWith(".d.ts")) return undefined;
    const key = parseKey(fileName, options, setParentNodes, scriptKind);
    const held = parsed.get(key);
    if (held && held.text === text) {
      used++;
      return held.file;
    }
    if (!recording) {
      missed.push(fileName);
      return undefined;
    }
    parsing = true;
    const file = typescript.createSourceFile(fileName, text, options, setParentNodes, scriptKind);
    parsing = false;
    parsed.set(key, { text, file });
    return file;
  };
  (globalThis as Record<symbol, unknown>)[PARSED_FILE_HOOK] = hook;
  parseFirstProgram(typescript, folder);
  recording = false;
  return { typescriptPath, typescriptStamp: stampOf(typescriptPath), typescript, parsedFiles: () => ({ held: parsed.size, used, missed }) };
}

/**
 * The program of a first cell that imports the engine, with tslab's
 * compiler options (its converter.js, for Node 20: ES2022), so the same
 * files are parsed the same way; a file parsed with other settings is
 * simply not used. Its check also runs (and so warms) the compiler.
 */
function parseFirstProgram(typescript: TypeScript, folder: string): void {
  const options = {
    module: typescript.ModuleKind.ESNext,
    moduleResolution: typescript.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: typescript.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: typescript.JsxEmit.React,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    // What automatic-types.ts lets a cell see: @types/node and the @types the folder's package.json declares.
    types: (process.env.GRADIENT_LAB_SNAPSHOT_TYPES ?? "node").split(","),
    noEmit: true,
  };
  const cell = join(folder, "gradient-lab-snapshot-cell.ts");
  const host = typescript.createCompilerHost(options);
  const readSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (fileName, ...rest) =>
    fileName === cell ? typescript.createSourceFile(cell, 'import * as lab from "gradient-lab";\nimport * as display from "gradient-lab/display";\n', rest[0] as SourceFileOptions) : readSourceFile(fileName, ...rest);
  host.fileExists = (fileName) => fileName === cell || fileExists(fileName);
  const program = typescript.createProgram([cell], options, host);
  program.getSemanticDiagnostics(program.getSourceFile(cell));
}

if (startupSnapshot.isBuildingSnapshot()) {
  const snapshot = buildSnapshot();
  startupSnapshot.setDeserializeMainFunction(() => {
    // TypeScript's `sys` remembers the first working folder it was asked for (and its arguments): the builder's, not this kernel's.
    const sys = (snapshot.typescript as unknown as { sys: { getCurrentDirectory(): string; args: string[] } }).sys;
    sys.getCurrentDirectory = () => process.cwd();
    sys.args = process.argv.slice(2);
    // Node deletes Error.stackTraceLimit while it builds a snapshot and does not put it back: without it an error has no
    // stack at all, and a traceback could not name the cell's line. 10 is Node's own default.
    if (typeof Error.stackTraceLimit !== "number") Error.stackTraceLimit = 10;
    (globalThis as Record<symbol, unknown>)[SNAPSHOT_GLOBAL] = snapshot;
    // Node passes the script named after the blob as argv[1]: the kernel's main.js, run as `node main.js` would.
    const launcher = process.argv[1] ?? "";
    try {
      statSync(launcher);
    } catch {
      console.error(`gradient-lab kernel: ${launcher} is missing (the project was moved, deleted or not built); run gradient-lab kernel install again from the project`);
      process.exit(1);
    }
    // Loaded after the restore: Node warns that `node:module` is not verified in a snapshot.
    const { createRequire } = require("node:module") as typeof import("node:module");
    createRequire(launcher)(launcher);
  });
}
