import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main as kernelCommand } from "../kernel/commands/kernel";
import { prebuiltLabextensionFolder } from "../kernel/display/labextension-install";
import { PLOTLY_FILE } from "../kernel/display/names";
import { minifiedPlotlyPath, plotlyVersion } from "../kernel/display/plotly-source";

/**
 * `gradient-lab kernel install|uninstall`: where each part goes, that every
 * file written is named, that uninstall takes all of it away again, and that
 * the committed prebuilt extension matches its source.
 */
const packageRequire = createRequire(__filename);
const LABEXTENSION = "gradient-lab-plotly";

let prefix = "";
afterEach(() => {
  vi.restoreAllMocks();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
  prefix = "";
});

/** Runs the command, returning its exit code and what it printed on each stream. */
async function kernel(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  const code = await kernelCommand(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe("gradient-lab kernel install --prefix", () => {
  it("writes the kernelspec, the classic Notebook's plotly.js and the JupyterLab extension, and names every file", async () => {
    prefix = mkdtempSync(join(tmpdir(), "gradient-lab-install-"));
    const dataDir = join(prefix, "share", "jupyter");
    const { code, out } = await kernel(["install", "--prefix", prefix]);
    expect(code).toBe(0);

    const written = out.map((line) => /^wrote (\S+) \(/.exec(line)?.[1]);
    expect(written.sort()).toEqual(filesUnder(dataDir));
    const extension = join(dataDir, "labextensions", LABEXTENSION);
    // JupyterLab's server reads labextensions/<name>/package.json and loads the remoteEntry it names.
    const manifest = JSON.parse(readFileSync(join(extension, "package.json"), "utf8")) as { name: string; jupyterlab: { _build: { load: string; mimeExtension: string } } };
    expect(manifest.name).toBe(LABEXTENSION);
    expect(manifest.jupyterlab._build.mimeExtension).toBe("./mimeExtension");
    expect(existsSync(join(extension, manifest.jupyterlab._build.load))).toBe(true);
    // plotly.js sits beside the remoteEntry, where the extension loads it from; the same file as the classic Notebook's.
    const plotly = readFileSync(minifiedPlotlyPath(), "utf8");
    expect(readFileSync(join(extension, "static", PLOTLY_FILE), "utf8")).toBe(plotly);
    expect(readFileSync(join(dataDir, "nbextensions", "gradient-lab", PLOTLY_FILE), "utf8")).toBe(plotly);
    expect(existsSync(join(dataDir, "kernels", "gradient-lab", "kernel.json"))).toBe(true);
    // By default the kernelspec starts the kernel the usual way, and no blob is copied (a blob fits one Node build only).
    const { argv } = JSON.parse(readFileSync(join(dataDir, "kernels", "gradient-lab", "kernel.json"), "utf8")) as { argv: string[] };
    expect(argv).not.toContain("--snapshot-blob");
    expect(readdirSync(join(dataDir, "kernels", "gradient-lab"))).toEqual(["kernel.json"]);

    const again = await kernel(["install", "--prefix", prefix]);
    expect(again.out).toEqual(out);
    expect(readdirSync(join(dataDir, "labextensions"))).toEqual([LABEXTENSION]);

    const removed = await kernel(["uninstall", "--prefix", prefix]);
    expect(removed.code).toBe(0);
    expect(removed.out).toEqual([join(dataDir, "kernels", "gradient-lab"), join(dataDir, "nbextensions", "gradient-lab"), extension].map((folder) => `removed ${folder}`));
    expect(filesUnder(dataDir)).toEqual([]);
    expect((await kernel(["uninstall", "--prefix", prefix])).out).toEqual([`nothing of gradient-lab was installed in ${dataDir}`]);

    // --snapshot: the kernelspec starts the kernel from the start-up snapshot copied beside it (kernel/tslab/kernel-snapshot.ts).
    expect((await kernel(["install", "--prefix", prefix, "--snapshot"])).code).toBe(0);
    const fast = JSON.parse(readFileSync(join(dataDir, "kernels", "gradient-lab", "kernel.json"), "utf8")) as { argv: string[] };
    expect(fast.argv[fast.argv.indexOf("--snapshot-blob") + 1]).toMatch(new RegExp(`^${join(dataDir, "kernels", "gradient-lab")}/kernel-[0-9a-f]{16}\\.blob$`));
    await kernel(["uninstall", "--prefix", prefix]);
  });

  it.each([
    [["install", "--prefix", ""], "--prefix wants a folder, got an empty string"],
    [["install", "--user", "--prefix", "/tmp/x"], "choose --user or --prefix, not both"],
    [["reinstall"], 'kernel: unknown action "reinstall"'],
    [[], "kernel: say install or uninstall"],
    [["uninstall", "--snapshot"], "--snapshot is for install"],
  ])("refuses %j with one line and the usage", async (argv, message) => {
    const { code, out, err } = await kernel(argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`${message}\nusage: gradient-lab kernel install|uninstall [--user | --prefix DIR] [--snapshot]`]);
  });
});

describe("the committed prebuilt JupyterLab extension", () => {
  it("was built from the source as it is now (else: cd kernel/display/labextension && npm install && npm run build)", () => {
    const folder = join(prebuiltLabextensionFolder(), "..");
    const { sourceHash } = packageRequire(join(folder, "source-hash.cjs")) as { sourceHash(folder: string): string };
    const built = JSON.parse(readFileSync(join(prebuiltLabextensionFolder(), "package.json"), "utf8")) as { gradientLab?: { sourceHash?: string } };
    expect(built.gradientLab?.sourceHash).toBe(sourceHash(folder));
  });

  it("has the plotly.js it draws with at the version of plotly.js-dist, whose types the figures are written against", () => {
    expect(plotlyVersion()).toBe((packageRequire("plotly.js-dist/package.json") as { version: string }).version);
  });
});
