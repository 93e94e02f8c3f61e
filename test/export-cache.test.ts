import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as exportCommand } from "../kernel/commands/export";
import { captured } from "./helpers/captured";

/**
 * `export --html` skips a rebuild whose inputs are unchanged. A rebuild makes
 * the site in a new folder and renames it into place, so the site folder's
 * inode tells whether the export really ran, whatever it printed.
 */
let work: string;
let from: string;
let out: string;
const home = process.cwd();

async function exportSite(...flags: string[]) {
  const before = statSync(out, { throwIfNoEntry: false })?.ino;
  const run = await captured(() => exportCommand(["--html", "--from", from, "--out", out, ...flags]));
  expect(run.result, run.errors.join("\n")).toBe(0);
  return { ...run, rebuilt: statSync(out).ino !== before };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "gradient-lab-export-cache-"));
  // The cache goes to this project's node_modules/.cache, as it would in a course of one's own.
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "scratch-course", private: true }));
  from = join(work, "executed");
  out = join(work, "site");
  cpSync(join(__dirname, "fixtures", "export"), from, { recursive: true });
  process.chdir(work);
});

afterAll(() => {
  process.chdir(home);
  rmSync(work, { recursive: true, force: true });
});

describe("export --html with unchanged inputs", () => {
  it("builds once, then skips the rebuild and says so", async () => {
    expect((await exportSite()).rebuilt).toBe(true);
    const again = await exportSite();
    expect(again.rebuilt).toBe(false);
    expect(again.logs.join("\n")).toMatch(/^site: .*index\.html \(3 pages, .*\nsite unchanged: .*not rebuilt/s);
  });

  it("rebuilds after an executed notebook changes, and the page shows the change", async () => {
    const notebook = join(from, "01-the-loss.ipynb");
    const nb = JSON.parse(readFileSync(notebook, "utf8"));
    nb.cells.push({ cell_type: "markdown", metadata: {}, source: "A sentence added after the last export." });
    writeFileSync(notebook, JSON.stringify(nb));
    expect((await exportSite()).rebuilt).toBe(true);
    expect(readFileSync(join(out, "01-the-loss.html"), "utf8")).toContain("A sentence added after the last export.");
    expect((await exportSite()).rebuilt).toBe(false);
  });

  it("rebuilds when a page of the site was edited by hand, or with other options, or with --force", async () => {
    writeFileSync(join(out, "02-gradients.html"), "edited by hand");
    expect((await exportSite()).rebuilt).toBe(true);
    expect(readFileSync(join(out, "02-gradients.html"), "utf8")).not.toBe("edited by hand");
    expect((await exportSite("--hide-code")).rebuilt).toBe(true);
    expect((await exportSite("--hide-code")).rebuilt).toBe(false);
    expect((await exportSite("--hide-code", "--force")).rebuilt).toBe(true);
  });

  it("renders again only the page whose notebook changed; the others come from the page cache", async () => {
    // A marker planted in every stored page shows which pages were taken from the cache, not rendered.
    const pages = join(work, "node_modules", ".cache", "gradient-lab", "pages");
    for (const entry of readdirSync(pages)) {
      const page = JSON.parse(readFileSync(join(pages, entry), "utf8"));
      writeFileSync(join(pages, entry), JSON.stringify({ ...page, body: `${page.body}<p>TAKEN-FROM-THE-PAGE-CACHE</p>` }));
    }
    const notebook = join(from, "02-gradients.ipynb");
    const nb = JSON.parse(readFileSync(notebook, "utf8"));
    nb.cells.push({ cell_type: "markdown", metadata: {}, source: "Another sentence, in notebook 02." });
    writeFileSync(notebook, JSON.stringify(nb));
    expect((await exportSite("--hide-code")).rebuilt).toBe(true);
    const page = (name: string) => readFileSync(join(out, name), "utf8");
    expect(page("02-gradients.html")).toContain("Another sentence, in notebook 02.");
    expect(page("02-gradients.html")).not.toContain("TAKEN-FROM-THE-PAGE-CACHE");
    expect(page("01-the-loss.html")).toContain("TAKEN-FROM-THE-PAGE-CACHE");
    expect(page("03-hostile.html")).toContain("TAKEN-FROM-THE-PAGE-CACHE");
    // --force renders every page afresh.
    expect((await exportSite("--hide-code", "--force")).rebuilt).toBe(true);
    expect(page("01-the-loss.html")).not.toContain("TAKEN-FROM-THE-PAGE-CACHE");
  });

  it("treats a corrupt cache entry as a miss with a one-line warning", async () => {
    const folder = join(work, "node_modules", ".cache", "gradient-lab", "site");
    for (const entry of readdirSync(folder)) writeFileSync(join(folder, entry), "{ half of an entry");
    const corrupt = await exportSite("--hide-code");
    expect(corrupt.rebuilt).toBe(true);
    expect(corrupt.errors).toHaveLength(1);
    expect(corrupt.errors[0]).toMatch(/^gradient-lab: cache entry .*\.json is unusable \(.*JSON.*\); exporting again$/);
    expect((await exportSite("--hide-code")).rebuilt).toBe(false);
  });
});
