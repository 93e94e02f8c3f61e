import * as path from "node:path";
import type { BuildOptions, Plugin } from "esbuild";
import { projectRoot } from "../../project-root";

/**
 * The site's live code, built with esbuild from this package's own modules
 * at export time (no fork of the engine; from dist/, so `npm run build` first): the worker (engine, display code,
 * cell compiler) and the page script (editors, buttons, output rendering).
 * Node's built-in modules the engine and display code import are replaced by
 * the small browser versions in node-shims/, and display/tslab.ts by
 * worker-display.ts: the one seam where the page's outputs leave.
 */


const NODE_SHIMS: Record<string, string> = {
  "node:crypto": "crypto",
  "node:os": "os",
  "node:v8": "v8",
  "node:fs": "fs",
  "node:fs/promises": "fs-promises",
  "node:path": "path",
  "node:util": "util",
  "node:worker_threads": "worker-threads",
};

/**
 * A module of this folder, compiled (dist/), also when the export runs from the TypeScript sources (tests):
 * the CommonJS build leaves Node's modules' unused names alone, where the sources' imports would each need a shim.
 */
function here(name: string): string {
  return path.join(projectRoot(), "dist", "kernel", "export", "live", `${name}.js`);
}

const browserSeams: Plugin = {
  name: "gradient-lab-browser-seams",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => {
      const shim = NODE_SHIMS[args.path];
      if (!shim) return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser version in kernel/export/live/node-shims/` }] };
      return { path: here(path.join("node-shims", shim)) };
    });
    build.onResolve({ filter: /^\.\/tslab$/ }, (args) => (path.basename(path.dirname(args.importer)) === "display" ? { path: here("worker-display") } : undefined));
  },
};

/**
 * Node's `process` as far as the bundled code reads it: libraries ask for
 * `process.env` and `cwd()`, and follow listens for Ctrl-C with `on`/`off`
 * (in the page, Stop ends the worker instead, so there is nothing to hear).
 */
const PROCESS_STAND_IN = 'var process = globalThis.process || { env: {}, platform: "browser", cwd: function () { return "/"; }, on: function () {}, once: function () {}, off: function () {}, emitWarning: function () {} };';

export interface LiveBundles {
  /** The worker's code; the page starts it from a Blob, since a page opened from file:// may not load a worker by URL. */
  worker: string;
  page: string;
}

export async function buildLiveBundles(): Promise<LiveBundles> {
  const esbuild = await import("esbuild");
  const common: BuildOptions = { bundle: true, write: false, minify: true, format: "iife", platform: "browser", target: "es2022", logLevel: "silent", plugins: [browserSeams], legalComments: "none", banner: { js: PROCESS_STAND_IN } };
  const [worker, page] = await Promise.all([
    esbuild.build({ ...common, entryPoints: [here("worker")] }),
    esbuild.build({ ...common, entryPoints: [here("page")] }),
  ]);
  return { worker: worker.outputFiles![0]!.text, page: page.outputFiles![0]!.text };
}

