import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { main as initCommand } from "../kernel/commands/init";
import { joinText, parseNotebook, type CodeCell } from "../kernel/notebook/nbformat";
import { readParameters } from "../kernel/teach/parameters";
import { isCheckCell, nbgraderOf, secretLines, studentNotebook } from "../kernel/teach/solutions";
import { captured } from "./helpers/captured";
import { storedFigureCount } from "./helpers/stored-notebook";

const run = promisify(execFile);
const repository = resolve(__dirname, "..");
const work = mkdtempSync(join(tmpdir(), "gradient-lab-init-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("gradient-lab init", () => {
  it("creates a course with a parameters cell, an equation with its numbers, a figure and a checked exercise", async () => {
    const dir = join(work, "My Course");
    const made = await captured(() => initCommand([dir]));
    expect(made.result, made.errors.join("\n")).toBe(0);
    expect(made.logs[0]).toBe(`created ${dir}: .gitignore, README.md, nbgrader_config.py, notebooks/01-one-training-step.ipynb, package.json, tsconfig.json`);
    expect(statSync(dir).mode & 0o777).toBe(0o777 & ~process.umask());

    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const own = JSON.parse(readFileSync(join(repository, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-course");
    expect(pkg.dependencies).toEqual({ "gradient-lab": `^${own.version}` });
    expect(pkg.scripts.start).toBe("gradient-lab run && gradient-lab export --html");
    expect(pkg.scripts.test).toBe("gradient-lab test");
    expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toEqual(expect.arrayContaining(["node_modules/", "build/", "site/"]));
    expect(readFileSync(join(dir, "README.md"), "utf8")).toMatch(/npm install .*\nnpm start /);
    expect(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")).compilerOptions.strict).toBe(true);

    const file = join(dir, "notebooks/01-one-training-step.ipynb");
    const notebook = parseNotebook(readFileSync(file, "utf8"), file);
    expect(readParameters(notebook, file)!.parameters.map((p) => p.name)).toEqual(["input", "target", "learningRate", "steps"]);
    const markdown = notebook.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : [])).map((o) => (o.output_type === "display_data" ? joinText((o.data["text/markdown"] ?? "") as string) : ""));
    expect(markdown.join("")).toContain("Z_{3} = X_{1} \\cdot W_{31} + X_{2} \\cdot W_{32} + b_{3} = (1 \\cdot 0.5) + (0 \\cdot 0.5) + 0 = 0.5");
    expect(storedFigureCount(notebook)).toBe(1);
    const solution = notebook.cells.find((cell) => nbgraderOf(cell)?.solution === true) as CodeCell;
    const checkCell = notebook.cells.find(isCheckCell) as CodeCell;
    expect(joinText(checkCell.outputs[0]!.output_type === "stream" ? checkCell.outputs[0]!.text : "")).toBe("✓ L = 0.25 is right (within 1e-9 + 1e-6 × |0.25|)\n");
    expect(secretLines(notebook, file)).toHaveLength(2);
    expect(joinText(studentNotebook(notebook, file).cells[notebook.cells.indexOf(solution)]!.source)).toContain('throw new Error("not done yet: 01-loss");');
  });

  it("refuses a folder that is not empty, with one line, and touches nothing in it", async () => {
    const dir = join(work, "occupied");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const refused = await captured(() => initCommand([dir]));
    expect(refused.result).toBe(1);
    expect(refused.errors).toEqual([`gradient-lab init: ${dir} is not empty (1 entries); init writes only into a new or empty folder`]);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});

/** The child npm must not inherit the npm_* settings of an `npm test` that started vitest. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
}

async function shell(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${failed.stdout ?? ""}\n${failed.stderr ?? failed.message}`);
  }
}

describe("the package", () => {
  it("ships what a course needs and no tests (npm pack --dry-run)", async () => {
    const [listing] = JSON.parse(await shell("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], repository)) as Array<{ files: Array<{ path: string }> }>;
    const paths = listing!.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["dist/kernel/cli.js", "dist/src/index.js", "dist/src/index.d.ts", "kernel/export/assets/site.js", "kernel/display/labextension/prebuilt/package.json", "dist/kernel/display/index.d.ts", "kernel/teach/course-template/notebooks/01-one-training-step.ipynb", "kernel/teach/course-template/gitignore"]));
    expect(paths.filter((p) => /^(test|notebooks|bench|dist\/bench|dist\/test)\/|\.test\.|tsbuildinfo|^\.ci\//.test(p))).toEqual([]);
  });

  it(
    "from a packed tarball in an empty folder: init, npm install <tarball>, npm start, npm test pass, and the site carries a minified plotly.js",
    async () => {
      const packed = join(work, "packed");
      mkdirSync(packed);
      await shell("npm", ["pack", "--pack-destination", packed], repository);
      const own = JSON.parse(readFileSync(join(repository, "package.json"), "utf8"));
      const tarball = join(packed, `gradient-lab-${own.version}.tgz`);
      const empty = join(work, "empty");
      mkdirSync(empty);
      // `npx gradient-lab init` as a teacher would type it, with the package taken from the tarball rather than the registry.
      await shell("npx", ["--yes", `--package=${tarball}`, "gradient-lab", "init", "my-course"], empty);
      const course = join(empty, "my-course");
      await shell("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], course);
      const started = await shell("npm", ["start"], course);
      expect(started).toContain("1 notebooks: 1 executed, 0 failed");
      const tested = await shell("npm", ["test"], course);
      expect(tested).toContain("1 passed, 0 failed");

      const plotly = readFileSync(join(course, "site/assets/plotly.js"), "utf8");
      // plotly.js-dist's plotly.js is 10.1 MB in 230,340 lines; the minified build is 4.8 MB in about 3,600.
      expect(plotly.length).toBeLessThan(6_000_000);
      expect(plotly.split("\n").length).toBeLessThan(10_000);
      expect(plotly).toMatch(/plotly\.js v\d/);
    },
    1_200_000,
  );
});
