import { listAutomaticTypesOnce, onlyDeclaredTypesAutomatically, type DirectorySystem } from "./automatic-types";
import { withPlainPrograms, type PlainProgramTypescript } from "./cell-program";
import { CompilerCodeCache } from "./compiler-cache";
import { queueConverterTimers, type TimerSystem } from "./converter-timers";
import { restoredTypescript } from "./snapshot-entry";
import { compileWithSourceMaps } from "./source-map-patch";
import { cellTiming, startStage } from "./start-timing";
import { performance } from "node:perf_hooks";
import { takeInlineMap, type DecodedMappings } from "./source-map";

/** A TypeScript diagnostic as tslab's converter reports it (0-based line and character, relative to the cell). */
export interface Diagnostic {
  start: { line: number; character: number };
  messageText: string;
  code: number;
  category: number;
  /** Set for a diagnostic in another file (a local module the cell imports), relative to the kernel's folder. */
  fileName?: string;
}

interface Converted {
  output?: string;
  diagnostics: Diagnostic[];
  hasToplevelAwait?: boolean;
}

interface Converter {
  convert(previousDeclarations: string, source: string): Converted;
  addModule(name: string, source: string, meta: unknown): Diagnostic[];
  inspect(previousDeclarations: string, source: string, position: number): unknown;
  complete(previousDeclarations: string, source: string, position: number): { start: number; end: number; candidates: string[] };
  close(): void;
}

interface Executor {
  execute(source: string): Promise<boolean>;
  inspect(source: string, position: number): unknown;
  complete(source: string, position: number): { start: number; end: number; candidates: string[] };
  interrupt(): void;
  close(): void;
}

/** One compiled cell, kept so that a later traceback through its functions still names its lines. */
export interface CompiledCell {
  /** What the traceback calls it: `Cell In[3]`. */
  label: string;
  lines: string[];
  mappings?: DecodedMappings;
  /** Characters the executor puts before the cell's first line (its function wrapper). */
  firstLineShift: number;
  /** Lines of JavaScript the cell compiled to: frames past them are the executor's wrapper. */
  generatedLines: number;
}

export type CellOutcome =
  | { kind: "ok"; value: unknown }
  | { kind: "diagnostics"; diagnostics: Diagnostic[] }
  | { kind: "thrown"; error: unknown };

/** tslab's executor wraps each cell in one of these before running it (executor.js). */
const EXECUTOR_PREFIX = { sync: "(function(exports, require) { ", async: "(async function(exports, require) { " };
/** tslab prints diagnostics with this format; the kernel reads them from the converter instead. */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";
/** The script name a cell runs under: `//# sourceURL=` names it in stack traces (no spaces allowed). */
const SCRIPT_NAME = /^gradient-lab-cell-(\d+)\.js$/;

/**
 * tslab's TypeScript engine (its converter compiles a cell, its executor
 * runs it, keeping every declaration for the next cell), driven by the
 * kernel's own message loop. The executor reports through a console it is
 * given; this one keeps what it is told (the last expression's value, the
 * thrown error) instead of printing it, so the kernel can send them as
 * `execute_result` and `error` messages. Diagnostics are taken from the
 * converter itself, with their codes.
 */
export class Engine {
  readonly cells = new Map<string, CompiledCell>();
  private running: { label: string; lines: string[]; value?: unknown; hasValue: boolean; thrown?: unknown; threw: boolean; diagnostics: Diagnostic[]; compileMs: number } | undefined;
  private cellCounter = 0;
  /** Saved after the first cell, when the compiler has compiled and emitted once: the most of TypeScript's code there is to cache. */
  private codeCache: CompilerCodeCache | undefined;

  private constructor(
    private readonly executor: Executor,
    readonly isCompleteCode: (code: string) => { completed: boolean; indent?: string },
    readonly printQuickInfo: (info: unknown) => string,
    readonly typescript: TypeScriptParser,
    /** tslab's jupyter.js: its `lastWriteDisplayData` is how tslab's `display` API and ours send display_data. */
    readonly tslabJupyter: { lastWriteDisplayData: unknown },
  ) {}

