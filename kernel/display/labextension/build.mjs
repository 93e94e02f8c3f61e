// Rebuilds prebuilt/, the labextension gradient-lab ships, with npm tools only:
// type-check, bundle our TypeScript with esbuild (JupyterLab's packages left as
// imports, for webpack's Module Federation to share), then @jupyterlab/builder's
// build-labextension (what `jupyter labextension build` runs), no Python.
// plotly.js is not in the build: `gradient-lab kernel install` copies it beside it.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const run = (script, args) => execFileSync(process.execPath, [require.resolve(script), ...args], { cwd: here, stdio: "inherit" });

run("typescript/bin/tsc", ["-p", "tsconfig.json"]);
await esbuild.build({
  entryPoints: [join(here, "src/index.ts")],
  outfile: join(here, "lib/index.js"),
  bundle: true,
  format: "esm",
  target: "es2019",
  external: ["@jupyterlab/*", "@lumino/*"],
  logLevel: "warning",
});
run("@jupyterlab/builder/lib/build-labextension.js", ["--core-path", join(here, "core"), here]);

const { sourceHash } = require("./source-hash.cjs");
const built = join(here, "prebuilt/package.json");
const data = JSON.parse(readFileSync(built, "utf8"));
data.gradientLab = { sourceHash: sourceHash(here) };
writeFileSync(built, `${JSON.stringify(data, null, 2)}\n`);
console.log(`built ${data.jupyterlab._build.load} (source ${data.gradientLab.sourceHash.slice(0, 12)})`);
