import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeNotebook, type Notebook } from "../kernel/notebook/nbformat";

/** `run --in-place` and `test --update` rewrite notebooks through writeNotebook. */
const notebook = (text: string): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: "code", id: "c1", source: "", metadata: {}, outputs: [{ output_type: "stream", name: "stdout", text }], execution_count: 1 }],
});

let folder: string;
beforeEach(() => void (folder = mkdtempSync(join(tmpdir(), "gradient-lab-write-"))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe("writing a notebook in place", () => {
  it("writes through a symlink to its target, keeps the target's mode 600, and leaves no temporary file", async () => {
    const target = join(folder, "real.ipynb");
    const link = join(folder, "link.ipynb");
    writeFileSync(target, JSON.stringify(notebook("old\n")));
    chmodSync(target, 0o600);
    symlinkSync(target, link);
    await writeNotebook(link, notebook("new\n"));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).cells[0].outputs[0].text).toBe("new\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder).sort()).toEqual(["link.ipynb", "real.ipynb"]);
  });

  it("removes the temporary copy a killed run left beside the notebook, and only one whose run is gone", async () => {
    const file = join(folder, "x.ipynb");
    writeFileSync(file, JSON.stringify(notebook("old\n")));
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const leftover = `.x.ipynb.gradient-lab-${dead}-abc123.tmp`;
    const running = `.x.ipynb.gradient-lab-${process.ppid}-def456.tmp`;
    const foreign = ".x.ipynb.swp";
    for (const name of [leftover, running, foreign]) writeFileSync(join(folder, name), "partial");
    await writeNotebook(file, notebook("new\n"));
    expect(readdirSync(folder).sort()).toEqual([running, foreign, "x.ipynb"].sort());
  });
});
