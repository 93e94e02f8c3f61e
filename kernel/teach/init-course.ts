import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { projectRoot } from "../project-root";

/**
 * `gradient-lab init DIR`: a teacher's own course repository, depending on
 * gradient-lab. The files come from kernel/teach/course-template (shipped in
 * the package); package.json is written here so it names this version.
 */

/** The template, found from the package root whether this runs from dist/ or from source. */
export const courseTemplateDir = (): string => join(projectRoot(), "kernel", "teach", "course-template");

/** npm drops a package's .gitignore files, so the template keeps it under another name. */
const RENAMED = new Map([["gitignore", ".gitignore"]]);

/** npm's rules for a package name: lower case, no spaces, URL-safe. */
function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "");
  return name || "my-course";
}

async function ownVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(projectRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export async function coursePackageJson(dir: string): Promise<string> {
  const pkg = {
    name: packageName(dir),
    version: "0.1.0",
    private: true,
    description: "A course of notebooks on the gradient-lab TypeScript kernel",
    scripts: {
      start: "gradient-lab run && gradient-lab export --html",
      test: "gradient-lab test",
      student: "gradient-lab export --student",
      "kernel:install": "gradient-lab kernel install --user",
    },
    dependencies: { "gradient-lab": `^${await ownVersion()}` },
    // tslab type-checks cells against node_modules/@types: without node's types there, `console` is unknown.
    devDependencies: { "@types/node": "^20.19.0" },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/** Refuses anything but a new or empty folder: init never mixes its files with someone's. */
async function assertEmptyOrAbsent(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new Error(`${dir}: ${error.code ?? error.message}`);
  });
  if (entries && entries.length > 0) throw new Error(`${dir} is not empty (${entries.length} entries); init writes only into a new or empty folder`);
  return entries !== undefined;
}

/** Writes the course into a sibling folder first and moves it in whole: a failure leaves nothing half-made. */
export async function initCourse(target: string): Promise<string[]> {
  const dir = resolve(target);
  const existed = await assertEmptyOrAbsent(dir);
  await mkdir(dirname(dir), { recursive: true });
  const building = await mkdtemp(join(dirname(dir), `.${basename(dir)}.init-`));
  try {
    // mkdtemp makes a private folder; the course is an ordinary one.
    await chmod(building, 0o777 & ~process.umask());
    await cp(courseTemplateDir(), building, { recursive: true });
    for (const [from, to] of RENAMED) await rename(join(building, from), join(building, to));
    await writeFile(join(building, "package.json"), await coursePackageJson(dir));
    if (existed) await rmdir(dir);
    await rename(building, dir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  return files.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1)).sort();
}
