import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The JupyterLab 3.6 frontend the whole-application test runs (its own
 * package.json and package-lock.json in test/jupyterlab-app, apart from the
 * root package's dependencies), and the Python script that serves it.
 */
export const LAB_APP = resolve(__dirname, "../jupyterlab-app");
export const LAB_SERVER_SCRIPT = join(LAB_APP, "server.py");

/** What `npm run build` reads; the build is redone when one is newer than its output. */
const BUILD_INPUTS = ["package-lock.json", "webpack.config.js", "bootstrap.js", "main.js"];
/** Written by `npm run build` once webpack has succeeded (webpack leaves unchanged files, and their times, alone). */
const BUILD_OUTPUT = "build/.built";
/** npm writes this on every install; older than the lockfile means an install from another lockfile. */
const INSTALL_STAMP = "node_modules/.package-lock.json";

const modified = (file: string): number => statSync(join(LAB_APP, file)).mtimeMs;

function npm(args: string[]): void {
  const started = Date.now();
  const run = spawnSync("npm", args, { cwd: LAB_APP, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} in ${LAB_APP} failed (${run.signal ?? `exit ${run.status}`}):\n${run.stdout}\n${run.stderr}`);
  console.info(`JupyterLab app: npm ${args.join(" ")} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Installs the app's pinned packages (`npm ci`) and builds it, each only when
 * missing or older than its inputs, so `npm test` on a fresh clone needs
 * nothing more (.ci/run does both first, to time them on their own).
 */
export function ensureLabAppBuilt(): void {
  if (!existsSync(join(LAB_APP, INSTALL_STAMP)) || modified(INSTALL_STAMP) < modified("package-lock.json")) {
    npm(["ci", "--no-audit", "--no-fund"]);
  }
  const output = existsSync(join(LAB_APP, BUILD_OUTPUT)) ? modified(BUILD_OUTPUT) : 0;
  if (BUILD_INPUTS.some((input) => modified(input) > output)) npm(["run", "build"]);
}
