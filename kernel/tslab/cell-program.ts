/**
 * tslab's cell compiler (converter.js) builds each cell's program with a
 * TypeScript watch program, which by default wraps every program in an
 * incremental "builder" (createEmitAndSemanticDiagnosticsBuilderProgram).
 * tslab uses none of what the builder is for (it asks for one file's
 * diagnostics and emit itself, and never emits the rest), but pays for it on
 * each program: the builder's state walks the imports and references of all
 * of the program's ~290 files, through a new type checker that first merges
 * the globals of every file. A cell builds two programs (one to find the
 * names it declares, one with those names exported), so that was two
 * checkers per cell where tslab needs one.
 *
 * `withPlainPrograms` gives the watch host a `createProgram` that makes a
 * plain program, with the four things tslab asks of its builder (the
 * program, a source file, emit, a file's dependencies), and lets the watch
 * program's own bookkeeping (it asks the checker whether an imported name is
 * an ambient module, to choose which folders to watch) answer from the
 * files' declared ambient modules, without a checker. The checker is then
 * made once per cell, when tslab checks the cell. Measured on notebook 05
 * (kernel/README.md, "Per-cell compilation").
 */

/** The parts of TypeScript's API this file uses (typescript-for-tslab 5.0). */
interface SourceFile {
  fileName: string;
  isDeclarationFile: boolean;
  locals?: unknown;
  externalModuleIndicator?: unknown;
  commonJsModuleIndicator?: unknown;
  ambientModuleNames: readonly string[];
  referencedFiles: readonly { fileName: string }[];
  resolvedModules?: { forEach(callback: (resolution: ModuleResolution | undefined) => void): void };
}
type ModuleResolution = { resolvedModule?: { resolvedFileName: string }; resolvedFileName?: string };

interface Program {
  getSourceFile(fileName: string): SourceFile | undefined;
  getSourceFiles(): readonly SourceFile[];
  getCompilerOptions(): object;
  getTypeChecker(): object;
  emit(...args: unknown[]): unknown;
}

export interface PlainProgramTypescript {
  createProgram(options: { rootNames: readonly string[]; options: object; host: object; oldProgram?: Program; configFileParsingDiagnostics?: unknown; projectReferences?: unknown }): Program;
  bindSourceFile(file: SourceFile, options: object): void;
  getDirectoryPath(path: string): string;
  resolvePath(path: string, ...paths: string[]): string;
}

interface WatchHost {
  createProgram?: (...args: never[]) => unknown;
}

/** What tslab's converter and TypeScript's watch program ask of a "builder" here. */
export class PlainBuilder {
  /** The watch program's view: the same program, with the one checker question it asks answered without a checker. */
  private watchView: Program | undefined;

  constructor(
    private readonly typescript: PlainProgramTypescript,
    readonly program: Program,
  ) {}

  getProgram(): Program {
    return this.program;
  }

  /** Only the watch program calls this (`getCurrentProgram`); tslab calls `getProgram`. */
  getProgramOrUndefined(): Program {
    this.watchView ??= withAmbientModuleLookup(this.program);
    return this.watchView;
  }

  getCompilerOptions(): object {
    return this.program.getCompilerOptions();
  }

  /**
   * tslab reads the cell file's `locals` (the names the cell declares) right
   * after a program update; binding, which sets them, otherwise happens only
   * when a checker is made. Binding a file is done once: the checker skips a
   * bound file.
   */
  getSourceFile(fileName: string): SourceFile | undefined {
    const file = this.program.getSourceFile(fileName);
    if (file && !file.locals) this.typescript.bindSourceFile(file, this.program.getCompilerOptions());
    return file;
  }

  emit(...args: unknown[]): unknown {
    return this.program.emit(...args);
  }

  /**
   * The files `file` depends on, itself included, as the builder's
   * `getAllDependencies` lists them for tslab (which keeps the `.ts` and
   * `.js` ones: a cell's local modules, compiled beside it): the closure of
   * resolved imports and `/// <reference path>`s; every file of the program
   * when one of them is a script (its declarations are global).
   */
  getAllDependencies(file: SourceFile): string[] {
    const seen = new Map<string, SourceFile>([[file.fileName, file]]);
    const pending = [file];
    const visit = (fileName: string | undefined) => {
      const found = fileName === undefined ? undefined : this.program.getSourceFile(fileName);
      if (!found || seen.has(found.fileName)) return;
      seen.set(found.fileName, found);
      pending.push(found);
    };
    for (let next = pending.pop(); next; next = pending.pop()) {
      const from = next;
      from.resolvedModules?.forEach((resolution) => visit(resolution?.resolvedModule?.resolvedFileName ?? resolution?.resolvedFileName));
      for (const reference of from.referencedFiles) visit(this.typescript.resolvePath(this.typescript.getDirectoryPath(from.fileName), reference.fileName));
    }
    const affectsGlobalScope = [...seen.values()].some((each) => !each.isDeclarationFile && !each.externalModuleIndicator && !each.commonJsModuleIndicator);
    return affectsGlobalScope ? this.program.getSourceFiles().map((each) => each.fileName) : [...seen.keys()];
  }

  releaseProgram(): void {}
}

/**
 * The program, whose checker answers `tryFindAmbientModuleWithoutAugmentations`
 * (is `name` declared by a `declare module "name"` in a global file?) from
 * the files' `ambientModuleNames`, which the parser collected; any other
 * question goes to the real checker.
 */
function withAmbientModuleLookup(program: Program): Program {
  let ambientModules: Set<string> | undefined;
  const tryFindAmbientModuleWithoutAugmentations = (name: string): boolean => {
    ambientModules ??= new Set(program.getSourceFiles().flatMap((file) => file.ambientModuleNames));
    return ambientModules.has(name);
  };
  const checker = new Proxy(
    {},
    {
      get: (_target, key) => (key === "tryFindAmbientModuleWithoutAugmentations" ? tryFindAmbientModuleWithoutAugmentations : Reflect.get(program.getTypeChecker(), key)),
    },
  );
  const view = Object.create(program) as Program;
  view.getTypeChecker = () => checker;
  return view;
}

/** Makes a watch compiler host create plain programs instead of builders. */
export function withPlainPrograms<Host extends object>(typescript: PlainProgramTypescript, host: Host): Host {
  (host as WatchHost).createProgram = ((rootNames: readonly string[], options: object, compilerHost: object, old: PlainBuilder | undefined, configFileParsingDiagnostics: unknown, projectReferences: unknown) =>
    new PlainBuilder(typescript, typescript.createProgram({ rootNames, options, host: compilerHost, oldProgram: old?.program, configFileParsingDiagnostics, projectReferences }))) as never;
  return host;
}
