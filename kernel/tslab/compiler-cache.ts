import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/**
 * TypeScript is 8 MB of JavaScript, and V8 compiles each of its functions
 * the first time it runs: loading it and parsing the standard library's
 * declarations for the first cell spent about as long compiling the
 * compiler as running it. V8 can keep that machine code (its "code cache");
 * this loads TypeScript through a `vm.Script` with the cache made by an
 * earlier kernel, and, once the first program is built, saves the cache of
 * everything compiled so far for the next start. Measured on this 2-core
 * machine: compiler ready 1.1-1.4 s after start with the cache, 2.1-2.8 s
 * without (kernel/README.md, "Start-up").
 *
 * The cache is keyed by the file, its size and time, Node and V8 versions;
 * V8 itself refuses a cache that does not fit (then the kernel loads
 * TypeScript as usual and writes a new one). A cache that cannot be read or
 * written costs the speed-up, never the start.
 */
export class CompilerCodeCache {
  private script: Script | undefined;
  /** What became of the cache on this load: for the start-up timing. */
  state: "used" | "rejected" | "none" = "none";

  private constructor(
    private readonly file: string,
    private readonly log: (text: string) => void,
  ) {}

  /** Loads `modulePath` (a CommonJS file) as `require` would, using and later refreshing a code cache under `folder`. */
  static load(modulePath: string, folder: string, log: (text: string) => void): { exports: unknown; cache: CompilerCodeCache } {
    const stat = statSync(modulePath);
    const key = createHash("sha256").update(JSON.stringify([modulePath, stat.size, stat.mtimeMs, process.version, process.versions.v8, process.arch])).digest("hex").slice(0, 16);
    const cache = new CompilerCodeCache(join(folder, `typescript-${key}.v8cache`), log);
    return { exports: cache.run(modulePath), cache };
  }

  private run(modulePath: string): unknown {
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(this.file);
    } catch {
      // No cache yet: this start makes one.
    }
    const script = new Script(Module.wrap(readFileSync(modulePath, "utf8")), { filename: modulePath, cachedData });
    this.state = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "used";
    // Saved later only when there was none or V8 refused it.
    if (this.state !== "used") this.script = script;
    const module = new Module(modulePath);
    module.filename = modulePath;
    module.paths = (Module as unknown as { _nodeModulePaths(folder: string): string[] })._nodeModulePaths(dirname(modulePath));
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
    wrapper.call(module.exports, module.exports, module.require.bind(module) as NodeRequire, module, modulePath, dirname(modulePath));
    module.loaded = true;
    require.cache[modulePath] = module;
    return module.exports;
  }

  /** Writes the cache of every function compiled so far (call once the compiler has done its first work). */
  save(): void {
    if (!this.script) return;
    const script = this.script;
    this.script = undefined;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, this.file);
    } catch (error) {
      this.log(`could not save the compiler's code cache (${(error as Error).message}); the next start will be slower`);
    }
  }
}