  /**
   * Loads TypeScript and tslab, patched first (converter-timers.ts,
   * automatic-types.ts, source-map-patch.ts, cell-program.ts), and builds the cell compiler's
   * program. This is the kernel's slow start (seconds); `step` is awaited
   * between the stages so requests that came meanwhile are answered.
   */
  static async load(fromTslab: NodeRequire, cwd: string, options: { step: () => Promise<void>; codeCacheFolder: string; log: (text: string) => void }): Promise<Engine> {
    const { step } = options;
    const typescriptPath = fromTslab.resolve("@tslab/typescript-for-tslab");
    // From the kernel's start-up snapshot when it was started from one (kernel-snapshot.ts), else from the file, through V8's code cache.
    const restored = restoredTypescript(typescriptPath);
    let codeCache: CompilerCodeCache | undefined;
    let typescript: TypeScriptParser & { sys: TimerSystem & DirectorySystem };
    if (restored) {
      typescript = restored.typescript as unknown as typeof typescript;
      startStage(`typescript restored from the snapshot (${restored.parsedFiles().held} declaration files parsed)`);
    } else {
      const loaded = CompilerCodeCache.load(typescriptPath, options.codeCacheFolder, options.log);
      typescript = loaded.exports as typeof typescript;
      codeCache = loaded.cache;
      startStage(`typescript loaded (code cache ${loaded.cache.state})`);
    }
    queueConverterTimers(typescript.sys);
    onlyDeclaredTypesAutomatically(typescript.sys, cwd);
    compileWithSourceMaps(typescriptPath, typescript as never, (host) =>
      listAutomaticTypesOnce(typescript as never, withPlainPrograms(typescript as unknown as PlainProgramTypescript, host as { options: { types?: string[] } })),
    );
    await step();
    const converterModule = fromTslab("./converter.js") as { createConverter(options: { isJS: boolean; isBrowser: boolean }): Converter; isCompleteCode: Engine["isCompleteCode"] };
    const executorModule = fromTslab("./executor.js") as { createExecutor(cwd: string, converters: object, console: object): Executor };
    const inspectModule = fromTslab("./inspect.js") as { printQuickInfo: Engine["printQuickInfo"] };
    const jupyterModule = fromTslab("./jupyter.js") as Engine["tslabJupyter"];
    startStage("tslab loaded");
    await step();
    const converter = converterModule.createConverter({ isJS: false, isBrowser: false });
    let engine: Engine | undefined;
    const converters = {
      node: {
        convert: (declarations: string, source: string) => {
          const started = performance.now();
          const converted = converter.convert(declarations, source);
          if (engine?.running) engine.running.compileMs += performance.now() - started;
          return engine!.compiled(converted);
        },
        addModule: (name: string, source: string, meta: unknown) => engine!.noted(converter.addModule(name, source, meta)),
        inspect: converter.inspect,
        complete: converter.complete,
      },
      get browser(): never {
        throw new Error("this kernel runs cells in Node.js; `//@mode: browser` cells are not supported");
      },
      close: () => converter.close(),
    };
    const executor = executorModule.createExecutor(cwd, converters, {
      log: (value: unknown) => engine!.returned(value),
      error: (...args: unknown[]) => engine!.reported(args),
    });
    engine = new Engine(executor, converterModule.isCompleteCode, inspectModule.printQuickInfo, typescript, jupyterModule);
    startStage("first program built");
    await step();
    // The first check of a cell loads most of the standard library's types: done now, before any cell waits for it.
    converter.convert("", "export {};");
    const parsed = restored?.parsedFiles();
    startStage(parsed ? `standard library checked (${parsed.used} declaration files from the snapshot, ${parsed.missed.length} parsed anew)` : "standard library checked");
    engine.codeCache = codeCache;
    return engine;
  }

  /** Runs one cell; `label` names it in tracebacks (`Cell In[3]`). */
  async run(code: string, label: string): Promise<CellOutcome> {
    this.running = { label, lines: code.split("\n"), hasValue: false, threw: false, diagnostics: [], compileMs: 0 };
    const started = performance.now();
    try {
      await this.executor.execute(code);
    } catch (error) {
      // tslab's own failure (its compiler threw): reported like an error of the cell.
      this.running.threw = true;
      this.running.thrown = error;
    }
    const run = this.running;
    this.running = undefined;
    cellTiming(label, run.compileMs, performance.now() - started);
    this.codeCache?.save();
    this.codeCache = undefined;
    if (run.diagnostics.length > 0) return { kind: "diagnostics", diagnostics: run.diagnostics };
    if (run.threw) return { kind: "thrown", error: run.thrown };
    return { kind: "ok", value: run.hasValue ? run.value : undefined };
  }

  interrupt(): void {
    this.executor.interrupt();
  }

  complete(code: string, position: number) {
    return this.executor.complete(code, position);
  }

  inspect(code: string, position: number): string | undefined {
    const info = this.executor.inspect(code, position);
    return info ? this.printQuickInfo(info) : undefined;
  }

  close(): void {
    this.executor.close();
  }

  /** The cell a script name from a stack trace stands for. */
  cellOf(scriptName: string): CompiledCell | undefined {
    return SCRIPT_NAME.test(scriptName) ? this.cells.get(scriptName) : undefined;
  }

  /** Names the compiled cell for stack traces and keeps its source map. */
  private compiled(converted: Converted): Converted {
    const run = this.running;
    if (converted.diagnostics.length > 0 && run) run.diagnostics.push(...converted.diagnostics);
    if (converted.output === undefined || !run) return converted;
    const { code, mappings } = takeInlineMap(converted.output);
    const name = `gradient-lab-cell-${++this.cellCounter}.js`;
    const prefix = converted.hasToplevelAwait ? EXECUTOR_PREFIX.async : EXECUTOR_PREFIX.sync;
    this.cells.set(name, { label: run.label, lines: run.lines, mappings, firstLineShift: prefix.length, generatedLines: code.split("\n").length });
    return { ...converted, output: `${code}\n//# sourceURL=${name}` };
  }

  private noted(diagnostics: Diagnostic[]): Diagnostic[] {
    this.running?.diagnostics.push(...diagnostics);
    return diagnostics;
  }

  private returned(value: unknown): void {
    if (!this.running) return;
    this.running.hasValue = true;
    this.running.value = value;
  }

  private reported(args: unknown[]): void {
    if (!this.running || args[0] === DIAGNOSTIC_FORMAT) return;
    this.running.threw = true;
    this.running.thrown = args[0];
  }
}

/** The part of TypeScript the kernel uses itself (is_complete). */
export interface TypeScriptParser {
  createSourceFile(fileName: string, text: string, languageVersion: number, setParentNodes?: boolean, scriptKind?: number): { parseDiagnostics?: { start?: number; length?: number; messageText: unknown }[] };
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
}
