import Module from "node:module";
import { composeMaps, decodeMappings, inlineMapComment, takeInlineMap } from "./source-map";

/** The part of TypeScript this file wraps. */
interface TypeScript {
  createWatchCompilerHost(rootFiles: string[], options: Record<string, unknown>, ...rest: unknown[]): unknown;
  transpileModule(input: string, options: { fileName?: string; compilerOptions?: Record<string, unknown> }): { outputText: string; sourceMapText?: string };
}

/**
 * Makes tslab's cell compiler (converter.js) leave a source map at the end
 * of every cell's JavaScript, from the cell's own lines, so a traceback can
 * name them (traceback.ts). The converter compiles with a watch program
 * (here given `inlineSourceMap`), then turns that ES module into CommonJS
 * with `transpileModule` (here asked for a map too, which is then chained
 * onto the first). TypeScript's module object has read-only exports, so
 * tslab is handed a copy with these two functions wrapped: the copy takes
 * TypeScript's place in the require cache before converter.js is loaded.
 * Nothing in node_modules is edited. `adaptWatchHost` may change the watch
 * compiler host further (cell-program.ts).
 */
export function compileWithSourceMaps(typescriptPath: string, typescript: TypeScript, adaptWatchHost: (host: object) => object = (host) => host): void {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(typescript)) {
    if (key === "createWatchCompilerHost" || key === "transpileModule") continue;
    Object.defineProperty(wrapped, key, { enumerable: true, get: () => (typescript as unknown as Record<string, unknown>)[key] });
  }
  Object.defineProperty(wrapped, "createWatchCompilerHost", {
    enumerable: true,
    value: (rootFiles: string[], options: Record<string, unknown>, ...rest: unknown[]) =>
      adaptWatchHost(typescript.createWatchCompilerHost(rootFiles, { ...options, inlineSourceMap: true }, ...rest) as object),
  });
  Object.defineProperty(wrapped, "transpileModule", {
    enumerable: true,
    value: (input: string, options: { fileName?: string; compilerOptions?: Record<string, unknown> }) => {
      const { code, mappings: first } = takeInlineMap(input);
      if (!first) return typescript.transpileModule(input, options);
      const result = typescript.transpileModule(code, { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true } });
      const output = result.outputText.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "");
      if (!result.sourceMapText) return { ...result, outputText: output };
      const second = decodeMappings((JSON.parse(result.sourceMapText) as { mappings: string }).mappings);
      return { ...result, outputText: output + inlineMapComment(composeMaps(first, second), "cell.ts") };
    },
  });
  const module = new Module(typescriptPath);
  module.filename = typescriptPath;
  module.exports = wrapped;
  module.loaded = true;
  require.cache[typescriptPath] = module;
}
