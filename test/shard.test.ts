import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as runCommand } from "../kernel/commands/run";
import { parseShard, shareOf } from "../kernel/commands/shard";
import { main as testCommand } from "../kernel/commands/test";
import { captured } from "./helpers/captured";

describe("shares of the notebooks (--shard i/n)", () => {
  const names = (count: number) => Array.from({ length: count }, (_, i) => `/course/notebooks/${String(i + 1).padStart(3, "0")}-n.ipynb`);

  it("cover every notebook exactly once, in sorted order, for any n (more shares than notebooks too)", () => {
    for (const count of [0, 1, 2, 3, 7, 13, 100]) {
      for (const n of [1, 2, 3, 4, 5, 13, 20, 150]) {
        const files = names(count);
        const shares = Array.from({ length: n }, (_, i) => shareOf(files, { index: i + 1, count: n }, "/course"));
        expect(shares.flat(), `${count} notebooks over ${n} shares`).toEqual(files);
        const sizes = shares.map((share) => share.length);
        expect(Math.max(...sizes) - Math.min(...sizes), `${count} over ${n}: sizes ${sizes}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("do not depend on the order the notebooks were named in", () => {
    const files = names(13);
    const shuffled = [files[7]!, ...files.slice(0, 7), ...files.slice(8).reverse()];
    for (let index = 1; index <= 4; index++) expect(shareOf(shuffled, { index, count: 4 }, "/course")).toEqual(shareOf(files, { index, count: 4 }, "/course"));
    expect(shareOf(files, { index: 1, count: 4 }, "/course")).toEqual(files.slice(0, 3));
  });

  it("refuse a bad --shard in one line that names the flag", () => {
    expect(parseShard(undefined)).toBeUndefined();
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    const cases: Array<[string, string]> = [
      ["0/2", "--shard 0/2: i must be between 1 and 2"],
      ["3/2", "--shard 3/2: i must be between 1 and 2"],
      ["1/0", "--shard 1/0: n must be at least 1"],
      ["a/b", '--shard wants i/n (the i-th of n shares, e.g. 1/4), got "a/b"'],
      ["1.5/2", '--shard wants i/n (the i-th of n shares, e.g. 1/4), got "1.5/2"'],
      ["", '--shard wants i/n (the i-th of n shares, e.g. 1/4), got ""'],
    ];
    for (const [text, message] of cases) expect(() => parseShard(text)).toThrow(message);
  });
});

describe("gradient-lab test --shard and run --shard on real kernels", () => {
  /** Three tiny notebooks; each appends its own name to ran.log when it executes, and prints nothing. */
  let course: string;
  const home = process.cwd();
  const notebooks = ["a.ipynb", "b.ipynb", "c.ipynb"];
  const ran = (): string[] => (existsSync(join(course, "ran.log")) ? readFileSync(join(course, "ran.log"), "utf8").trim().split("\n") : []);

  beforeAll(() => {
    course = mkdtempSync(resolve(__dirname, "fixtures", ".runner-shard-"));
    writeFileSync(join(course, "package.json"), JSON.stringify({ name: "scratch-course", private: true }));
    for (const name of notebooks) {
      const source = `import { appendFileSync } from "fs";\nappendFileSync("ran.log", "${name}\\n");`;
      writeFileSync(join(course, name), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null }] }));
    }
    // The run cache goes into this scratch course's node_modules/.cache, not the repository's.
    process.chdir(course);
  });
  afterAll(() => {
    process.chdir(home);
    rmSync(course, { recursive: true, force: true });
  });

  it("test runs only its share and says which; the shares together run each notebook once", async () => {
    // Named out of order on purpose: the share follows the sorted paths.
    const files = ["c.ipynb", "a.ipynb", "b.ipynb"].map((name) => join(course, name));
    const first = await captured(() => testCommand(["--shard", "1/2", ...files]));
    expect(first.result, first.errors.join("\n")).toBe(0);
    expect(first.logs[0]).toBe("shard 1/2: 1 of 3 notebooks (a.ipynb)");
    expect(ran()).toEqual(["a.ipynb"]);
    const second = await captured(() => testCommand(["--shard", "2/2", ...files]));
    expect(second.result, second.errors.join("\n")).toBe(0);
    expect(second.logs[0]).toBe("shard 2/2: 2 of 3 notebooks (b.ipynb, c.ipynb)");
    expect(second.logs).toContain("2 passed, 0 failed");
    expect(ran()).toEqual(["a.ipynb", "b.ipynb", "c.ipynb"]);
  });

  it("an empty share says so and exits 0 without starting a kernel", async () => {
    const before = ran();
    const empty = await captured(() => testCommand(["--shard", "1/4", ...notebooks.map((name) => join(course, name))]));
    expect(empty.result).toBe(0);
    expect(empty.logs[0]).toBe("shard 1/4: no notebooks in this share (3 notebooks over 4 shares), nothing to do");
    expect(empty.stderr).toBe("");
    expect(ran()).toEqual(before);
  });

  it("a bad --shard is one line naming the flag, exit 2", async () => {
    for (const argv of [["--shard", "3/2"], ["--shard"]]) {
      const bad = await captured(() => testCommand([...argv, join(course, "a.ipynb")]));
      expect(bad.result).toBe(2);
      expect(bad.errors[0]!.split("\n")[0]).toMatch(/--shard/);
    }
  });

  it("run --shard executes and writes only its share", async () => {
    const before = ran().length;
    const out = join(course, "out");
    const share = await captured(() => runCommand(["--shard", "1/2", "--out", out, ...notebooks.map((name) => join(course, name))]));
    expect(share.result, share.errors.join("\n")).toBe(0);
    expect(share.logs[0]).toBe("shard 1/2: 1 of 3 notebooks (a.ipynb)");
    expect(readdirSync(out)).toEqual(["a.ipynb"]);
    expect(ran().slice(before)).toEqual(["a.ipynb"]);
  });
});
